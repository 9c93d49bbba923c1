/**
 * Forecast accuracy as ASHRAE Guideline 14-2014 states it for models of measured energy use (DESIGN.md
 * "Domain facts"): the coefficient of variation of the root-mean-square error and the normalized mean
 * bias error, both with n − p in the denominator,
 *
 *   CV(RMSE) = sqrt( Σ (y_i − ŷ_i)² / (n − p) ) / ȳ
 *   NMBE     = Σ (y_i − ŷ_i) / ((n − p) · ȳ)
 *
 * (y measured, ŷ predicted, ȳ the mean of y, n the data points, p the model's parameters; the Guideline's
 * calibration criteria for hourly data are CV(RMSE) ≤ 30 % and NMBE within ±10 %, §4.3.2.4). The sign of
 * NMBE follows the Guideline: positive when the model predicts LESS than was measured.
 *
 * p: the Guideline subtracts p because a calibration statistic is computed on the data the parameters
 * were fitted to, which use up p degrees of freedom. A backtest scores out-of-sample forecasts (each made
 * from data before its origin), so no degree of freedom of the scored points is used up and p = 0 is the
 * right choice, as is common for forecast accuracy; `parameters` lets a caller score an in-sample fit.
 *
 * MAPE = mean(|y − ŷ| / |y|) over the points whose measured value is not 0 (a zero actual has no
 * percentage error; `nMape` says how many points it covers). It is dominated by the smallest actuals,
 * which is why the Guideline's two figures lead and MAPE is shown beside them.
 *
 * Results are fractions (0.12 = 12 %), like every share in the Section 4 document. A pair is scored only
 * when both values are present: NaN on either side skips it.
 */
export interface AccuracyMetrics {
  /** CV(RMSE), fraction; null when n − p < 1 or ȳ = 0. */
  cvrmse: number | null;
  /** NMBE, fraction (positive: under-prediction); null when n − p < 1 or ȳ = 0. */
  nmbe: number | null;
  /** MAPE, fraction, over the pairs with a non-zero actual; null when there is none. */
  mape: number | null;
  /** Pairs scored (both values present). */
  n: number;
  /** Pairs in MAPE (non-zero actual). */
  nMape: number;
  /** ȳ over the scored pairs, in the unit of the series; null when n = 0. */
  meanActual: number | null;
}

/**
 * Accuracy of `predicted` against `actual` (same length, same unit). One pass, no allocation.
 * @param parameters p of ASHRAE Guideline 14; 0 for out-of-sample forecasts (the default)
 */
export function accuracy(actual: ArrayLike<number>, predicted: ArrayLike<number>, parameters = 0): AccuracyMetrics {
  if (actual.length !== predicted.length) throw new RangeError(`actual and predicted differ in length (${actual.length} vs ${predicted.length})`);
  if (!Number.isInteger(parameters) || parameters < 0) throw new RangeError(`parameters must be a non-negative integer, got ${parameters}`);
  let n = 0;
  let sumY = 0;
  let sumErr = 0;
  let sumSq = 0;
  let nMape = 0;
  let sumApe = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i]!;
    const f = predicted[i]!;
    if (y !== y || f !== f) continue; // NaN on either side: not scored
    const e = y - f;
    n++;
    sumY += y;
    sumErr += e;
    sumSq += e * e;
    if (y !== 0) {
      nMape++;
      sumApe += Math.abs(e / y);
    }
  }
  const dof = n - parameters;
  const mean = n > 0 ? sumY / n : null;
  const ok = dof >= 1 && mean !== null && mean !== 0;
  return {
    cvrmse: ok ? Math.sqrt(sumSq / dof) / mean : null,
    nmbe: ok ? sumErr / (dof * mean) : null,
    mape: nMape > 0 ? sumApe / nMape : null,
    n,
    nMape,
    meanActual: mean,
  };
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of the present values, linear between order statistics (Hyndman & Fan
 * type 7, as load-profile.ts and Excel PERCENTILE.INC); null when no value is present. Sorts a copy.
 */
export function quantile(values: ArrayLike<number>, q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be in [0, 1], got ${q}`);
  const sorted = presentSorted(values);
  return quantileOfSorted(sorted, q);
}

/** @internal The present values of `values`, ascending. */
export function presentSorted(values: ArrayLike<number>): Float64Array {
  let k = 0;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === v) out[k++] = v;
  }
  return out.subarray(0, k).sort();
}

/** @internal Type 7 quantile of an ascending array with no NaN; null when it is empty. */
export function quantileOfSorted(sorted: Float64Array, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
