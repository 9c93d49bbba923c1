/**
 * Load profiles (Section 4 item 1, CONTRACT.md `consumption.electric.profiles`): the average weekday and
 * weekend day of each local month, a 7 x 24 heat map, the load-duration curve, baseload and the
 * peak-to-base ratio of a kWh interval series. Demand of an interval is kWh x 60 / interval minutes
 * (DESIGN.md "Domain facts"). NaN intervals are skipped everywhere and every figure reports its samples.
 *
 * Slots are local wall-clock slots (LocalCalendar.slot): on a fall-back day the repeated hour's
 * intervals are averaged into the slots of that clock hour (two samples each that day), and on a
 * spring-forward day the skipped hour's slots simply get no sample. Weekend = Saturday and Sunday in the
 * site's zone; holidays are not treated as weekend days.
 */
import type { LocalCalendar } from './calendar.js';
import { assertCalendarFits } from './consumption.js';
import { demandKw, type IntervalSeries } from './series.js';

/** Points of the load-duration curve at most: 200 is finer than a chart's pixels need for a 3-year curve. */
export const DEFAULT_DURATION_POINTS = 200;
/** Baseload = this percentile of interval kW (5th: the low level the site runs at outside rare minima). */
export const DEFAULT_BASELOAD_PERCENTILE = 5;

const SUNDAY = 0;
const SATURDAY = 6;
const DAYS_PER_WEEK = 7;
const HOURS_PER_DAY = 24;
const MINUTES_PER_HOUR = 60;
/** Buckets of at most this many values are insertion-sorted; larger ones use the built-in sort. */
const INSERTION_SORT_MAX = 16;

/** Average kW per slot of a normal day (slotsPerDay entries, slot 0 = 00:00 local); null without samples. */
export interface DayShape {
  kw: (number | null)[];
  samples: number[];
}

export interface MonthlyDayShapes {
  month: string;
  weekday: DayShape;
  weekend: DayShape;
}

/** `kw[dayOfWeek][hour]`: dayOfWeek 0 = Sunday .. 6, hour 0..23 local; average kW, null without samples. */
export interface HeatMap {
  kw: (number | null)[][];
  samples: number[][];
}

/** A point of the load-duration curve: `fraction` of the present intervals had a demand of `kw` or more. */
export interface DurationPoint {
  kw: number;
  /** (rank + 1) / samples, rank 0 being the highest interval (not rounded: it is a chart coordinate). */
  fraction: number;
}

export interface LoadProfile {
  slotsPerDay: number;
  monthly: MonthlyDayShapes[];
  heatMap: HeatMap;
  /** kW descending, at most `durationPoints` points, always including the highest and the lowest interval. */
  durationCurve: DurationPoint[];
  /** Present intervals. */
  samples: number;
  peakKw: number | null;
  baseloadPercentile: number;
  /** The `baseloadPercentile` percentile of interval kW, linear between ranks (Hyndman & Fan type 7, as Excel PERCENTILE.INC). */
  baseloadKw: number | null;
  /** peakKw / baseloadKw; null when the baseload is 0 kW or less. */
  peakToBaseRatio: number | null;
}

export interface LoadProfileOptions {
  /** At least 2; default DEFAULT_DURATION_POINTS. */
  durationPoints?: number;
  /** In [0, 100]; default DEFAULT_BASELOAD_PERCENTILE. */
  baseloadPercentile?: number;
}

/**
 * The load profile of a kWh series. One pass over the intervals plus a bucket sort of the present kW
 * values (two Float64Arrays and one Int32Array of the series' length; the rest is per month and slot).
 */
