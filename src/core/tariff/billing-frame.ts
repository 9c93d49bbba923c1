/**
 * The tariff-independent part of billing an interval series: its local calendar, the billing periods,
 * and per interval the billing period, the URDB schedule cell (month of year x 24 + local hour) and the
 * day type. Built once per series and reused for every tariff of a rate comparison, so each tariff
 * costs one integer-indexed pass over the values (STYLE §8).
 *
 * Billing periods are local calendar months by default, or explicit local date ranges (both ends
 * included, as bills give them). An interval belongs to the period of the local day in which it STARTS
 * (src/core/calendar.ts). A period is labelled with the month of its first day. Its expected intervals
 * are the series grid's starts inside the whole period, so a period the series covers only in part is
 * read as incomplete, never as a period of zeros.
 */
import { KeymeterError } from '../../errors.js';
import { localCalendar, type LocalCalendar } from '../calendar.js';
import { share } from '../consumption.js';
import { dayNumber, periodRangeMs } from '../period.js';
import { MINUTE_MS, type IntervalSeries } from '../series.js';

const MINUTES_PER_HOUR = 60;
const HOURS = 24;
const SATURDAY = 6;
const SUNDAY = 0;

/** A billing period as a bill gives it: local dates 'YYYY-MM-DD', both included. */
export interface LocalDateRange {
  readonly start: string;
  readonly end: string;
}

export interface BillingPeriod extends LocalDateRange {
  /** 'YYYY-MM' of `start`: the month a rate comparison reports the period under. */
  readonly month: string;
  /** Month of year of `start`, 0 = January: selects flat demand, ratchet and kWh/kW for the period. */
  readonly monthOfYear: number;
  /** Local days in the period. */
  readonly days: number;
  /** Interval starts of the series grid in the whole period. */
  readonly expected: number;
  /** Present (non-NaN) intervals of the series in the period. */
  readonly present: number;
  /** present / expected, 4 decimals. */
  readonly completeness: number;
  /** Sum of the present intervals, kWh, or null when none is present. */
  readonly kwh: number | null;
}

export interface BillingFrameOptions {
  /** Explicit billing periods (e.g. the bundle's bills); default: every local month the series touches. */
  readonly periods?: readonly LocalDateRange[];
  /** Local dates 'YYYY-MM-DD' that use the weekend schedules (public holidays). */
  readonly holidays?: ReadonlySet<string>;
}

export interface BillingFrame {
  readonly kwh: IntervalSeries;
  readonly timeZone: string;
  readonly calendar: LocalCalendar;
  /** Sorted by start, not overlapping. */
  readonly periods: readonly BillingPeriod[];
  /** Per interval: index into `periods`, or -1 when its local day is in no period. */
  readonly periodIndex: Int32Array;
  /** Per interval: month of year (0 = January) x 24 + local hour of its start: a cell of a URDB 12 x 24 schedule. */
  readonly scheduleCell: Int16Array;
  /** Per interval: 1 when its local day uses the weekend schedule (Saturday, Sunday or a holiday), else 0. */
  readonly weekend: Uint8Array;
}

/**
 * Builds the billing frame of a kWh series in the site's IANA zone. The interval must divide an hour,
 * so that each interval lies in one hour of a URDB schedule. Throws KM_VALIDATION for a bad interval or
 * bad periods (path `periods[i]...`), RangeError for an unknown zone.
 */
