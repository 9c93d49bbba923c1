/**
 * The Section 4 period (CONTRACT.md): `from` and `to` are local dates in the site's zone, both included;
 * by default the 36 full months before today's month. As instants it is the half-open range
 * [local midnight starting `from`, local midnight ending `to`).
 */
import { KeymeterError } from '../errors.js';
import { DAY_MS, firstInstantAtOrAfter, offsetTable } from './time-zone.js';

export interface LocalPeriod {
  /** 'YYYY-MM-DD', included */
  from: string;
  /** 'YYYY-MM-DD', included */
  to: string;
}

/** Months in the default period (CONTRACT.md: the 36 full months before today). */
export const DEFAULT_PERIOD_MONTHS = 36;
/** Longest period served, in days: ten years of 15-minute data per channel is about 350,000 values. */
export const MAX_PERIOD_DAYS = 3_700;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a calendar date, or NaN when it is not a real date. */
export function dayNumber(date: string): number {
  const m = DATE.exec(date);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms / DAY_MS : Number.NaN;
}

function dateOf(dayNo: number): string {
  return new Date(dayNo * DAY_MS).toISOString().slice(0, 10);
}

/** The 36 full months before the month of `today` (a local date). */
export function defaultPeriod(today: string, months = DEFAULT_PERIOD_MONTHS): LocalPeriod {
  const m = DATE.exec(today);
  if (!m || Number.isNaN(dayNumber(today))) throw new KeymeterError('KM_VALIDATION', `'${today}' is not a date`);
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  const from = dateOf(Date.UTC(y, mo - months, 1) / DAY_MS);
  const to = dateOf(Date.UTC(y, mo, 1) / DAY_MS - 1);
  return { from, to };
}

/** Checks a requested period; throws KM_VALIDATION naming the bad parameter. */
export function checkPeriod(p: LocalPeriod): LocalPeriod {
  const a = dayNumber(p.from);
  const b = dayNumber(p.to);
  if (Number.isNaN(a)) throw new KeymeterError('KM_VALIDATION', `from: '${p.from}' is not a date YYYY-MM-DD`, { issues: [{ path: 'querystring.from', message: 'not a date YYYY-MM-DD' }] });
  if (Number.isNaN(b)) throw new KeymeterError('KM_VALIDATION', `to: '${p.to}' is not a date YYYY-MM-DD`, { issues: [{ path: 'querystring.to', message: 'not a date YYYY-MM-DD' }] });
  if (b < a) throw new KeymeterError('KM_VALIDATION', 'to is before from', { issues: [{ path: 'querystring.to', message: 'must not be before from' }] });
  if (b - a + 1 > MAX_PERIOD_DAYS) throw new KeymeterError('KM_RANGE_TOO_WIDE', `the period is ${b - a + 1} days; at most ${MAX_PERIOD_DAYS}`);
  return p;
}

/** [start, end) in epoch ms UTC of the local dates `from`..`to` in `timeZone`. */
export function periodRangeMs(p: LocalPeriod, timeZone: string): { startMs: number; endMs: number } {
  const fromLocalMs = dayNumber(p.from) * DAY_MS;
  const toLocalMs = (dayNumber(p.to) + 1) * DAY_MS;
  const table = offsetTable(timeZone, fromLocalMs - 2 * DAY_MS, toLocalMs + 2 * DAY_MS);
  return { startMs: firstInstantAtOrAfter(table, fromLocalMs), endMs: firstInstantAtOrAfter(table, toLocalMs) };
}