export function loadProfile(kwh: IntervalSeries, cal: LocalCalendar, options: LoadProfileOptions = {}): LoadProfile {
  assertCalendarFits(cal, kwh);
  const durationPoints = options.durationPoints ?? DEFAULT_DURATION_POINTS;
  const baseloadPercentile = options.baseloadPercentile ?? DEFAULT_BASELOAD_PERCENTILE;
  if (!Number.isInteger(durationPoints) || durationPoints < 2) throw new RangeError(`durationPoints must be an integer >= 2, got ${durationPoints}`);
  if (!(baseloadPercentile >= 0 && baseloadPercentile <= 100)) throw new RangeError(`baseloadPercentile must be in [0, 100], got ${baseloadPercentile}`);
  const { values, intervalMinutes } = kwh;
  const { dayIndex, monthIndex, slot, slotsPerDay, days, months } = cal;
  const slotsPerHour = MINUTES_PER_HOUR / intervalMinutes;

  const weekend = new Uint8Array(days.length);
  for (let d = 0; d < days.length; d++) weekend[d] = days[d]!.dayOfWeek === SUNDAY || days[d]!.dayOfWeek === SATURDAY ? 1 : 0;
  const dayOfWeek = new Uint8Array(days.length);
  for (let d = 0; d < days.length; d++) dayOfWeek[d] = days[d]!.dayOfWeek;

  const shapeSum = new Float64Array(months.length * 2 * slotsPerDay); // [month][weekday 0 | weekend 1][slot]
  const shapeN = new Int32Array(shapeSum.length);
  const heatSum = new Float64Array(DAYS_PER_WEEK * HOURS_PER_DAY);
  const heatN = new Int32Array(heatSum.length);
  const kwValues = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    const kw = demandKw(v, intervalMinutes);
    const d = dayIndex[i]!;
    const s = slot[i]!;
    const at = (monthIndex[i]! * 2 + weekend[d]!) * slotsPerDay + s;
    shapeSum[at] = shapeSum[at]! + kw;
    shapeN[at] = shapeN[at]! + 1;
    const h = dayOfWeek[d]! * HOURS_PER_DAY + Math.floor(s / slotsPerHour);
    heatSum[h] = heatSum[h]! + kw;
    heatN[h] = heatN[h]! + 1;
    kwValues[n++] = kw;
  }

  const shape = (from: number): DayShape => {
    const kw: (number | null)[] = [];
    const samples: number[] = [];
    for (let s = from; s < from + slotsPerDay; s++) {
      kw.push(shapeN[s]! > 0 ? shapeSum[s]! / shapeN[s]! : null);
      samples.push(shapeN[s]!);
    }
    return { kw, samples };
  };
  const monthly = months.map((m, mi) => ({ month: m.month, weekday: shape(mi * 2 * slotsPerDay), weekend: shape((mi * 2 + 1) * slotsPerDay) }));
  const heatMap: HeatMap = { kw: [], samples: [] };
  for (let dow = 0; dow < DAYS_PER_WEEK; dow++) {
    const row = dow * HOURS_PER_DAY;
    heatMap.kw.push(Array.from({ length: HOURS_PER_DAY }, (_, h) => (heatN[row + h]! > 0 ? heatSum[row + h]! / heatN[row + h]! : null)));
    heatMap.samples.push(Array.from(heatN.subarray(row, row + HOURS_PER_DAY)));
  }

  const sorted = sortAscending(kwValues, n);
  const durationCurve: DurationPoint[] = [];
  const points = Math.min(n, durationPoints);
  for (let j = 0; j < points; j++) {
    const rank = n <= durationPoints ? j : Math.round((j * (n - 1)) / (durationPoints - 1)); // 0 = highest
    durationCurve.push({ kw: sorted[n - 1 - rank]!, fraction: (rank + 1) / n });
  }
  const peakKw = n > 0 ? sorted[n - 1]! : null;
  const baseloadKw = n > 0 ? percentile(sorted, n, baseloadPercentile) : null;
  const peakToBaseRatio = peakKw !== null && baseloadKw !== null && baseloadKw > 0 ? peakKw / baseloadKw : null;
  return { slotsPerDay, monthly, heatMap, durationCurve, samples: n, peakKw, baseloadPercentile, baseloadKw, peakToBaseRatio };
}

/** @internal Percentile p (0..100) of the first n values of an ascending array, linear between ranks (type 7). */
export function percentile(sorted: Float64Array, n: number, p: number): number {
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * @internal The first n values ascending, in a new array: a bucket sort with n buckets over [min, max]
 * (about 3x faster than TypedArray#sort on 105,120 interval kW values, which are spread fairly evenly),
 * falling back to the built-in sort inside crowded buckets. (v - min) x scale is monotone in v under
 * IEEE 754 rounding, so the buckets are in order.
 */
export function sortAscending(values: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = (n - 1) / (max - min);
  if (!(scale > 0 && Number.isFinite(scale))) {
    out.set(values.subarray(0, n));
    return out.sort();
  }
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const b = (((values[i]! - min) * scale) | 0) + 1; // in [0, n - 1] + 1, well inside int32
    start[b] = start[b]! + 1;
  }
  for (let b = 1; b <= n; b++) start[b] = start[b]! + start[b - 1]!; // start[b] = first slot of bucket b
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const b = ((v - min) * scale) | 0;
    out[start[b]!] = v;
    start[b] = start[b]! + 1; // now the end of bucket b = the start of bucket b + 1
  }
  let from = 0;
  for (let b = 0; b < n; b++) {
    const to = start[b]!;
    if (to - from > INSERTION_SORT_MAX) out.subarray(from, to).sort();
    else {
      for (let i = from + 1; i < to; i++) {
        const v = out[i]!;
        let j = i - 1;
        while (j >= from && out[j]! > v) {
          out[j + 1] = out[j]!;
          j--;
        }
        out[j + 1] = v;
      }
    }
    from = to;
  }
  return out;
}
