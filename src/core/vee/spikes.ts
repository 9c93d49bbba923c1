/**
 * VEE rule `spike`: a reading far above the rolling median of its neighbours. The window is the
 * SPIKE_HALF_WINDOW intervals on each side of the reading (the reading itself left out, missing ones
 * skipped), so a spike is judged against what came before and after it, and one spike cannot hide
 * another next to it (a median ignores up to half its window). Only upward deviations are spikes: a dip
 * is usually real (equipment off) and a run of zeros is rule `zero_run`.
 *
 * A reading v with neighbour median m is a spike when
 *   v - m > SPIKE_K x s,  s = max(1.4826 x MAD, SPIKE_MEDIAN_FLOOR x |m|, SPIKE_LEVEL_FLOOR x level)
 * where MAD is the median absolute deviation of the neighbours from m (x 1.4826: the standard deviation
 * of normal noise, Rousseeuw & Croux 1993), and `level` the median of |value| over the whole series.
 * The floors keep a flat or quiet stretch from turning ordinary steps into spikes: on a flat series a
 * reading is a spike above m + 4 x 0.5 m = 3 m, and near zero above 0.4 x level.
 */
import type { IntervalSeries } from '../series.js';
import { detailNumber, type VeeFlag } from './flags.js';

/** Neighbours on each side of a reading in its rolling window: 8 (2 hours of 15-minute data). */
export const SPIKE_HALF_WINDOW = 8;
/** Neighbours that must be present for a verdict (half the window). */
export const SPIKE_MIN_NEIGHBOURS = SPIKE_HALF_WINDOW;
/** Robust z-score above which a reading is a spike. */
export const SPIKE_K = 4;
/** Scale floor as a share of |median|. */
export const SPIKE_MEDIAN_FLOOR = 0.5;
/** Scale floor as a share of the series' median |value|. */
export const SPIKE_LEVEL_FLOOR = 0.1;
/** MAD to standard deviation for normal noise. */
const MAD_TO_SIGMA = 1.4826;

/** Flags the spikes of `series` (any channel kind). Missing readings are skipped. Detail: `median`, `threshold`. */
export function spikeFlags(series: IntervalSeries): VeeFlag[] {
  const { values } = series;
  const n = values.length;
  const level = medianAbs(values);
  const scratch = new Float64Array(2 * SPIKE_HALF_WINDOW);
  const flags: VeeFlag[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    let c = 0;
    const lo = Math.max(0, i - SPIKE_HALF_WINDOW);
    const hi = Math.min(n - 1, i + SPIKE_HALF_WINDOW);
    for (let j = lo; j <= hi; j++) {
      const w = values[j]!;
      if (j !== i && w === w) scratch[c++] = w;
    }
    if (c < SPIKE_MIN_NEIGHBOURS) continue;
    const m = sortedMedian(scratch, c);
    const floor = Math.max(SPIKE_MEDIAN_FLOOR * Math.abs(m), SPIKE_LEVEL_FLOOR * level);
    // s >= floor, so a reading within K x floor of the median is no spike: skip the MAD.
    if (!(v - m > SPIKE_K * floor)) continue;
    for (let k = 0; k < c; k++) scratch[k] = Math.abs(scratch[k]! - m);
    const s = Math.max(MAD_TO_SIGMA * sortedMedian(scratch, c), floor);
    if (s > 0 && v - m > SPIKE_K * s) {
      flags.push({ index: i, rule: 'spike', detail: { median: detailNumber(m), threshold: detailNumber(m + SPIKE_K * s) } });
    }
  }
  return flags;
}

/** Median of a[0..c), sorting that part in place (insertion sort: c is at most 16). */
function sortedMedian(a: Float64Array, c: number): number {
  for (let i = 1; i < c; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
  const h = c >> 1;
  return c % 2 === 1 ? a[h]! : (a[h - 1]! + a[h]!) / 2;
}

/** Median of |value| over the present values; 0 when none is present. */
export function medianAbs(values: Float64Array): number {
  const abs = new Float64Array(values.length);
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === v) abs[c++] = Math.abs(v);
  }
  if (c === 0) return 0;
  const part = abs.subarray(0, c).sort();
  const h = c >> 1;
  return c % 2 === 1 ? part[h]! : (part[h - 1]! + part[h]!) / 2;
}
