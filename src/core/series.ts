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
