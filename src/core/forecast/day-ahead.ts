/**
 * Day-ahead model: the load of each interval of one local day, forecast from a HistoryView that ends at
 * or before that day.
 *
 * Model ("tow-ew": time of week, exponentially weighted). A forecast interval gets the exponentially
 * weighted mean of the load in its time-of-week cell (its day type and local wall-clock slot; holidays
 * are Sundays), optionally
 *  - times a recent-level ratio: measured / one-step-forecast load over the LEVEL_DAYS days before the
 *    origin, which follows a drift (a season coming on, a production change) faster than the cell means;
 *  - with change-point temperature terms (temperature.ts), when a temperature series is given.
 * Which variant to use is chosen at each origin by one-step-ahead validation on the VALIDATION_DAYS days
 * before it: the recursion (cell-smoother.ts) forecasts each of those days from the days before it, and
 * the variant with the smallest mean squared error forecasts the target day. Stage 1 scores every day
 * grouping (`week`: 7 day types; `workweek`: Monday–Friday pooled; `day`: all days pooled) × half-life
 * (HALF_LIVES_DAYS), each with and without the level ratio; stage 2 adds the temperature terms to the
 * winner's grouping and half-life and keeps them if they score better. All of it reads the view only, so
 * a forecast never depends on data after its origin.
 *
 * Why this model: a building's load is first of all its weekly schedule, and a weighted time-of-week mean
 * is the estimator of that schedule that ASHRAE/CalTRACK-style models use; the weights, the level ratio
 * and the per-origin choice let one model serve a 24/7 hospital, a two-shift plant and an office
 * without hand tuning; each step is a pass over typed arrays (3 years of 15-minute data fit and backtest
 * well under a second).
 *
 * DST: cells are wall-clock slots (LocalCalendar.slot), so a 92-interval spring-forward day has no
 * forecast for the skipped hour and a 100-interval fall-back day forecasts the repeated hour twice.
 */
import { KeymeterError } from '../../errors.js';
import { CellSmoother, selectBalancePoints, type BalancePoints, type DayGrouping } from './cell-smoother.js';
import type { HistoryView } from './frame.js';
import { COOLING_BALANCE_C, HEATING_BALANCE_C, type Slopes } from './temperature.js';

/** Days of history the smoothers read before the origin: 16 weeks (the oldest day weighs 1/4 at the longest half-life). */
export const WINDOW_DAYS = 112;
/** Days before the origin scored to choose the variant: 4 weeks, each day of the week 4 times. */
export const VALIDATION_DAYS = 28;
/** Days behind the recent-level ratio: one week, every day type once. */
export const LEVEL_DAYS = 7;
/** Half-lives tried, days: one week (follows change fast) to eight weeks (averages out noise). */
export const HALF_LIVES_DAYS: readonly number[] = [7, 14, 28, 56];
export const GROUPINGS: readonly DayGrouping[] = ['week', 'workweek', 'day'];
/** The level ratio is held within [1/2, 2]: a larger jump is a data problem or a shutdown, not a level. */
const LEVEL_RATIO_MIN = 0.5;
const LEVEL_RATIO_MAX = 2;
/** Days of history the smoothers need before their one-step forecasts are scored: one week. */
const MIN_TRAIN_DAYS = 7;
/** Fewer validation days than this and the default variant is used without a choice. */
const MIN_VALIDATION_DAYS = 7;
/** Half-life of the balance-point search, days. */
const BALANCE_HALF_LIFE_DAYS = 28;

/** One variant of the model. */
export interface DayAheadConfig {
  grouping: DayGrouping;
  halfLifeDays: number;
  level: boolean;
  temperature: boolean;
}

/** The variant used when the history is too short to choose: pooled weekdays, two-week half-life. */
export const DEFAULT_CONFIG: Readonly<DayAheadConfig> = { grouping: 'workweek', halfLifeDays: 14, level: false, temperature: false };

/**
 * Where a forecast gets the target day's temperature, and so how the validation days get theirs:
 * `forecast` - the caller supplies the day's temperature (a weather forecast; in a backtest, the observed
 * temperature as a perfect forecast), and validation days use their observed temperature;
 * `persistence` - each day is given the temperature of the day before at the same wall-clock slot (what
 * is known at the origin with no weather forecast).
 */
export type WeatherSource = 'forecast' | 'persistence';

