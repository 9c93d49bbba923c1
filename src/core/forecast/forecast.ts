/**
 * Forecast of power requirements (Section 4 item 12, CONTRACT.md `forecast`): the day-ahead demand per
 * interval and the next 12 months' energy and peak demand, each with a prediction interval, and the
 * rolling-origin backtest of the day-ahead model beside the naive baseline (DESIGN.md: always report a
 * baseline beside a model).
 *
 *   dayAhead  the local day that starts at the end of the data (the origin, "the end of `to`"): one point
 *             per interval start, average kW, with low/high from the backtest's residual quantiles per
 *             local hour (central DEFAULT_COVERAGE = 80 %);
 *   monthly   the 12 local months that start at or after the origin; kWh, peak kW and their intervals;
 *   backtest  day-ahead CV(RMSE), NMBE and MAPE on local hours over the last 8 weeks, model and baseline
 *             (same interval last week), as fractions (ASHRAE Guideline 14; metrics.ts);
 *   detail    models and the variants chosen, balance points, interval coverage on a holdout, counts,
 *             interval-level figures and the monthly backtest.
 *
 * Everything is computed from the series it is given: the caller cuts it at the end of `to`, and nothing
 * after its last interval is read (the temperature series may run on: values after the origin are the
 * weather forecast for the target day).
 */
import { KeymeterError } from '../../errors.js';
import { MINUTE_MS, type IntervalSeries } from '../series.js';
import { isoUtc } from '../time-zone.js';
import { backtestDayAhead, BACKTEST_DAYS, type DayAheadBacktest } from './day-ahead-backtest.js';
import { forecastDay, VALIDATION_DAYS, type DayAheadConfig, type DayForecast, type WeatherSource } from './day-ahead.js';
import { alignToGrid, forecastFrame, historyView } from './frame.js';
import type { AccuracyMetrics } from './metrics.js';
import { backtestMonthly, BACKTEST_MONTHS, HORIZON_MONTHS, type MonthlyBacktest } from './monthly-backtest.js';
import { forecastMonths, type MonthlyFit } from './monthly.js';
import { DEFAULT_COVERAGE } from './prediction-interval.js';

/** Days of frame beyond the data: the next local day and 12 whole months after it (13 × 31 days, rounded up). */
const FRAME_EXTRA_DAYS = 410;
const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 1440;
/** Output rounding: metrics to 4 decimals (0.01 %), kW and kWh to 3 (the simulator's and most meters' resolution). */
const METRIC_DECIMALS = 4;
const QUANTITY_DECIMALS = 3;

export interface ForecastOptions {
  /** The site's IANA zone: local days, months, wall-clock slots and holidays are in it. */
  timeZone: string;
  /** Local dates `YYYY-MM-DD` forecast and learned as Sundays (the site's public holidays). */
  holidays?: Iterable<string>;
  /**
   * Outdoor temperature, °C, on any interval grid (aligned by containing interval). Values after the
   * origin are used as the weather forecast of the target day; without them the model uses persistence.
   */
  temperature?: IntervalSeries | undefined;
  /** Central coverage of the prediction intervals, (0, 1); default 0.8. */
  coverage?: number;
  /** Day-ahead backtest origins (default 56: 8 weeks). */
  backtestDays?: number;
  /** Monthly backtest origins (default 12). */
  backtestMonths?: number;
  /** Temperature of the backtest's target days: `persistence` (default, strict) or `forecast` (observed, ex-post). */
  backtestWeather?: WeatherSource;
}

/** CONTRACT.md `forecast.dayAhead[]`: interval start (RFC 3339 UTC), average kW, and its interval. */
export interface DayAheadPoint {
  ts: string;
  kw: number | null;
  low: number | null;
  high: number | null;
}

/** CONTRACT.md `forecast.monthly[]` with the intervals beside the point forecasts. */
export interface MonthlyPoint {
  month: string;
  kwh: number | null;
  peakKw: number | null;
  kwhLow: number | null;
  kwhHigh: number | null;
  peakKwLow: number | null;
  peakKwHigh: number | null;
}

/** Guideline 14 figures as fractions; null where they cannot be computed (no scored point, zero mean). */
export interface AccuracyFigures {
  cvrmse: number | null;
  nmbe: number | null;
  mape: number | null;
}

