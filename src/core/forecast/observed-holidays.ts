/**
 * Which of a public-holiday calendar's holidays a site observes, learned from its own load.
 *
 * A site's `holidays` calendar (e.g. the US public holidays) names more days than most sites close on:
 * a plant may stop on Thanksgiving and Christmas but work on Columbus Day, and a hospital works on all
 * of them. Forecasting every calendar holiday as a Sunday (frame.ts HOLIDAY_DAY_TYPE) is then wrong on
 * the days the site works. So each holiday NAME is judged by its past occurrences: an occurrence on a
 * weekday with a complete day of data is compared with the same weekday one and two weeks before and
 * after (W, mean daily energy) and with the Sundays of the same four weeks (S):
 *
 *   r = (E_holiday − S) / (W − S)          r ≈ 0: a Sunday-like (closed) day; r ≈ 1: a working day
 *
 * A name is observed when the mean r of its occurrences is below 1/2 (a mean, not a majority of votes:
 * with two or three occurrences a tie is common, and one noisy year should not outvote a clear one;
 * `closed` still counts the occurrences with r < 1/2). A site whose
 * weekdays and Sundays differ by less than MIN_WEEKLY_CONTRAST of W (a hospital, a 24/7 plant) cannot
 * show a closure, and its occurrences count as working days (r = 1): nothing tells its holidays apart. A name
 * with no usable past occurrence keeps the calendar's word (observed), as the tariff calendar does.
 *
 * Only days that end before `learnUntil` (an interval index) are read, so a backtest whose first origin
 * is at or after `learnUntil` scores forecasts that were made without any of its own holidays' data.
 */
import { localCalendar } from '../calendar.js';
import type { IntervalSeries } from '../series.js';

export interface NamedHoliday {
  /** Local date YYYY-MM-DD. */
  date: string;
  /** The holiday's name in its calendar; occurrences in different years share it. */
  name: string;
}

export interface HolidayDecision {
  name: string;
  observed: boolean;
  /** Past occurrences that could be judged, and how many looked like a Sunday. */
  judged: number;
  closed: number;
  /** Mean r of the judged occurrences (0 closed .. 1 working), null when none was judged. */
  meanRatio: number | null;
}

export interface ObservedHolidays {
  /** The dates to forecast and learn as Sundays: every date of an observed name. */
  dates: string[];
  decisions: HolidayDecision[];
}

/** A day is judged only when this share of its intervals is present (and so are its comparison days'). */
const MIN_DAY_COMPLETENESS = 0.9;
/** Weekday and Sunday energy must differ by this share of the weekday's for a closure to be visible. */
export const MIN_WEEKLY_CONTRAST = 0.1;
/** r below this: the occurrence looked like a Sunday. */
const CLOSED_RATIO = 0.5;
const NEIGHBOUR_WEEKS = [-2, -1, 1, 2];

/** A substitute (observed) day is the same holiday: "Independence Day (substitute day)" is "Independence Day". */
export function holidayKey(name: string): string {
  return name.replace(/\s*\((?:substitute|observed)[^)]*\)\s*$/i, '').trim();
}

export function observedHolidays(kwh: IntervalSeries, timeZone: string, holidays: readonly NamedHoliday[], learnUntil: number): ObservedHolidays {
  const cal = localCalendar(kwh, timeZone);
  const days = cal.days.length;
  const energy = new Float64Array(days);
  const present = new Int32Array(days);
  const expected = new Int32Array(days);
  const { values } = kwh;
  const end = Math.min(values.length, Math.max(0, learnUntil));
  for (let i = 0; i < values.length; i++) {
    const d = cal.dayIndex[i]!;
    expected[d]!++;
    const v = values[i]!;
    if (i < end && v === v) {
      energy[d]! += v;
      present[d]!++;
    }
  }
  const dayOf = new Map<string, number>();
  cal.days.forEach((d, k) => dayOf.set(d.date, k));
  const holidayDays = new Set<number>();
  for (const h of holidays) {
    const k = dayOf.get(h.date);
    if (k !== undefined) holidayDays.add(k);
  }
  // A usable day: complete before the cut-off, and not itself a holiday.
  const complete = (k: number): boolean => k >= 0 && k < days && expected[k]! > 0 && present[k]! >= MIN_DAY_COMPLETENESS * expected[k]!;
  const usable = (k: number): boolean => complete(k) && !holidayDays.has(k);

  const votes = new Map<string, { judged: number; closed: number; ratioSum: number }>();
  for (const h of holidays) {
    const key = holidayKey(h.name);
    if (!votes.has(key)) votes.set(key, { judged: 0, closed: 0, ratioSum: 0 });
    const k = dayOf.get(h.date);
    if (k === undefined || !complete(k)) continue;
    const dow = cal.days[k]!.dayOfWeek;
    if (dow === 0 || dow === 6) continue; // a weekend occurrence shows nothing
    let w = 0;
    let nw = 0;
    let s = 0;
    let ns = 0;
    for (const week of NEIGHBOUR_WEEKS) {
      const same = k + 7 * week;
      if (usable(same)) {
        w += energy[same]!;
        nw++;
      }
      // Sundays k-dow-7 and k-dow before it, k-dow+7 and k-dow+14 after it.
      const sunday = k - dow + 7 * week + (week > 0 ? 0 : 7);
      if (usable(sunday) && cal.days[sunday]!.dayOfWeek === 0) {
        s += energy[sunday]!;
        ns++;
      }
    }
    if (nw === 0 || ns === 0) continue;
    const W = w / nw;
    const S = s / ns;
    const v = votes.get(key)!;
    v.judged++;
    // No visible weekly contrast: the day cannot show a closure, and counts as a working day (r = 1).
    const r = !(W > 0) || Math.abs(W - S) < MIN_WEEKLY_CONTRAST * Math.abs(W) ? 1 : (energy[k]! - S) / (W - S);
    v.ratioSum += r;
    if (r < CLOSED_RATIO) v.closed++;
  }
  const decisions: HolidayDecision[] = [...votes.entries()].map(([name, v]) => ({
    name,
    observed: v.judged === 0 ? true : v.ratioSum / v.judged < CLOSED_RATIO,
    judged: v.judged,
    closed: v.closed,
    meanRatio: v.judged === 0 ? null : Math.round((v.ratioSum / v.judged) * 1000) / 1000,
  }));
  const observed = new Set(decisions.filter((d) => d.observed).map((d) => d.name));
  return { dates: [...new Set(holidays.filter((h) => observed.has(holidayKey(h.name))).map((h) => h.date))].sort(), decisions };
}