export interface DayAheadOptions {
  windowDays?: number;
  validationDays?: number;
  levelDays?: number;
  halfLivesDays?: readonly number[];
  groupings?: readonly DayGrouping[];
  /** The target day's temperature, °C, one per interval of the day (`weather: 'forecast'`). */
  targetTemperatureC?: Float64Array | undefined;
  /** Default: `forecast` when targetTemperatureC is given, else `persistence`. */
  weather?: WeatherSource;
}

export interface DayForecast {
  /** Calendar day index of the target, its first interval and its interval count (92/96/100 for 15 minutes). */
  day: number;
  first: number;
  count: number;
  /** Forecast energy per interval, kWh (NaN where the history has no sample of that slot). */
  kwh: Float64Array;
  config: DayAheadConfig;
  /** Days scored to choose the variant (0: DEFAULT_CONFIG, too little history) and the chosen variant's RMSE there, kWh per interval. */
  validationDays: number;
  validationRmseKwh: number | null;
  /** Level ratio applied (1 without level). */
  levelRatio: number;
  /** Temperature terms of the chosen variant, or null when it has none. */
  temperature: { balance: BalancePoints; unoccupied: Slopes; occupied: Slopes } | null;
}

/**
 * Forecasts calendar day `targetDay` of the view's frame from the view. The target must start at or
 * after the origin (`view.load.length`). Allocates per call in proportion to the window, not the series.
 */
export function forecastDay(view: HistoryView, targetDay: number, options: DayAheadOptions = {}): DayForecast {
  const { frame, load } = view;
  const { dayStart, cal } = frame;
  if (!Number.isInteger(targetDay) || targetDay < 0 || targetDay >= cal.days.length) throw new RangeError(`target day ${targetDay} is outside the frame`);
  const first = dayStart[targetDay]!;
  const count = dayStart[targetDay + 1]! - first;
  const origin = load.length;
  if (first < origin) throw new KeymeterError('KM_CORE_SHAPE', 'a day-ahead target must start at or after the origin of its history');
  const windowDays = options.windowDays ?? WINDOW_DAYS;
  const levelDays = options.levelDays ?? LEVEL_DAYS;
  const lastDay = origin > 0 ? cal.dayIndex[origin - 1]! : -1;
  const firstDay = Math.max(0, lastDay - windowDays + 1);
  const kwh = new Float64Array(count).fill(Number.NaN);
  if (lastDay < 0) {
    return { day: targetDay, first, count, kwh, config: { ...DEFAULT_CONFIG }, validationDays: 0, validationRmseKwh: null, levelRatio: 1, temperature: null };
  }
  const weather: WeatherSource = options.weather ?? (options.targetTemperatureC !== undefined ? 'forecast' : 'persistence');
  const balance = view.temperatureC !== undefined
    ? selectBalancePoints(view, firstDay, lastDay, BALANCE_HALF_LIFE_DAYS, HEATING_BALANCE_C, COOLING_BALANCE_C)
    : undefined;
  const targetTemp = balance === undefined ? undefined
    : weather === 'forecast' && options.targetTemperatureC !== undefined ? options.targetTemperatureC
      : persistenceTemperature(view, lastDay, first, count);

  const trainDays = lastDay - firstDay + 1;
  const requested = options.validationDays ?? VALIDATION_DAYS;
  let validationDays = Math.min(requested, trainDays - MIN_TRAIN_DAYS - levelDays);
  if (validationDays < MIN_VALIDATION_DAYS) validationDays = 0;
  const predFrom = validationDays > 0 ? lastDay - validationDays - levelDays + 1 : lastDay + 1;
  const predFirst = Math.min(dayStart[predFrom]!, origin);
  const range: PredRange = { predFrom, lastDay, predFirst, validationDays, levelDays };

  // Stage 1: every grouping × half-life without temperature, each with and without the level ratio.
  const pred = new Float64Array(origin - predFirst);
  const tgt = new Float64Array(count);
  let best: Chosen | undefined;
  for (const grouping of options.groupings ?? GROUPINGS) {
    for (const halfLifeDays of options.halfLivesDays ?? HALF_LIVES_DAYS) {
      const smoother = new CellSmoother(view, grouping, halfLifeDays, firstDay, undefined);
      runSmoother(view, smoother, range, firstDay, pred, undefined, undefined);
      smoother.predictDay(targetDay, first, count, tgt, 0, undefined, undefined);
      best = consider(best, view, range, { grouping, halfLifeDays, temperature: false }, pred, tgt, smoother);
    }
  }
  if (best === undefined) throw new RangeError('no day grouping or half-life to try');
  // Stage 2: the temperature terms on the chosen grouping and half-life (a greedy step: the change-point
  // regression on all twelve smoothers would cost 12 times as much for a choice that rarely differs).
  if (balance !== undefined) {
    const { grouping, halfLifeDays } = best.config;
    const smoother = new CellSmoother(view, grouping, halfLifeDays, firstDay, balance);
    const predT = new Float64Array(origin - predFirst);
    const tgtT = new Float64Array(count);
    runSmoother(view, smoother, range, firstDay, pred, predT, weather);
    smoother.predictDay(targetDay, first, count, tgt, 0, tgtT, targetTemp);
    best = consider(best, view, range, { grouping, halfLifeDays, temperature: true }, predT, tgtT, smoother);
  }
  for (let j = 0; j < count; j++) kwh[j] = best.pred[j]! * best.ratio;
  const [unoccupied, occupied] = best.smoother.regimes();
  return {
    day: targetDay, first, count, kwh,
    config: best.config,
    validationDays,
    validationRmseKwh: validationDays > 0 && Number.isFinite(best.mse) ? Math.sqrt(best.mse) : null,
    levelRatio: best.ratio,
    temperature: best.config.temperature && balance !== undefined ? { balance, unoccupied, occupied } : null,
  };
}