export interface ForecastDetail {
  origin: string | null;
  targetDate: string | null;
  intervalMinutes: number;
  dayAhead: {
    model: 'tow-ew';
    description: string;
    config: DayAheadConfig;
    validationDays: number;
    validationRmseKw: number | null;
    levelRatio: number;
    temperature: DayForecast['temperature'];
    weather: WeatherSource | null;
  };
  backtest: {
    days: number;
    firstDate: string | null;
    lastDate: string | null;
    hours: number;
    weather: WeatherSource | null;
    hourly: { model: AccuracyMetrics; baseline: AccuracyMetrics };
    interval: { model: AccuracyMetrics; baseline: AccuracyMetrics };
    /** How often each variant was chosen across the origins. */
    variants: { config: DayAheadConfig; days: number }[];
  };
  intervals: { coverage: number; holdoutCoverage: number | null; method: string };
  monthly: {
    model: 'seasonal-trend';
    energy: Omit<MonthlyFit, 'predict'> & { unit: 'kW' };
    peak: Omit<MonthlyFit, 'predict'> & { unit: 'kW' };
    backtest: Omit<MonthlyBacktest, 'pairs'> & { pairs: number };
  };
}

export interface Forecast {
  dayAhead: DayAheadPoint[];
  monthly: MonthlyPoint[];
  backtest: AccuracyFigures & { baseline: AccuracyFigures };
  detail: ForecastDetail;
}

/**
 * The forecast of a kWh interval series (energy per interval, NaN missing) whose last interval ends at
 * the origin. Cost for 3 years of 15-minute data: one calendar over the data plus 410 days, 57 day-ahead
 * fits over 16-week windows and 13 monthly fits (well under a second; bench `forecast.fit`).
 */
export function forecast(kwh: IntervalSeries, options: ForecastOptions): Forecast {
  const { intervalMinutes, startMs } = kwh;
  if (!Number.isInteger(intervalMinutes) || intervalMinutes <= 0 || MINUTES_PER_HOUR % intervalMinutes !== 0) {
    throw new KeymeterError('KM_CORE_SHAPE', `the day-ahead forecast needs intervals that divide an hour, got ${intervalMinutes} minutes`);
  }
  const coverage = options.coverage ?? DEFAULT_COVERAGE;
  if (!(coverage > 0 && coverage < 1)) throw new RangeError(`coverage must be in (0, 1), got ${coverage}`);
  const n = kwh.values.length;
  const length = n + (FRAME_EXTRA_DAYS * MINUTES_PER_DAY) / intervalMinutes;
  const frame = forecastFrame(startMs, intervalMinutes, length, options.timeZone, options.holidays ?? []);
  const temperatureC = options.temperature !== undefined ? alignToGrid(options.temperature, startMs, intervalMinutes, length) : undefined;
  const load = kwh.values;
  const kwPerKwh = MINUTES_PER_HOUR / intervalMinutes;
  const { cal, dayStart, monthStart } = frame;

  // The day-ahead target: the first local day that starts at or after the origin.
  let targetDay = n > 0 ? cal.dayIndex[n - 1]! : 0;
  while (dayStart[targetDay]! < n) targetDay++;
  const first = dayStart[targetDay]!;
  const count = dayStart[targetDay + 1]! - first;
  const targetTemp = temperatureC?.subarray(first, first + count);
  const hasTargetTemp = targetTemp !== undefined && targetTemp.some((v) => v === v);
  const view = historyView(frame, load, temperatureC, n);
  const day = forecastDay(view, targetDay, hasTargetTemp ? { targetTemperatureC: targetTemp, weather: 'forecast' } : { weather: 'persistence' });
  const bt = backtestDayAhead(frame, load, temperatureC, {
    days: options.backtestDays ?? BACKTEST_DAYS,
    weather: options.backtestWeather ?? 'persistence',
    coverage,
  });
  let nonNegative = true;
  for (let i = 0; i < n && nonNegative; i++) if (load[i]! < 0) nonNegative = false;
  const dayAhead: DayAheadPoint[] = [];
  for (let j = 0; j < count; j++) {
    const i = first + j;
    const e = day.kwh[j]!;
    const hour = Math.floor((cal.slot[i]! * intervalMinutes) / MINUTES_PER_HOUR);
    const lo = bt.bands.lower[hour]!;
    const hi = bt.bands.upper[hour]!;
    const ok = e === e;
    const low = ok && lo === lo ? (e + lo) * kwPerKwh : null;
    dayAhead.push({
      ts: isoUtc(startMs + i * intervalMinutes * MINUTE_MS),
      kw: ok ? round(e * kwPerKwh, QUANTITY_DECIMALS) : null,
      low: low === null ? null : round(nonNegative ? Math.max(0, low) : low, QUANTITY_DECIMALS),
      high: ok && hi === hi ? round((e + hi) * kwPerKwh, QUANTITY_DECIMALS) : null,
    });
  }

  // The 12 months that start at or after the origin.
  let m0 = n > 0 ? cal.monthIndex[n - 1]! : 0;
  while (monthStart[m0]! < n) m0++;
  const targets = Array.from({ length: HORIZON_MONTHS }, (_, k) => m0 + k).filter((m) => m < cal.months.length);
  const months = forecastMonths(view, targets);
  const mbt = backtestMonthly(frame, load, coverage, options.backtestMonths ?? BACKTEST_MONTHS);
  const monthly = months.months.map((m): MonthlyPoint => ({
    month: m.month,
    kwh: finite(m.kwh, QUANTITY_DECIMALS),
    peakKw: finite(m.peakKw, QUANTITY_DECIMALS),
    kwhLow: mbt.energyRatio ? finite(m.kwh * mbt.energyRatio.lower, QUANTITY_DECIMALS) : null,
    kwhHigh: mbt.energyRatio ? finite(m.kwh * mbt.energyRatio.upper, QUANTITY_DECIMALS) : null,
    peakKwLow: mbt.peakRatio ? finite(m.peakKw * mbt.peakRatio.lower, QUANTITY_DECIMALS) : null,
    peakKwHigh: mbt.peakRatio ? finite(m.peakKw * mbt.peakRatio.upper, QUANTITY_DECIMALS) : null,
  }));

  return {
    dayAhead,
    monthly,
    backtest: { ...figures(bt.hourly.model), baseline: figures(bt.hourly.baseline) },
    detail: detailOf(frame.cal.days[targetDay]?.date ?? null, n > 0 ? isoUtc(startMs + n * intervalMinutes * MINUTE_MS) : null, intervalMinutes, day, bt, months, mbt, hasTargetTemp, temperatureC !== undefined),
  };
}

