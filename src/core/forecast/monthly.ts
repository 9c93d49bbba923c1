/**
 * 12-month model: energy (kWh) and peak demand (kW) of whole local months, with trend and seasonality.
 *
 * Each month with enough data (MIN_COMPLETENESS) gives two points: its mean demand (kWh of the present
 * intervals / their hours, so a gap is read at the month's own average, and months of 28 to 31 days and
 * 743- or 745-hour DST months compare fairly) and its peak interval kW (DESIGN.md: the maximum interval
 * demand). Each is fitted by least squares on month-of-year effects plus a linear trend,
 *
 *   y_t = a_{month of year(t)} + b · t,
 *
 * the trend taken within months of the year (b = Σ (t − t̄_m)(y − ȳ_m) / Σ (t − t̄_m)², Frisch–Waugh on the
 * 12 month dummies), so seasonality cannot leak into it. The trend is kept only with at least
 * TREND_MIN_MONTHS points (one year cannot tell growth from season) and when it is significant (|t| ≥
 * MIN_TREND_T, as CalTRACK keeps only significant terms); without all 12 months of the year there is no
 * seasonality either, and the forecast is the level of the last LEVEL_MONTHS months. Forecast kWh = mean
 * kW × the target month's hours (LocalMonth.hours, DST aware).
 *
 * Why this model: with two or three years of months there are 24-36 points; twelve seasonal means and one
 * slope are what such a record supports, the same structure as a seasonal-naive forecast with drift,
 * but estimated from every year instead of only the last.
 */
import type { HistoryView } from './frame.js';

/** A month counts when at least this share of its intervals is present (consumption.ts `completeness`). */
export const MIN_COMPLETENESS = 0.9;
/** Points needed before a trend is fitted: two of each month of the year. */
export const TREND_MIN_MONTHS = 24;
/** A trend is kept when its t statistic reaches this (about p < 0.05 two-sided at 12-24 degrees of freedom). */
export const MIN_TREND_T = 2;
/** Months behind the level forecast when the record is shorter than a year. */
const LEVEL_MONTHS = 3;
const MONTHS_PER_YEAR = 12;
const MINUTES_PER_HOUR = 60;

/** Per calendar month of the view (months [0, months)): NaN where the month is not usable. */
export interface MonthlyHistory {
  months: number;
  /** Mean demand over the present intervals, kW. */
  meanKw: Float64Array;
  /** Highest interval demand, kW. */
  peakKw: Float64Array;
  /** Present / expected intervals of the whole month. */
  completeness: Float64Array;
}

/**
 * Monthly points of the view: every calendar month that starts before the origin; a month the origin
 * cuts gets its completeness from its intervals before the origin only, and so is usually left out.
 */
export function monthlyHistory(view: HistoryView): MonthlyHistory {
  const { frame, load } = view;
  const { cal } = frame;
  const months = load.length > 0 ? cal.monthIndex[load.length - 1]! + 1 : 0;
  const sum = new Float64Array(months);
  const peak = new Float64Array(months).fill(-Infinity);
  const present = new Int32Array(months);
  for (let i = 0; i < load.length; i++) {
    const v = load[i]!;
    if (v !== v) continue;
    const m = cal.monthIndex[i]!;
    sum[m] = sum[m]! + v;
    present[m] = present[m]! + 1;
    if (v > peak[m]!) peak[m] = v;
  }
  const kwPerKwh = MINUTES_PER_HOUR / cal.intervalMinutes;
  const meanKw = new Float64Array(months);
  const peakKw = new Float64Array(months);
  const completeness = new Float64Array(months);
  for (let m = 0; m < months; m++) {
    const c = present[m]! / cal.months[m]!.expected;
    completeness[m] = c;
    const ok = c >= MIN_COMPLETENESS;
    meanKw[m] = ok ? (sum[m]! / present[m]!) * kwPerKwh : Number.NaN;
    peakKw[m] = ok ? peak[m]! * kwPerKwh : Number.NaN;
  }
  return { months, meanKw, peakKw, completeness };
}

export type MonthlyModelKind = 'seasonal-trend' | 'seasonal' | 'level' | 'none';