/** The days with one-step forecasts ([predFrom, lastDay], from interval predFirst) and the validation days at their end. */
interface PredRange {
  predFrom: number;
  lastDay: number;
  predFirst: number;
  validationDays: number;
  levelDays: number;
}

interface Chosen {
  config: DayAheadConfig;
  mse: number;
  ratio: number;
  pred: Float64Array;
  smoother: CellSmoother;
}

/**
 * Runs a smoother over the view's window, writing the one-step forecast of each day in the range to
 * `pred` (and with temperature to `predT`) before adding that day.
 */
function runSmoother(view: HistoryView, smoother: CellSmoother, range: PredRange, firstDay: number, pred: Float64Array, predT: Float64Array | undefined, weather: WeatherSource | undefined): void {
  const { dayStart, cal } = view.frame;
  const origin = view.load.length;
  const dayTemp = predT !== undefined ? new Float64Array(cal.slotsPerDay * 2) : undefined;
  for (let day = firstDay; day <= range.lastDay; day++) {
    if (day >= range.predFrom) {
      const f = dayStart[day]!;
      const n = Math.min(dayStart[day + 1]!, origin) - f;
      const temps = dayTemp !== undefined ? viewDayTemperature(view, day, f, n, weather!, dayTemp) : undefined;
      smoother.predictDay(day, f, n, pred, f - range.predFirst, predT, temps);
    }
    smoother.addDay(day);
  }
}

/**
 * Scores the variant's one-step forecasts without and with the level ratio and returns whichever of
 * them and `best` has the smaller validation MSE (ties keep `best`: the earlier, simpler variant). Without
 * validation days only DEFAULT_CONFIG can be chosen.
 */
function consider(best: Chosen | undefined, view: HistoryView, range: PredRange, variant: Omit<DayAheadConfig, 'level'>, pred: Float64Array, target: Float64Array, smoother: CellSmoother): Chosen {
  const sums = daySums(view, pred, range);
  let out = best;
  for (const level of [false, true]) {
    const config: DayAheadConfig = { grouping: variant.grouping, halfLifeDays: variant.halfLifeDays, level, temperature: variant.temperature };
    const mse = range.validationDays > 0 ? validationMse(sums, range, level) : sameConfig(config, DEFAULT_CONFIG) ? 0 : Infinity;
    if (out === undefined || mse < out.mse) {
      const days = range.lastDay - range.predFrom + 1;
      out = { config, mse, ratio: level ? levelRatio(sums, days - range.levelDays, days) : 1, pred: Float64Array.from(target), smoother };
    }
  }
  return out!;
}

function sameConfig(a: DayAheadConfig, b: DayAheadConfig): boolean {
  return a.grouping === b.grouping && a.halfLifeDays === b.halfLifeDays && a.level === b.level && a.temperature === b.temperature;
}

/** Per day of the range, over the intervals with both a measured load y and a forecast p: count, Σy, Σp, Σy², Σyp, Σp². */
interface DaySums {
  n: Float64Array;
  y: Float64Array;
  p: Float64Array;
  yy: Float64Array;
  yp: Float64Array;
  pp: Float64Array;
}

