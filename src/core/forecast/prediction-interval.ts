/**
 * Prediction intervals from backtest residuals: the empirical quantiles of measured − forecast, per
 * local wall-clock hour of the day (a building's error at 03:00 is not its error at 14:00), so that a
 * forecast's interval [forecast + lower, forecast + upper] held `coverage` of the backtest's outcomes.
 * An hour with fewer than MIN_HOUR_SAMPLES residuals takes the quantiles of all hours pooled.
 */
import { presentSorted, quantileOfSorted } from './metrics.js';

/** Central coverage of the intervals: 80 %, the 10th to the 90th percentile of the residuals. */
export const DEFAULT_COVERAGE = 0.8;
/**
 * An hour's own quantiles need at least this many residuals: the 10th and 90th percentiles of fewer than
 * 50 points are too noisy and the bands come out narrow (on 28 residuals per hour, bands held ~75 % of a
 * holdout instead of 80 %). Eight weeks of hourly data give 56 per hour; 15-minute data 224.
 */
const MIN_HOUR_SAMPLES = 50;
const HOURS_PER_DAY = 24;

/** Per local hour 0..23: residual quantiles in the series' unit (NaN: no residual at all). */
export interface ResidualBands {
  coverage: number;
  lower: Float64Array;
  upper: Float64Array;
  /** Residuals behind each hour's quantiles (the pooled count where the hour fell back). */
  samples: Int32Array;
}

/**
 * The bands of `residuals` (measured − forecast, NaN skipped), each with its local hour of day in
 * `hourOfDay` (0..23), for a central `coverage` in (0, 1).
 */
export function residualBands(residuals: Float64Array, hourOfDay: Int32Array, coverage = DEFAULT_COVERAGE): ResidualBands {
  if (!(coverage > 0 && coverage < 1)) throw new RangeError(`coverage must be in (0, 1), got ${coverage}`);
  if (residuals.length !== hourOfDay.length) throw new RangeError('residuals and hours differ in length');
  const qLo = (1 - coverage) / 2;
  const qHi = 1 - qLo;
  const byHour: number[][] = Array.from({ length: HOURS_PER_DAY }, () => []);
  for (let i = 0; i < residuals.length; i++) {
    const r = residuals[i]!;
    if (r === r) byHour[hourOfDay[i]!]!.push(r);
  }
  const pooled = presentSorted(residuals);
  const lower = new Float64Array(HOURS_PER_DAY);
  const upper = new Float64Array(HOURS_PER_DAY);
  const samples = new Int32Array(HOURS_PER_DAY);
  for (let h = 0; h < HOURS_PER_DAY; h++) {
    const own = byHour[h]!;
    const sorted = own.length >= MIN_HOUR_SAMPLES ? Float64Array.from(own).sort() : pooled;
    lower[h] = quantileOfSorted(sorted, qLo) ?? Number.NaN;
    upper[h] = quantileOfSorted(sorted, qHi) ?? Number.NaN;
    samples[h] = sorted.length;
  }
  return { coverage, lower, upper, samples };
}

/**
 * Share of the present (measured, forecast) pairs whose measured value lies within the bands around
 * the forecast; null when there is none. Used on residuals the bands were NOT built from (a holdout).
 */
export function bandCoverage(residuals: Float64Array, hourOfDay: Int32Array, bands: ResidualBands): number | null {
  let inside = 0;
  let n = 0;
  for (let i = 0; i < residuals.length; i++) {
    const r = residuals[i]!;
    const h = hourOfDay[i]!;
    if (r !== r || bands.lower[h] !== bands.lower[h]) continue;
    n++;
    if (r >= bands.lower[h]! && r <= bands.upper[h]!) inside++;
  }
  return n > 0 ? inside / n : null;
}
