/**
 * Local calendar weeks of a series (EN 50160 assesses each week; IEEE 519-2014 §5.1 the weekly 95th
 * percentile). Neither standard fixes the first day of the week: Keymeter's weeks start on Monday at
 * local midnight in the site's zone (ISO 8601), so a week has 1,008 10-minute values, 1,002 or 1,014
 * in a week with a DST change.
 */
import { localCalendar } from '../calendar.js';
import type { IntervalSeries } from '../series.js';

export const WEEK_STARTS_ON = 'Monday';
const MONDAY = 1;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface LocalWeeks {
  /** Per interval of the series: index into `weeks`. */
  readonly weekOf: Int32Array;
  /** Every week from the first interval's to the last's; `start` is the local date of its Monday, `YYYY-MM-DD`. */
  readonly weeks: readonly { start: string }[];
}

/** The local week of each interval of `s` (by its start) in `timeZone` (IANA; RangeError when unknown). */
export function localWeeks(s: IntervalSeries, timeZone: string): LocalWeeks {
  const cal = localCalendar(s, timeZone);
  const weekOfDay = new Int32Array(cal.days.length);
  const weeks: { start: string }[] = [];
  cal.days.forEach((day, d) => {
    if (d === 0 || day.dayOfWeek === MONDAY) weeks.push({ start: mondayOf(day.date, day.dayOfWeek) });
    weekOfDay[d] = weeks.length - 1;
  });
  const weekOf = new Int32Array(cal.length);
  for (let i = 0; i < cal.length; i++) weekOf[i] = weekOfDay[cal.dayIndex[i]!]!;
  return { weekOf, weeks };
}

/** The Monday on or before a date, `YYYY-MM-DD` (one Date per week, not per sample). */
function mondayOf(date: string, dayOfWeek: number): string {
  const back = (dayOfWeek + 6) % 7;
  return new Date(Date.parse(`${date}T00:00:00Z`) - back * DAY_MS).toISOString().slice(0, 10);
}