export function billingFrame(kwh: IntervalSeries, timeZone: string, options: BillingFrameOptions = {}): BillingFrame {
  const { intervalMinutes } = kwh;
  if (!Number.isInteger(intervalMinutes) || intervalMinutes <= 0 || MINUTES_PER_HOUR % intervalMinutes !== 0) {
    throw new KeymeterError('KM_VALIDATION', `intervalMinutes: ${intervalMinutes} does not divide an hour; URDB schedules are hourly`, {
      issues: [{ path: 'intervalMinutes', message: 'must divide 60' }],
    });
  }
  const cal = localCalendar(kwh, timeZone);
  const n = kwh.values.length;
  const holidays = options.holidays ?? new Set<string>();

  const monthOfYear = cal.months.map((m) => Number(m.month.slice(5, 7)) - 1);
  const scheduleCell = new Int16Array(n);
  const weekend = new Uint8Array(n);
  const dayWeekend = cal.days.map((d) => (d.dayOfWeek === SATURDAY || d.dayOfWeek === SUNDAY || holidays.has(d.date) ? 1 : 0));
  for (let i = 0; i < n; i++) {
    const hour = Math.floor((cal.slot[i]! * intervalMinutes) / MINUTES_PER_HOUR);
    scheduleCell[i] = monthOfYear[cal.monthIndex[i]!]! * HOURS + hour;
    weekend[i] = dayWeekend[cal.dayIndex[i]!]!;
  }

  const periodIndex = new Int32Array(n);
  let ranges: { start: string; end: string; days: number; expected: number }[];
  if (options.periods === undefined) {
    ranges = cal.months.map((m) => {
      const days = daysInMonth(m.month);
      return { start: `${m.month}-01`, end: `${m.month}-${String(days).padStart(2, '0')}`, days, expected: m.expected };
    });
    periodIndex.set(cal.monthIndex);
  } else {
    ranges = checkPeriods(options.periods).map((p) => ({ ...p, days: dayNumber(p.end) - dayNumber(p.start) + 1, expected: expectedIn(kwh, p, timeZone) }));
    const dayPeriod = new Int32Array(cal.days.length).fill(-1);
    let k = 0;
    cal.days.forEach((d, di) => {
      while (k < ranges.length && ranges[k]!.end < d.date) k++;
      if (k < ranges.length && ranges[k]!.start <= d.date) dayPeriod[di] = k;
    });
    for (let i = 0; i < n; i++) periodIndex[i] = dayPeriod[cal.dayIndex[i]!]!;
  }

  const present = new Int32Array(ranges.length);
  const sum = new Float64Array(ranges.length);
  const { values } = kwh;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const p = periodIndex[i]!;
    if (v !== v || p < 0) continue; // NaN: missing, never zero
    present[p] = present[p]! + 1;
    sum[p] = sum[p]! + v;
  }
  const periods = ranges.map((r, p): BillingPeriod => ({
    ...r,
    month: r.start.slice(0, 7),
    monthOfYear: Number(r.start.slice(5, 7)) - 1,
    present: present[p]!,
    completeness: share(present[p]!, r.expected),
    kwh: present[p]! > 0 ? sum[p]! : null,
  }));
  return { kwh, timeZone, calendar: cal, periods, periodIndex, scheduleCell, weekend };
}

function daysInMonth(month: string): number {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return dayNumber(next) - dayNumber(`${month}-01`);
}

/** Grid starts of the series inside the local date range, in the site's zone. */
function expectedIn(s: IntervalSeries, p: LocalDateRange, timeZone: string): number {
  const { startMs, endMs } = periodRangeMs({ from: p.start, to: p.end }, timeZone);
  const stepMs = s.intervalMinutes * MINUTE_MS;
  const gridIndex = (ms: number): number => Math.ceil((ms - s.startMs) / stepMs);
  return gridIndex(endMs) - gridIndex(startMs);
}

/** Real dates, start <= end, and no two periods sharing a day; returns them sorted by start. */
function checkPeriods(periods: readonly LocalDateRange[]): LocalDateRange[] {
  const issues: { path: string; message: string }[] = [];
  periods.forEach((p, i) => {
    if (Number.isNaN(dayNumber(p.start))) issues.push({ path: `periods[${i}].start`, message: `'${p.start}' is not a date YYYY-MM-DD` });
    else if (Number.isNaN(dayNumber(p.end))) issues.push({ path: `periods[${i}].end`, message: `'${p.end}' is not a date YYYY-MM-DD` });
    else if (p.end < p.start) issues.push({ path: `periods[${i}].end`, message: 'is before start' });
  });
  const order = periods.map((p, i) => ({ p, i })).sort((a, b) => (a.p.start < b.p.start ? -1 : a.p.start > b.p.start ? 1 : 0));
  for (let k = 1; k < order.length && issues.length === 0; k++) {
    if (order[k]!.p.start <= order[k - 1]!.p.end) {
      issues.push({ path: `periods[${order[k]!.i}].start`, message: `overlaps periods[${order[k - 1]!.i}]` });
    }
  }
  if (issues.length > 0) {
    throw new KeymeterError('KM_VALIDATION', issues.map((x) => `${x.path}: ${x.message}`).join('; '), { issues });
  }
  return order.map(({ p }) => ({ start: p.start, end: p.end }));
}
