/**
 * Estimation of missing intervals (VEE). Only gaps closed on both sides are estimated (a reading before
 * and one after): a gap at the end of the data may still be filled by the meter. By the gap's duration:
 *
 * - up to LINEAR_MAX_MINUTES (1 hour): linear interpolation between the reading before the gap (a, at
 *   index p) and the one after (b, at q): interval j gets a + (b - a) (j - p) / (q - p);
 * - up to LIKE_DAY_MAX_MINUTES (7 days): a like-day profile. Each missing interval gets the mean of the
 *   intervals at the same local wall-clock slot on the same weekday in the LIKE_DAY_WEEKS (4) weeks
 *   before it (the site's zone, so the profile follows local time across DST changes), times a scale
 *   that brings the profile to the level around the gap: scale = sum(actual) / sum(profile) over the
 *   intervals of the LIKE_DAY_SCALE_WINDOW_MINUTES (24 hours) before and after the gap that have both an
 *   actual value and a profile value, clamped to [LIKE_DAY_MIN_SCALE, LIKE_DAY_MAX_SCALE] (1 when the
 *   window has none, or its profile sums to 0 or less). A gap with any interval that has no profile
 *   value (no reading at that slot in 4 weeks) is not estimated: a gap is estimated whole or not at all;
 * - longer gaps stay missing.
 *
 * The basis is what the caller passes: Keymeter passes the raw readings with edits applied, never
 * estimates, so an estimate is never built from another estimate.
 */
import type { IntervalSeries } from '../series.js';
import type { LocalCalendar } from '../calendar.js';
import { assertCalendarFits } from '../consumption.js';
import { missingRuns } from './gaps.js';

export const ESTIMATE_NONE = 0;
export const ESTIMATE_LINEAR = 1;
export const ESTIMATE_LIKE_DAY = 2;
/** Method names as stored (`reading_estimates.method`), indexed by code. */
export const ESTIMATE_METHODS = ['none', 'linear', 'like_day'] as const;

export const LINEAR_MAX_MINUTES = 60;
export const LIKE_DAY_MAX_MINUTES = 7 * 24 * 60;
export const LIKE_DAY_WEEKS = 4;
export const LIKE_DAY_SCALE_WINDOW_MINUTES = 24 * 60;
/** Bounds of the like-day scale: beyond them the surroundings are too unlike the recent weeks to trust either. */
export const LIKE_DAY_MIN_SCALE = 0.5;
export const LIKE_DAY_MAX_SCALE = 2;
const DAYS_PER_WEEK = 7;

/** Estimates aligned with the basis: `values[i]` NaN and `method[i]` ESTIMATE_NONE where none was made. */
export interface Estimates {
  readonly values: Float64Array;
  readonly method: Uint8Array;
  /** Intervals estimated. */
  readonly count: number;
}

/**
 * Estimates the closed gaps of `basis` (NaN = missing) that intersect the index range [from, to)
 * (default: the whole series), each over its full extent. `cal` is the local calendar of `basis`
 * (localCalendar in the site's zone). Allocates the two output arrays and, when a like-day gap occurs,
 * a slot table of the series' length.
 */
export function estimateGaps(basis: IntervalSeries, cal: LocalCalendar, from = 0, to = basis.values.length): Estimates {
  assertCalendarFits(cal, basis);
  const { values: v, intervalMinutes } = basis;
  const n = v.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const method = new Uint8Array(n);
  let count = 0;
  let slots: Int32Array | undefined;
  for (const gap of missingRuns(v)) {
    if (!gap.closed || gap.start + gap.length <= from || gap.start >= to) continue;
    const minutes = gap.length * intervalMinutes;
    const p = gap.start - 1;
    const q = gap.start + gap.length;
    if (minutes <= LINEAR_MAX_MINUTES) {
      const a = v[p]!;
      const b = v[q]!;
      for (let j = gap.start; j < q; j++) {
        out[j] = a + ((b - a) * (j - p)) / (q - p);
        method[j] = ESTIMATE_LINEAR;
      }
      count += gap.length;
    } else if (minutes <= LIKE_DAY_MAX_MINUTES) {
      slots ??= slotTable(cal);
      let complete = true;
      for (let j = gap.start; j < q && complete; j++) {
        const x = likeDay(v, cal, slots, j);
        if (x !== x) complete = false;
        else out[j] = x;
      }
      if (!complete) {
        out.fill(Number.NaN, gap.start, q);
        continue;
      }
      const scale = likeDayScale(v, cal, slots, gap.start, q);
      for (let j = gap.start; j < q; j++) {
        out[j] = out[j]! * scale;
        method[j] = ESTIMATE_LIKE_DAY;
      }
      count += gap.length;
    }
  }
  return { values: out, method, count };
}

/** Per (local day, wall-clock slot): the index of its first interval, or -1. */
function slotTable(cal: LocalCalendar): Int32Array {
  const t = new Int32Array(cal.days.length * cal.slotsPerDay).fill(-1);
  for (let i = 0; i < cal.length; i++) {
    const k = cal.dayIndex[i]! * cal.slotsPerDay + cal.slot[i]!;
    if (t[k] === -1) t[k] = i;
  }
  return t;
}

/** Mean of the present basis values at interval j's slot on the same weekday 1..LIKE_DAY_WEEKS weeks back; NaN if none. */
function likeDay(v: Float64Array, cal: LocalCalendar, slots: Int32Array, j: number): number {
  let sum = 0;
  let c = 0;
  for (let w = 1; w <= LIKE_DAY_WEEKS; w++) {
    const d = cal.dayIndex[j]! - w * DAYS_PER_WEEK;
    if (d < 0) break;
    const k = slots[d * cal.slotsPerDay + cal.slot[j]!]!;
    if (k < 0) continue;
    const x = v[k]!;
    if (x === x) {
      sum += x;
      c++;
    }
  }
  return c > 0 ? sum / c : Number.NaN;
}

/** sum(actual) / sum(profile) over the scale windows around the gap [start, end), clamped. */
function likeDayScale(v: Float64Array, cal: LocalCalendar, slots: Int32Array, start: number, end: number): number {
  const w = Math.round(LIKE_DAY_SCALE_WINDOW_MINUTES / cal.intervalMinutes);
  let actual = 0;
  let profile = 0;
  const add = (j: number): void => {
    const x = v[j]!;
    if (x !== x) return;
    const p = likeDay(v, cal, slots, j);
    if (p !== p) return;
    actual += x;
    profile += p;
  };
  for (let j = Math.max(0, start - w); j < start; j++) add(j);
  for (let j = end; j < Math.min(v.length, end + w); j++) add(j);
  if (!(profile > 0)) return 1;
  return Math.min(LIKE_DAY_MAX_SCALE, Math.max(LIKE_DAY_MIN_SCALE, actual / profile));
}