/** A fitted monthly model of one quantity. */
export interface MonthlyFit {
  kind: MonthlyModelKind;
  points: number;
  /** Trend, quantity per month (0 without a trend). */
  slopePerMonth: number;
  /** The forecast for calendar month index `t` whose month of the year is `monthOfYear` (0..11). */
  predict(t: number, monthOfYear: number): number;
}

/** Month of the year 0..11 of a `YYYY-MM` label. */
export function monthOfYear(label: string): number {
  return Number(label.slice(5, 7)) - 1;
}

/** Fits the model to `values[t]` (NaN: no point) with months of the year from `labels[t]`. */
export function fitMonthly(values: Float64Array, labels: readonly string[]): MonthlyFit {
  const t: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) t.push(i);
  const points = t.length;
  if (points === 0) return { kind: 'none', points, slopePerMonth: 0, predict: () => Number.NaN };
  const sum = new Float64Array(MONTHS_PER_YEAR);
  const sumT = new Float64Array(MONTHS_PER_YEAR);
  const count = new Int32Array(MONTHS_PER_YEAR);
  for (const i of t) {
    const m = monthOfYear(labels[i]!);
    sum[m] = sum[m]! + values[i]!;
    sumT[m] = sumT[m]! + i;
    count[m] = count[m]! + 1;
  }
  const allMonths = count.every((c) => c > 0);
  if (!allMonths) {
    const last = t.slice(-LEVEL_MONTHS);
    const level = last.reduce((s, i) => s + values[i]!, 0) / last.length;
    return { kind: 'level', points, slopePerMonth: 0, predict: () => level };
  }
  const meanY = Array.from(sum, (s, m) => s / count[m]!);
  const meanT = Array.from(sumT, (s, m) => s / count[m]!);
  let slope = 0;
  let trend = false;
  if (points >= TREND_MIN_MONTHS) {
    let sxy = 0;
    let sxx = 0;
    for (const i of t) {
      const m = monthOfYear(labels[i]!);
      const dt = i - meanT[m]!;
      sxy += dt * (values[i]! - meanY[m]!);
      sxx += dt * dt;
    }
    slope = sxx > 0 ? sxy / sxx : 0;
    // Keep the trend only where the record supports it: |t| of the slope at least MIN_TREND_T (CalTRACK
    // keeps a term only when it is significant; a household's wandering months have no trend to extrapolate).
    let sse = 0;
    for (const i of t) {
      const m = monthOfYear(labels[i]!);
      const e = values[i]! - meanY[m]! - slope * (i - meanT[m]!);
      sse += e * e;
    }
    const dof = points - MONTHS_PER_YEAR - 1;
    const se = dof > 0 && sxx > 0 ? Math.sqrt(sse / dof / sxx) : Infinity;
    trend = Math.abs(slope) >= MIN_TREND_T * se;
    if (!trend) slope = 0;
  }
  return {
    kind: trend ? 'seasonal-trend' : 'seasonal',
    points,
    slopePerMonth: slope,
    predict: (ti, m) => meanY[m]! + slope * (ti - meanT[m]!),
  };
}

/** The forecast of one month. */
export interface MonthForecast {
  /** Calendar month index in the frame and its label `YYYY-MM`. */
  index: number;
  month: string;
  kwh: number;
  meanKw: number;
  peakKw: number;
}

export interface MonthlyForecast {
  months: MonthForecast[];
  energy: MonthlyFit;
  peak: MonthlyFit;
}

/**
 * Forecasts calendar months `targets` (frame month indexes, each starting at or after the origin) from
 * the view's months.
 */
export function forecastMonths(view: HistoryView, targets: readonly number[]): MonthlyForecast {
  const { cal } = view.frame;
  const history = monthlyHistory(view);
  const labels = cal.months.map((m) => m.month);
  const energy = fitMonthly(history.meanKw, labels);
  const peak = fitMonthly(history.peakKw, labels);
  const months = targets.map((index) => {
    const m = cal.months[index]!;
    const moy = monthOfYear(m.month);
    const meanKw = energy.predict(index, moy);
    return { index, month: m.month, meanKw, kwh: meanKw * m.hours, peakKw: peak.predict(index, moy) };
  });
  return { months, energy, peak };
}