function detailOf(
  targetDate: string | null, origin: string | null, intervalMinutes: number, day: DayForecast, bt: DayAheadBacktest,
  months: ReturnType<typeof forecastMonths>, mbt: MonthlyBacktest, hasTargetTemp: boolean, hasTemperature: boolean,
): ForecastDetail {
  const variants = new Map<string, { config: DayAheadConfig; days: number }>();
  for (const d of bt.days) {
    const key = JSON.stringify(d.config);
    const v = variants.get(key) ?? { config: d.config, days: 0 };
    v.days++;
    variants.set(key, v);
  }
  const fit = ({ kind, points, slopePerMonth }: MonthlyFit) => ({ kind, points, slopePerMonth, unit: 'kW' as const });
  const { pairs, ...monthlyBacktest } = mbt;
  return {
    origin, targetDate, intervalMinutes,
    dayAhead: {
      model: 'tow-ew',
      description: `exponentially weighted time-of-week cell means (holidays as Sundays), with optional recent-level ratio and change-point temperature terms; variant chosen per origin by one-step validation on the ${VALIDATION_DAYS} days before it`,
      config: day.config,
      validationDays: day.validationDays,
      validationRmseKw: day.validationRmseKwh === null ? null : day.validationRmseKwh * (MINUTES_PER_HOUR / intervalMinutes),
      levelRatio: day.levelRatio,
      temperature: day.temperature,
      weather: hasTemperature ? (hasTargetTemp ? 'forecast' : 'persistence') : null,
    },
    backtest: {
      days: bt.days.length,
      firstDate: bt.days[0]?.date ?? null,
      lastDate: bt.days[bt.days.length - 1]?.date ?? null,
      hours: bt.hourly.hours,
      weather: bt.weather,
      hourly: { model: bt.hourly.model, baseline: bt.hourly.baseline },
      interval: bt.interval,
      variants: [...variants.values()],
    },
    intervals: {
      coverage: bt.bands.coverage,
      holdoutCoverage: bt.holdoutCoverage === null ? null : round(bt.holdoutCoverage, METRIC_DECIMALS),
      method: 'empirical quantiles of the day-ahead backtest residuals per local hour (monthly: of measured/forecast ratios over the monthly backtest)',
    },
    monthly: {
      model: 'seasonal-trend',
      energy: fit(months.energy),
      peak: fit(months.peak),
      backtest: { ...monthlyBacktest, pairs: pairs.length },
    },
  };
}

function figures(m: AccuracyMetrics): AccuracyFigures {
  return {
    cvrmse: m.cvrmse === null ? null : round(m.cvrmse, METRIC_DECIMALS),
    nmbe: m.nmbe === null ? null : round(m.nmbe, METRIC_DECIMALS),
    mape: m.mape === null ? null : round(m.mape, METRIC_DECIMALS),
  };
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

function finite(x: number, decimals: number): number | null {
  return Number.isFinite(x) ? round(x, decimals) : null;
}