function daySums(view: HistoryView, pred: Float64Array, range: PredRange): DaySums {
  const { load, frame } = view;
  const days = range.lastDay - range.predFrom + 1;
  const s: DaySums = { n: new Float64Array(days), y: new Float64Array(days), p: new Float64Array(days), yy: new Float64Array(days), yp: new Float64Array(days), pp: new Float64Array(days) };
  for (let d = 0; d < days; d++) {
    const from = frame.dayStart[range.predFrom + d]!;
    const to = Math.min(frame.dayStart[range.predFrom + d + 1]!, load.length);
    let n = 0, sy = 0, sp = 0, syy = 0, syp = 0, spp = 0;
    for (let i = from; i < to; i++) {
      const y = load[i]!;
      const p = pred[i - range.predFirst]!;
      if (y !== y || p !== p) continue;
      n++;
      sy += y;
      sp += p;
      syy += y * y;
      syp += y * p;
      spp += p * p;
    }
    s.n[d] = n;
    s.y[d] = sy;
    s.p[d] = sp;
    s.yy[d] = syy;
    s.yp[d] = syp;
    s.pp[d] = spp;
  }
  return s;
}

/**
 * Mean squared error over the validation days (the last `validationDays` of the range), each day's
 * forecast scaled by its level ratio when `level`: Σ (y − r p)² = Σy² − 2r Σyp + r² Σp² per day.
 * Infinity when nothing is scored.
 */
function validationMse(s: DaySums, range: PredRange, level: boolean): number {
  const days = range.lastDay - range.predFrom + 1;
  let sse = 0;
  let n = 0;
  for (let d = days - range.validationDays; d < days; d++) {
    const r = level ? levelRatio(s, d - range.levelDays, d) : 1;
    sse += Math.max(0, s.yy[d]! - 2 * r * s.yp[d]! + r * r * s.pp[d]!);
    n += s.n[d]!;
  }
  return n > 0 ? sse / n : Infinity;
}

/**
 * Measured / forecast load over range days [from, to) (clipped to the range); 1 when there is nothing
 * to compare, held within [1/2, 2].
 */
function levelRatio(s: DaySums, from: number, to: number): number {
  let sy = 0;
  let sp = 0;
  for (let d = Math.max(0, from); d < to; d++) {
    sy += s.y[d]!;
    sp += s.p[d]!;
  }
  if (!(sp > 0) || !(sy >= 0)) return 1;
  return Math.min(LEVEL_RATIO_MAX, Math.max(LEVEL_RATIO_MIN, sy / sp));
}

/**
 * The temperature a validation day `day` is forecast with (its `n` view intervals from `first`): its
 * own measured temperature (`forecast`) or the day before's at the same slot (`persistence`).
 */
function viewDayTemperature(view: HistoryView, day: number, first: number, n: number, weather: WeatherSource, out: Float64Array): Float64Array {
  if (weather === 'persistence') return persistenceTemperature(view, day - 1, first, n, out);
  const t = view.temperatureC!;
  for (let j = 0; j < n; j++) out[j] = t[first + j]!;
  return out;
}

/**
 * Persistence: for the `n` intervals from `first`, the temperature of calendar day `fromDay` (in the
 * view) at the same wall-clock slot, or that day's mean temperature where the slot is missing; NaN
 * when `fromDay` has no temperature at all.
 */
function persistenceTemperature(view: HistoryView, fromDay: number, first: number, n: number, out: Float64Array = new Float64Array(n)): Float64Array {
  const { frame, load } = view;
  const t = view.temperatureC!;
  const { slot, slotsPerDay } = frame.cal;
  const bySlot = new Float64Array(slotsPerDay).fill(Number.NaN);
  let sum = 0;
  let k = 0;
  if (fromDay >= 0) {
    const end = Math.min(frame.dayStart[fromDay + 1]!, load.length);
    for (let i = frame.dayStart[fromDay]!; i < end; i++) {
      const v = t[i]!;
      if (v !== v) continue;
      if (bySlot[slot[i]!] !== bySlot[slot[i]!]) bySlot[slot[i]!] = v;
      sum += v;
      k++;
    }
  }
  const mean = k > 0 ? sum / k : Number.NaN;
  for (let j = 0; j < n; j++) {
    const v = bySlot[slot[first + j]!]!;
    out[j] = v === v ? v : mean;
  }
  return out;
}
