/**
 * `forecast.fit`: the wall time of the whole forecast (src/core/forecast/forecast.ts) on one channel of
 * 3 years of 15-minute data (2023-2025: 105,216 intervals) in America/Chicago, no database: the live
 * day-ahead fit, the 56-origin day-ahead backtest, the 12-month model and its 12-origin backtest. Values
 * come from the simulator (commercial profile, 1,500 kW peak, as core.profile); holidays are the
 * simulator's. Measured without temperature (the demo has no temperature channel) and, in
 * `withTemperatureMs`, with a synthetic hourly temperature (seasonal and daily sinusoids, °C) so that the
 * change-point path is timed too. After WARMUP_RUNS runs (JIT), the median of RUNS. Target: under 1 s
 * (issue 9), `meetsTarget` (both figures).
 */
import type { IntervalSeries } from '../src/core/series.js';
import { forecast, type ForecastOptions } from '../src/core/forecast/forecast.js';
import type { MeterSpec } from '../ingest/simulate/profile.js';
import { simulatedKwh, simulatorHolidays } from './forecast-data.js';
import { round } from './load-bulk.js';
import type { Benchmark, BenchResult } from './registry.js';

const NAME = 'forecast.fit';
const TIME_ZONE = 'America/Chicago';
/** 2023-2025: three local years (2024 is a leap year), 105,216 quarter-hours. Chicago is UTC-6 in January. */
const START_MS = Date.UTC(2023, 0, 1, 6);
const END_MS = Date.UTC(2026, 0, 1, 6);
const WARMUP_RUNS = 2;
const RUNS = 7;
/** The target, ms. */
const TARGET_MS = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const YEAR_DAYS = 365.25;

const SPEC: MeterSpec = {
  meterId: 'bench-forecast-fit',
  commodity: 'electric',
  channels: [{ kind: 'kwh_del', intervalMinutes: 15 }],
  timezone: TIME_ZONE,
  peakKw: 1500,
  profile: 'commercial',
  seed: 1,
};

/** Hourly °C: 11 ± 14 over the year (coldest mid-January) and ± 5 over the day (warmest 15:00 local). */
function syntheticTemperature(): IntervalSeries {
  const n = (END_MS - START_MS) / HOUR_MS + 2 * 24;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const days = (i * HOUR_MS) / DAY_MS;
    const localHour = (i + 18) % 24; // START_MS is 00:00 CST
    values[i] = 11 - 14 * Math.cos((2 * Math.PI * (days - 15)) / YEAR_DAYS) + 5 * Math.cos((2 * Math.PI * (localHour - 15)) / 24);
  }
  return { startMs: START_MS, intervalMinutes: 60, values };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function time(kwh: IntervalSeries, options: ForecastOptions): { ms: number[]; last: ReturnType<typeof forecast> } {
  let last = forecast(kwh, options);
  for (let i = 1; i < WARMUP_RUNS; i++) last = forecast(kwh, options);
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    last = forecast(kwh, options);
    ms.push(performance.now() - t0);
  }
  return { ms, last };
}

function measure(): BenchResult {
  const kwh = simulatedKwh(SPEC, START_MS, END_MS, 15);
  const holidays = simulatorHolidays(START_MS, END_MS);
  const plain = time(kwh, { timeZone: TIME_ZONE, holidays });
  const withTemperature = time(kwh, { timeZone: TIME_ZONE, holidays, temperature: syntheticTemperature() });
  const ms = median(plain.ms);
  return {
    name: NAME,
    unit: 'ms',
    value: round(ms, 1),
    minMs: round(Math.min(...plain.ms), 1),
    withTemperatureMs: round(median(withTemperature.ms), 1),
    meetsTarget: ms < TARGET_MS && median(withTemperature.ms) < TARGET_MS,
    targetMs: TARGET_MS,
    intervals: kwh.values.length,
    backtestDays: plain.last.detail.backtest.days,
    monthlyBacktestPairs: plain.last.detail.monthly.backtest.pairs,
    dayAheadIntervals: plain.last.dayAhead.length,
    timeZone: TIME_ZONE,
    runs: RUNS,
    warmupRuns: WARMUP_RUNS,
  };
}

export const forecastFit: Benchmark = {
  name: NAME,
  description: `forecast (day-ahead + 12-month fit and both backtests) on one 3-year 15-minute channel, ms (median of ${RUNS}), no database`,
  async run() {
    return [measure()];
  },
};
