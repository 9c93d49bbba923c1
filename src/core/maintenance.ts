/**
 * Transformer maintenance status (Section 4 item 6, CONTRACT.md "The Section 4 document"
 * `transformers[].maintenance`): the last maintenance performed, when the next one is due and whether
 * it is overdue. Dates are calendar dates 'YYYY-MM-DD'; `today` is passed in (core reads no clock).
 */

/** A maintenance record (bundle `transformers[].maintenance[]`). */
export interface MaintenanceRecord {
  readonly date: string;
  readonly kind?: string | undefined;
  readonly result?: string | undefined;
}

export interface MaintenanceStatus {
  /** The latest record dated on or before `today`; kind and result are null when not recorded. */
  last: { date: string; kind: string | null; result: string | null } | null;
  /** Last maintenance (or, without records, the installation date) + the interval, 'YYYY-MM-DD'; null without an interval or a date to count from. */
  nextDue: string | null;
  /** True when `today` is after nextDue (maintenance on the due date itself is on time). */
  overdue: boolean;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTHS_PER_YEAR = 12;

function parseDate(date: string): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date);
  if (m === null) throw new RangeError(`not a date YYYY-MM-DD: '${date}'`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** Days in a month of the proleptic Gregorian calendar (month 1..12). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * A calendar date plus whole months, clamped to the end of the target month when the day does not
 * exist there: 2024-01-31 + 1 month = 2024-02-29, 2023-01-31 + 1 = 2023-02-28, 2024-02-29 + 12 = 2025-02-28.
 * `months` may be negative.
 */
export function addMonthsClamped(date: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`months must be a whole number, got ${months}`);
  const { year, month, day } = parseDate(date);
  const index = year * MONTHS_PER_YEAR + (month - 1) + months;
  const y = Math.floor(index / MONTHS_PER_YEAR);
  const m = index - y * MONTHS_PER_YEAR + 1;
  const d = Math.min(day, daysInMonth(y, m));
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Maintenance status of one transformer.
 *
 * Records dated after `today` are plans, not work done, and are ignored. Of several records on the
 * same latest date, the last one listed is taken. The next due date counts from the last maintenance,
 * or from `installedOn` when there is none (a transformer is due its first maintenance one interval
 * after installation).
 *
 * @param intervalMonths the maintenance interval, months (bundle `maintenanceIntervalMonths`); undefined or null: no schedule, nextDue null
 * @param installedOn    'YYYY-MM-DD' or undefined
 * @param today          the reference date, 'YYYY-MM-DD'
 */
export function maintenanceStatus(
  records: readonly MaintenanceRecord[],
  intervalMonths: number | null | undefined,
  installedOn: string | null | undefined,
  today: string,
): MaintenanceStatus {
  parseDate(today);
  let latest: MaintenanceRecord | undefined;
  for (const r of records) {
    parseDate(r.date);
    // 'YYYY-MM-DD' strings compare in date order.
    if (r.date <= today && (latest === undefined || r.date >= latest.date)) latest = r;
  }
  const last = latest === undefined ? null : { date: latest.date, kind: latest.kind ?? null, result: latest.result ?? null };
  const from = last?.date ?? installedOn ?? null;
  const nextDue = intervalMonths === undefined || intervalMonths === null || from === null ? null : addMonthsClamped(from, intervalMonths);
  return { last, nextDue, overdue: nextDue !== null && today > nextDue };
}
