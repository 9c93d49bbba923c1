/**
 * The local calendar of an interval series in the site's IANA zone (DESIGN.md "Domain facts": calendars
 * in the site's zone, so DST days have 92 or 100 quarter-hours). Built once per series; the per-interval
 * arrays then let every aggregation run as integer-indexed loops with no Date (STYLE §8, §9).
 *
 * An interval belongs to the local day and month in which it STARTS. A local day runs from the first
 * instant whose wall-clock time is at or after 00:00 of that date (the change itself when midnight is
 * skipped by a spring-forward change) to the same instant of the next date. Expected counts are the
 * interval starts of the series' grid (startMs + k x interval, k any integer) inside that span, so they
 * cover the whole day, month or year even where the series starts or ends part-way through.
 */
import type { IntervalSeries } from './series.js';
import { DAY_MS, firstInstantAtOrAfter, offsetTable, utcOffsetMs, type OffsetTable } from './time-zone.js';

const MINUTE_MS = 60 * 1000;
const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR;
const DAYS_PER_WEEK = 7;
/** 1970-01-01, day number 0, was a Thursday (0 = Sunday). */
const EPOCH_DAY_OF_WEEK = 4;
/** Margin around the covered local days when sampling offsets: more than any UTC offset (max 14 h; Samoa jumped 24 h in 2011). */
const OFFSET_MARGIN_MS = 2 * DAY_MS;

/** A local calendar day. */
export interface LocalDay {
  /** `YYYY-MM-DD` in the site's zone. */
  date: string;
  /** 0 = Sunday .. 6 = Saturday. */
  dayOfWeek: number;
  /** Index into `LocalCalendar.months`. */
  month: number;
  /** Interval starts of the grid in the whole local day: 96 for 15 minutes, 92 / 100 on DST days. */
  expected: number;
}

export interface LocalMonth {
  /** `YYYY-MM` in the site's zone. */
  month: string;
  year: number;
  /** Interval starts of the grid in the whole local month. */
  expected: number;
  /** Hours of the local month: expected x interval minutes / 60 (743 for March in New York). */
  hours: number;
}

export interface LocalYear {
  year: number;
  /** Interval starts of the grid in the whole local year. */
  expected: number;
  /** expected x interval minutes / 60 (8,760 or 8,784 with DST). */
  hours: number;
}

export interface LocalCalendar {
  readonly timeZone: string;
  /** The series this calendar was built for: same start (epoch ms UTC), interval and length. */
  readonly startMs: number;
  readonly intervalMinutes: number;
  readonly length: number;
  /** Slots of a normal (24-hour) day: 1440 / interval minutes. */
  readonly slotsPerDay: number;
  /** Per interval: index into `days`. */
  readonly dayIndex: Int32Array;
  /** Per interval: index into `months`. */
  readonly monthIndex: Int32Array;
  /**
   * Per interval: the local wall-clock slot of its start, floor(local time of day / interval), in
   * 0..slotsPerDay-1. On a spring-forward day the skipped hour's slots do not occur; on a fall-back day
   * the repeated hour's slots occur twice. The elapsed position is (start - day start) / interval.
   */
  readonly slot: Int32Array;
  /** Every local day from the first interval's to the last interval's. */
  readonly days: LocalDay[];
  /** Every local month from the first interval's to the last interval's. */
  readonly months: LocalMonth[];
  /** Every local year from the first interval's to the last interval's; `months[m].year - years[0].year` indexes it. */
  readonly years: LocalYear[];
}

/**
 * Builds the local calendar of `series` in `timeZone` (IANA name). Cost: one Intl call per covered day
 * plus ~17 per offset change, then integer arithmetic per interval; allocates three Int32Arrays of the
 * series' length and the day/month/year lists. Values are not read (NaN intervals get a day and slot too).
 * Throws RangeError for an unknown zone, a start that is not an integer ms, or an interval that does not
 * divide a day.
 */
