/**
 * `core.profile`: the CPU time of the Section 4 core steps on one channel of 3 years of 15-minute data
 * (105,120 intervals) in America/Chicago, with no database: localCalendar, electricConsumption,
 * loadFactors, powerFactors (with a kvarh series) and loadProfile, each timed on its own and in total.
 * Values come from the simulator (ingest/simulate/profile.ts), so they have a realistic daily and seasonal
 * shape; its sustained outages are the gaps (NaN), and a few more gaps are punched in so that the NaN
 * paths are taken even when the simulator plans none. After WARMUP_RUNS runs (JIT), the median of RUNS.
 * Reported in ms per channel-year; the target is under 5 ms per channel-year (`meetsTarget`).
 */
import { localCalendar } from '../src/core/calendar.js';
import { electricConsumption } from '../src/core/consumption.js';
import { loadFactors } from '../src/core/load-factor.js';
import { loadProfile } from '../src/core/load-profile.js';
import { powerFactors } from '../src/core/power-factor.js';
import type { IntervalSeries } from '../src/core/series.js';
import { generateMeterSeries, type MeterSpec } from '../ingest/simulate/profile.js';
import { round } from './load-bulk.js';
import type { Benchmark, BenchResult } from './registry.js';

const NAME = 'core.profile';
const TIME_ZONE = 'America/Chicago';
const INTERVAL_MINUTES = 15;
const INTERVAL_MS = INTERVAL_MINUTES * 60_000;
const INTERVALS_PER_YEAR = (365 * 24 * 60) / INTERVAL_MINUTES;
/** 2021-2023: three local years without a leap day, 3 x 35,040 = 105,120 intervals. Chicago is UTC-6 in January. */
const START_MS = Date.UTC(2021, 0, 1, 6);
const END_MS = Date.UTC(2024, 0, 1, 6);
const WARMUP_RUNS = 5;
const RUNS = 30;
/** The target. */
const TARGET_MS_PER_CHANNEL_YEAR = 5;
/** Extra gaps: [first interval, length] (a lost day of a data logger, a few missing hours, one interval). */
const EXTRA_GAPS: readonly (readonly [number, number])[] = [[10_000, 96], [50_000, 12], [90_001, 1]];

const SPEC: MeterSpec = {
  meterId: 'bench-core-profile',
  commodity: 'electric',
  channels: [{ kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'kvarh_del', intervalMinutes: 15 }],
  timezone: TIME_ZONE,
  peakKw: 1500,
  profile: 'commercial',
  seed: 1,
};

/** The simulator's kWh and kvarh laid onto aligned series, NaN where an interval is absent. */
function channelSeries(): { kwh: IntervalSeries; kvarh: IntervalSeries } {
  const n = (END_MS - START_MS) / INTERVAL_MS;
  const sim = generateMeterSeries(SPEC, START_MS, END_MS);
  const aligned = (kind: string): IntervalSeries => {
    const ch = sim.channels.find((c) => c.kind === kind);
    if (!ch) throw new Error(`the simulator gave no ${kind} channel`);
    const values = new Float64Array(n).fill(Number.NaN);
    for (let i = 0; i < ch.tsMs.length; i++) values[(ch.tsMs[i]! - START_MS) / INTERVAL_MS] = ch.values[i]!;
    for (const [from, length] of EXTRA_GAPS) values.fill(Number.NaN, from, from + length);
    return { startMs: START_MS, intervalMinutes: INTERVAL_MINUTES, values };
  };
  return { kwh: aligned('kwh_del'), kvarh: aligned('kvarh_del') };
}

interface StepTimes {
  calendarMs: number;
  consumptionMs: number;
  loadFactorMs: number;
  powerFactorMs: number;
  profileMs: number;
  totalMs: number;
}

/** One run of the steps in the order buildSection4 runs them; `sink` keeps every result observable. */
function runOnce(kwh: IntervalSeries, kvarh: IntervalSeries, sink: { n: number }): StepTimes {
  const t0 = performance.now();
  const cal = localCalendar(kwh, TIME_ZONE);
  const t1 = performance.now();
  const ec = electricConsumption(kwh, cal);
  const t2 = performance.now();
  const lf = loadFactors(ec);
  const t3 = performance.now();
  const pf = powerFactors(kwh, kvarh, cal, { peaks: ec.peaks });
  const t4 = performance.now();
  const profile = loadProfile(kwh, cal);
  const t5 = performance.now();
  sink.n += cal.days.length + ec.monthly.length + lf.annual.length + pf.monthly.length + profile.samples;
  return { calendarMs: t1 - t0, consumptionMs: t2 - t1, loadFactorMs: t3 - t2, powerFactorMs: t4 - t3, profileMs: t5 - t4, totalMs: t5 - t0 };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function measure(): BenchResult {
  const { kwh, kvarh } = channelSeries();
  const n = kwh.values.length;
  let missing = 0;
  for (const v of kwh.values) if (v !== v) missing++;
  const sink = { n: 0 };
  for (let i = 0; i < WARMUP_RUNS; i++) runOnce(kwh, kvarh, sink);
  const runs = Array.from({ length: RUNS }, () => runOnce(kwh, kvarh, sink));
  const med = (k: keyof StepTimes): number => median(runs.map((r) => r[k]));
  const channelYears = n / INTERVALS_PER_YEAR;
  const perChannelYear = med('totalMs') / channelYears;
  return {
    name: NAME,
    unit: 'ms/channel-year',
    value: round(perChannelYear, 3),
    calendarMs: round(med('calendarMs'), 3),
    consumptionMs: round(med('consumptionMs'), 3),
    loadFactorMs: round(med('loadFactorMs'), 3),
    powerFactorMs: round(med('powerFactorMs'), 3),
    profileMs: round(med('profileMs'), 3),
    totalMs: round(med('totalMs'), 3),
    minTotalMs: round(Math.min(...runs.map((r) => r.totalMs)), 3),
    meetsTarget: perChannelYear < TARGET_MS_PER_CHANNEL_YEAR,
    targetMsPerChannelYear: TARGET_MS_PER_CHANNEL_YEAR,
    intervals: n,
    missingIntervals: missing,
    channelYears,
    timeZone: TIME_ZONE,
    runs: RUNS,
    warmupRuns: WARMUP_RUNS,
    checksum: sink.n,
  };
}

export const coreProfile: Benchmark = {
  name: NAME,
  description: `Section 4 core steps on one 3-year 15-minute channel in ${TIME_ZONE}, ms per channel-year (median of ${RUNS}), no database`,
  async run() {
    return [measure()];
  },
};
