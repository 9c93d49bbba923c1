/**
 * Rolling-origin backtest of the 12-month model (issue 9): an origin at the start of each of the last
 * `months` complete months of the data; from each, the model forecasts the next 12 months from a
 * HistoryView that ends at the origin, and every forecast month that the data cover with at least
 * MIN_COMPLETENESS is scored (horizons 1..12: the last origin scores one month, the first up to twelve).
 * The naive baseline is the same month last year, which at horizons up to 12 lies before the origin.
 *
 * Measured monthly kWh is the month's mean kW over its present intervals × its hours (as the model
 * reads history), so a gap is not scored as a drop in use. Residual ratios (measured / forecast) give the
 * prediction intervals of the live forecast.
 */
import { historyView, type ForecastFrame } from './frame.js';
import { accuracy, presentSorted, quantileOfSorted } from './metrics.js';
import { forecastMonths, monthlyHistory } from './monthly.js';
import type { PairedAccuracy } from './day-ahead-backtest.js';

/** Twelve origins (issue 9). */
export const BACKTEST_MONTHS = 12;
export const HORIZON_MONTHS = 12;

/** One scored (origin, target) pair. */
export interface MonthlyPair {
  origin: string;
  month: string;
  horizon: number;
  kwh: number;
  forecastKwh: number;
  baselineKwh: number;
  peakKw: number;
  forecastPeakKw: number;
  baselinePeakKw: number;
}

export interface MonthlyBacktest {
  pairs: MonthlyPair[];
  origins: number;
  /** Over the pairs that have measured, model and baseline values. */
  energy: PairedAccuracy;
  peak: PairedAccuracy;
  /** Quantiles of measured / forecast for a central `coverage` (null with fewer than MIN_RATIO_SAMPLES pairs). */
  energyRatio: { lower: number; upper: number } | null;
  peakRatio: { lower: number; upper: number } | null;
  coverage: number;
}

/** Ratio quantiles need this many pairs; fewer and the forecast goes without an interval. */
const MIN_RATIO_SAMPLES = 6;

/**
 * Backtests the monthly model on `load` (kWh per interval of the frame from interval 0; the data end at
 * `load.length`). `coverage` is the central coverage of the ratio bands.
 */
export function backtestMonthly(frame: ForecastFrame, load: Float64Array, coverage: number, months = BACKTEST_MONTHS): MonthlyBacktest {
  const { cal, monthStart } = frame;
  const n = Math.min(load.length, cal.length);
  const all = monthlyHistory(historyView(frame, load, undefined, n));
  // Complete months: whole month inside the data and enough of it present.
  const scorable = (m: number): boolean => m >= 0 && m < all.months && monthStart[m + 1]! <= n && all.meanKw[m] === all.meanKw[m];
  const candidates: number[] = [];
  for (let m = all.months - 1; m >= 1 && candidates.length < months; m--) if (scorable(m)) candidates.push(m);
  candidates.reverse();
  const pairs: MonthlyPair[] = [];
  for (const o of candidates) {
    const view = historyView(frame, load, undefined, monthStart[o]!);
    const past = monthlyHistory(view);
    const targets: number[] = [];
    for (let m = o; m < o + HORIZON_MONTHS && m < all.months; m++) if (scorable(m)) targets.push(m);
    const f = forecastMonths(view, targets);
    for (const t of f.months) {
      const m = cal.months[t.index]!;
      const ly = t.index - 12;
      const lyHours = ly >= 0 ? cal.months[ly]!.hours : Number.NaN;
      pairs.push({
        origin: cal.months[o]!.month,
        month: m.month,
        horizon: t.index - o + 1,
        kwh: all.meanKw[t.index]! * m.hours,
        forecastKwh: t.kwh,
        // Same month last year, from the view (it lies before the origin): its mean kW × this month's hours.
        baselineKwh: ly >= 0 && ly < past.months && lyHours > 0 ? past.meanKw[ly]! * m.hours : Number.NaN,
        peakKw: all.peakKw[t.index]!,
        forecastPeakKw: t.peakKw,
        baselinePeakKw: ly >= 0 && ly < past.months ? past.peakKw[ly]! : Number.NaN,
      });
    }
  }
  const score = (actual: (p: MonthlyPair) => number, model: (p: MonthlyPair) => number, base: (p: MonthlyPair) => number): PairedAccuracy => {
    const ok = pairs.filter((p) => [actual(p), model(p), base(p)].every((v) => v === v));
    const a = Float64Array.from(ok, actual);
    return { model: accuracy(a, Float64Array.from(ok, model)), baseline: accuracy(a, Float64Array.from(ok, base)) };
  };
  const bands = (actual: (p: MonthlyPair) => number, model: (p: MonthlyPair) => number): { lower: number; upper: number } | null => {
    const ratios = presentSorted(pairs.map((p) => (model(p) > 0 ? actual(p) / model(p) : Number.NaN)));
    if (ratios.length < MIN_RATIO_SAMPLES) return null;
    const q = (1 - coverage) / 2;
    return { lower: quantileOfSorted(ratios, q)!, upper: quantileOfSorted(ratios, 1 - q)! };
  };
  return {
    pairs,
    origins: candidates.length,
    energy: score((p) => p.kwh, (p) => p.forecastKwh, (p) => p.baselineKwh),
    peak: score((p) => p.peakKw, (p) => p.forecastPeakKw, (p) => p.baselinePeakKw),
    energyRatio: bands((p) => p.kwh, (p) => p.forecastKwh),
    peakRatio: bands((p) => p.peakKw, (p) => p.forecastPeakKw),
    coverage,
  };
}