export function localCalendar(series: IntervalSeries, timeZone: string): LocalCalendar {
  const { startMs, intervalMinutes } = series;
  const n = series.values.length;
  if (!Number.isInteger(intervalMinutes) || intervalMinutes <= 0 || MINUTES_PER_DAY % intervalMinutes !== 0) {
    throw new RangeError(`intervalMinutes must divide a day, got ${intervalMinutes}`);
  }
  if (!Number.isSafeInteger(startMs)) throw new RangeError(`startMs must be an integer epoch ms, got ${startMs}`);
  utcOffsetMs(timeZone, startMs); // an unknown zone throws here, even for an empty series
  const stepMs = intervalMinutes * MINUTE_MS;
  const slotsPerDay = MINUTES_PER_DAY / intervalMinutes;
  const dayIndex = new Int32Array(n);
  const monthIndex = new Int32Array(n);
  const slot = new Int32Array(n);
  const base = { timeZone, startMs, intervalMinutes, length: n, slotsPerDay, dayIndex, monthIndex, slot };
  if (n === 0) return { ...base, days: [], months: [], years: [] };

  // Whole local months from the first interval's to the last interval's, as day numbers (days since 1970-01-01).
  const lastMs = startMs + (n - 1) * stepMs;
  const first = civilFromDays(Math.floor((startMs + utcOffsetMs(timeZone, startMs)) / DAY_MS));
  const last = civilFromDays(Math.floor((lastMs + utcOffsetMs(timeZone, lastMs)) / DAY_MS));
  const monthStartDay: number[] = [];
  const monthYm: [number, number][] = [];
  for (let y = first.y, m = first.m; y < last.y || (y === last.y && m <= last.m);) {
    monthStartDay.push(daysFromCivil(y, m, 1));
    monthYm.push([y, m]);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  const [ly, lm] = monthYm[monthYm.length - 1]!;
  monthStartDay.push(lm === 12 ? daysFromCivil(ly + 1, 1, 1) : daysFromCivil(ly, lm + 1, 1));
  const d0 = monthStartDay[0]!;
  const dEnd = monthStartDay[monthStartDay.length - 1]!;

  // Day k (day number d0 + k) is [boundaryMs[k], boundaryMs[k + 1]).
  const table = offsetTable(timeZone, d0 * DAY_MS - OFFSET_MARGIN_MS, dEnd * DAY_MS + OFFSET_MARGIN_MS);
  const nb = dEnd - d0 + 1;
  const boundaryMs = new Float64Array(nb);
  for (let k = 0; k < nb; k++) boundaryMs[k] = firstInstantAtOrAfter(table, (d0 + k) * DAY_MS);
  const gridIndex = (ms: number): number => Math.ceil((ms - startMs) / stepMs); // first grid start at or after ms
  const dayMonth = new Int32Array(nb - 1);
  for (let mi = 0; mi < monthYm.length; mi++) dayMonth.fill(mi, monthStartDay[mi]! - d0, monthStartDay[mi + 1]! - d0);

  // Runs of intervals in one local day and one offset segment: within a run the local clock advances
  // one slot per interval, so each run is a few fills instead of per-interval division.
  const starts = table.startsMs;
  const offsets = table.offsetsMs;
  let k = 0;
  let s = 0;
  let kFirst = -1;
  for (let i = 0; i < n;) {
    while (k + 2 < nb && gridIndex(boundaryMs[k + 1]!) <= i) k++;
    while (s + 1 < starts.length && gridIndex(starts[s + 1]!) <= i) s++;
    if (kFirst < 0) kFirst = k;
    const localMs = startMs + i * stepMs + offsets[s]!;
    const msOfDay = localMs - Math.floor(localMs / DAY_MS) * DAY_MS;
    let end = Math.min(n, i + Math.ceil((DAY_MS - msOfDay) / stepMs)); // local midnight, in case no boundary falls there
    if (k + 2 < nb) end = Math.min(end, gridIndex(boundaryMs[k + 1]!));
    if (s + 1 < starts.length) end = Math.min(end, gridIndex(starts[s + 1]!));
    const slot0 = Math.floor(msOfDay / stepMs) - i;
    dayIndex.fill(k - kFirst, i, end);
    monthIndex.fill(dayMonth[k]!, i, end);
    for (let j = i; j < end; j++) slot[j] = slot0 + j;
    i = end;
  }

  const days: LocalDay[] = [];
  for (let kd = kFirst; kd <= k; kd++) {
    const mi = dayMonth[kd]!;
    const [y, m] = monthYm[mi]!;
    const dn = d0 + kd;
    days.push({
      date: `${y}-${pad2(m)}-${pad2(dn - monthStartDay[mi]! + 1)}`,
      dayOfWeek: (((dn + EPOCH_DAY_OF_WEEK) % DAYS_PER_WEEK) + DAYS_PER_WEEK) % DAYS_PER_WEEK,
      month: mi,
      expected: gridIndex(boundaryMs[kd + 1]!) - gridIndex(boundaryMs[kd]!),
    });
  }
  const hoursOf = (expected: number): number => (expected * intervalMinutes) / MINUTES_PER_HOUR;
  const months: LocalMonth[] = monthYm.map(([y, m], mi) => {
    const expected = gridIndex(boundaryMs[monthStartDay[mi + 1]! - d0]!) - gridIndex(boundaryMs[monthStartDay[mi]! - d0]!);
    return { month: `${y}-${pad2(m)}`, year: y, expected, hours: hoursOf(expected) };
  });
  const years: LocalYear[] = [];
  for (let y = first.y; y <= last.y; y++) {
    const expected = gridIndex(dayStartMs(timeZone, daysFromCivil(y + 1, 1, 1), table, d0, boundaryMs))
      - gridIndex(dayStartMs(timeZone, daysFromCivil(y, 1, 1), table, d0, boundaryMs));
    years.push({ year: y, expected, hours: hoursOf(expected) });
  }
  return { ...base, days, months, years };
}

/** Start instant of local day `dn`: from the boundaries when covered, else from a small table of its own. */
function dayStartMs(timeZone: string, dn: number, table: OffsetTable, d0: number, boundaryMs: Float64Array): number {
  const k = dn - d0;
  if (k >= 0 && k < boundaryMs.length) return boundaryMs[k]!;
  const local = dn * DAY_MS;
  return firstInstantAtOrAfter(offsetTable(timeZone, local - OFFSET_MARGIN_MS, local + OFFSET_MARGIN_MS), local);
}

function pad2(v: number): string {
  return v < 10 ? `0${v}` : String(v);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date algorithms", days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The inverse of daysFromCivil (same source, civil_from_days). */
function civilFromDays(dn: number): { y: number; m: number } {
  const z = dn + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m };
}
