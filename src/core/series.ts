/**
 * The aligned interval series every core function takes (STYLE §8): `values[i]` belongs to the interval
 * that starts at `startMs + i * intervalMinutes * 60_000` (epoch ms UTC, half-open [start, end)).
 * A missing interval is NaN; it is never read as zero. Energy channels hold the energy in the interval
 * (kWh, kvarh, therm, gal); the others the interval average.
 */
import { KeymeterError } from '../errors.js';

export interface IntervalSeries {
  /** Start of the first interval, epoch ms UTC, on the interval grid. */
  readonly startMs: number;
  readonly intervalMinutes: number;
  readonly values: Float64Array;
}

export const MINUTE_MS = 60 * 1000;
export const HOUR_MS = 60 * MINUTE_MS;

export function intervalMs(s: IntervalSeries): number {
  return s.intervalMinutes * MINUTE_MS;
}

/** Start of interval i, epoch ms. */
export function intervalStartMs(s: IntervalSeries, i: number): number {
  return s.startMs + i * s.intervalMinutes * MINUTE_MS;
}

/** Throws KM_CORE_SHAPE unless `b` covers the same intervals as `a` (kWh and kvarh side by side). */
export function assertAligned(a: IntervalSeries, b: IntervalSeries): void {
  if (a.startMs !== b.startMs || a.intervalMinutes !== b.intervalMinutes || a.values.length !== b.values.length) {
    throw new KeymeterError('KM_CORE_SHAPE', 'series are not aligned (start, interval and length must match)');
  }
}

/**
 * Demand of an energy interval, kW: kWh x 60 / interval minutes (DESIGN.md "Domain facts": the kW of an
 * interval is its energy times the number of such intervals in an hour).
 */
export function demandKw(energyKwh: number, intervalMinutes: number): number {
  return (energyKwh * 60) / intervalMinutes;
}

/**
 * An energy series summed up to a coarser interval that is a whole multiple of its own (5-minute kWh
 * to 15-minute kWh): each coarse interval is the sum of its fine ones, NaN unless all of them are present
 * (a partial sum would understate the energy and the demand). `series.startMs` must be on the coarse grid;
 * a trailing partial coarse interval is dropped.
 */
export function sumToInterval(series: IntervalSeries, intervalMinutes: number): IntervalSeries {
  const k = intervalMinutes / series.intervalMinutes;
  if (!Number.isInteger(k) || k < 1) throw new KeymeterError('KM_CORE_SHAPE', `${series.intervalMinutes}-minute data cannot be summed to ${intervalMinutes} minutes`);
  if (series.startMs % (intervalMinutes * MINUTE_MS) !== 0) throw new KeymeterError('KM_CORE_SHAPE', `the series does not start on the ${intervalMinutes}-minute grid`);
  if (k === 1) return series;
  const src = series.values;
  const n = Math.floor(src.length / k);
  const out = new Float64Array(n);
  for (let i = 0, j = 0; i < n; i++) {
    let sum = 0;
    for (const end = j + k; j < end; j++) sum += src[j]!; // NaN anywhere makes the sum NaN
    out[i] = sum;
  }
  return { startMs: series.startMs, intervalMinutes, values: out };
}
