/**
 * Report periods (CONTRACT.md `keymeter report --period`): a calendar year `YYYY`, a quarter `YYYY-Qn` or a
 * month `YYYY-MM`, always in the local time of the account's site. As local dates a period is
 * [first day, last day], both included, which is how the Section 4 document takes its `from` and `to`.
 *
 * Schedules name a period relative to when they fire (`previous-month`, `previous-quarter`,
 * `previous-year`): the last complete calendar period before the one holding the firing instant, read as
 * a local date in the schedule's time zone. A schedule that fires at 06:00 on the 1st of each month with
 * `previous-month` reports the month that just ended.
 */
import { dayNumber } from '../core/period.js';
import { utcOffsetMs } from '../core/time-zone.js';
import { KeymeterError } from '../errors.js';

export type PeriodKind = 'year' | 'quarter' | 'month';

export interface ReportPeriod {
  /** `2025`, `2025-Q4` or `2025-10`: the form the CLI takes and runs are stored under. */
  label: string;
  kind: PeriodKind;
  year: number;
  /** 1-12 for a month, 1-4 for a quarter, 1 for a year. */
  index: number;
  /** First local day, `YYYY-MM-DD`, included. */
  from: string;
  /** Last local day, `YYYY-MM-DD`, included. */
  to: string;
}

/** What a schedule reports on, relative to its firing time. */
export const SCHEDULE_PERIODS = ['previous-month', 'previous-quarter', 'previous-year'] as const;
export type SchedulePeriod = (typeof SCHEDULE_PERIODS)[number];

const PERIOD_RE = /^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$/;
/** Years a report can be asked for: the data model's timestamps and the tz database hold no earlier data. */
const MIN_YEAR = 1970;
const MAX_YEAR = 9998;
const MONTHS_PER_QUARTER = 3;

const pad2 = (n: number): string => String(n).padStart(2, '0');

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The period of `kind` with its `index` in `year`. */
export function makePeriod(kind: PeriodKind, year: number, index: number): ReportPeriod {
  if (kind === 'year') return { label: String(year), kind, year, index: 1, from: `${year}-01-01`, to: `${year}-12-31` };
  if (kind === 'quarter') {
    const firstMonth = (index - 1) * MONTHS_PER_QUARTER + 1;
    const lastMonth = firstMonth + MONTHS_PER_QUARTER - 1;
    return { label: `${year}-Q${index}`, kind, year, index, from: `${year}-${pad2(firstMonth)}-01`, to: `${year}-${pad2(lastMonth)}-${pad2(lastDayOfMonth(year, lastMonth))}` };
  }
  return { label: `${year}-${pad2(index)}`, kind, year, index, from: `${year}-${pad2(index)}-01`, to: `${year}-${pad2(index)}-${pad2(lastDayOfMonth(year, index))}` };
}

/**
 * Parses `YYYY`, `YYYY-Qn` or `YYYY-MM`.
 * @throws KeymeterError KM_VALIDATION naming `field` when the text is none of them.
 */
export function parsePeriod(text: string, field = 'period'): ReportPeriod {
  const m = PERIOD_RE.exec(text);
  const year = m ? Number(m[1]) : Number.NaN;
  if (!m || year < MIN_YEAR || year > MAX_YEAR) {
    throw new KeymeterError('KM_VALIDATION', `${field}: '${text}' is not a period (YYYY, YYYY-Qn or YYYY-MM)`, {
      issues: [{ path: field, message: 'must be YYYY, YYYY-Qn or YYYY-MM' }],
    });
  }
  if (m[2] !== undefined) return makePeriod('quarter', year, Number(m[2]));
  if (m[3] !== undefined) return makePeriod('month', year, Number(m[3]));
  return makePeriod('year', year, 1);
}

/** The same period one year earlier (the comparison column of the report). */
export function samePeriodLastYear(p: ReportPeriod): ReportPeriod {
  return makePeriod(p.kind, p.year - 1, p.index);
}

/** The period just before `p` of the same kind (2025-01 -> 2024-12, 2025-Q1 -> 2024-Q4). */
export function previousPeriod(p: ReportPeriod): ReportPeriod {
  if (p.kind === 'year') return makePeriod('year', p.year - 1, 1);
  const last = p.kind === 'quarter' ? 4 : 12;
  return p.index > 1 ? makePeriod(p.kind, p.year, p.index - 1) : makePeriod(p.kind, p.year - 1, last);
}

/** The period of `kind` holding a local date `YYYY-MM-DD`. */
export function periodContaining(kind: PeriodKind, localDate: string): ReportPeriod {
  if (Number.isNaN(dayNumber(localDate))) throw new KeymeterError('KM_VALIDATION', `'${localDate}' is not a date`);
  const year = Number(localDate.slice(0, 4));
  const month = Number(localDate.slice(5, 7));
  if (kind === 'year') return makePeriod('year', year, 1);
  if (kind === 'quarter') return makePeriod('quarter', year, Math.ceil(month / MONTHS_PER_QUARTER));
  return makePeriod('month', year, month);
}

const KIND_OF: Record<SchedulePeriod, PeriodKind> = { 'previous-month': 'month', 'previous-quarter': 'quarter', 'previous-year': 'year' };

/**
 * The period a schedule reports on when it fires at `fireMs`: the complete period of its kind before the
 * one holding the local date of `fireMs` in `timeZone`.
 */
export function schedulePeriodAt(rule: SchedulePeriod, fireMs: number, timeZone: string): ReportPeriod {
  const localDate = new Date(fireMs + utcOffsetMs(timeZone, fireMs)).toISOString().slice(0, 10);
  return previousPeriod(periodContaining(KIND_OF[rule], localDate));
}
