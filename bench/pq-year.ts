/**
 * `pq.year`: the CPU time of the power-quality analysis of one meter over a year of 1-minute voltages on
 * three phases (3 x 525,600 = 1,576,800 values) in America/Chicago, with no database: `powerQuality`
 * (ANSI C84.1, EN 50160 weeks, unbalance, IEEE 1159 events) as the headline figure, and the outage
 * inference over the same voltages (`detectInterruptions`) timed beside it. The target is an analysis
 * under 200 ms (`meetsTarget`).
 *
 * The voltages are synthetic and deterministic (a seeded generator): 277 V line-to-neutral with a daily
 * swing of ±2 %, noise, a slight steady unbalance, a low-voltage afternoon each week, a few short sags
 * and swells, two outages (all phases at 0 V) and some missing minutes, so every branch is taken.
 * After WARMUP_RUNS runs (JIT), the median of RUNS.
 */
import { detectInterruptions } from '../src/core/outages.js';
import { powerQuality } from '../src/core/power-quality/analysis.js';
import type { IntervalSeries } from '../src/core/series.js';
import type { Benchmark, BenchResult } from './registry.js';

const NAME = 'pq.year';
const TIME_ZONE = 'America/Chicago';
const NOMINAL_V = 277;
const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
/** 2025 in Chicago: UTC-6 on January 1st; 365 local days of 1,440 minutes (DST shifts the clock, not the count of minutes). */
const START_MS = Date.UTC(2025, 0, 1, 6);
const MINUTES = 365 * DAY_MINUTES;
const WARMUP_RUNS = 3;
const RUNS = 15;
/** The target. */
const TARGET_MS = 200;

/** Mulberry32: a small seeded generator, so every run measures the same data. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function phases(): IntervalSeries[] {
  const rand = generator(1366);
  const offsets = [0, -0.006, 0.004]; // a steady unbalance of well under 1 %
  const out = offsets.map(() => new Float64Array(MINUTES));
  for (let i = 0; i < MINUTES; i++) {
    const dayFraction = (i % DAY_MINUTES) / DAY_MINUTES;
    let pu = 1 + 0.02 * Math.sin(2 * Math.PI * (dayFraction - 0.25));
    if (i % (7 * DAY_MINUTES) >= 2 * DAY_MINUTES + 14 * 60 && i % (7 * DAY_MINUTES) < 2 * DAY_MINUTES + 17 * 60) pu -= 0.1; // a low afternoon each week
    for (let p = 0; p < out.length; p++) out[p]![i] = NOMINAL_V * (pu + offsets[p]! + 0.004 * (rand() - 0.5));
  }
  for (let k = 0; k < 40; k++) { // short sags and swells on one phase
    const i = Math.floor(rand() * MINUTES);
    out[k % 3]![i] = NOMINAL_V * (k % 2 === 0 ? 0.7 : 1.15);
  }
  for (const [from, minutes] of [[100_000, 95], [400_000, 3]] as const) for (const v of out) v.fill(0, from, from + minutes);
  for (const [from, minutes] of [[200_000, 30], [300_000, 1]] as const) for (const v of out) v.fill(Number.NaN, from, from + minutes);
  return out.map((values) => ({ startMs: START_MS, intervalMinutes: 1, values }));
}

interface Times {
  pqMs: number;
  outagesMs: number;
}

function runOnce(v: IntervalSeries[], sink: { n: number }): Times {
  const t0 = performance.now();
  const pq = powerQuality({ phases: v, nominalV: NOMINAL_V, timeZone: TIME_ZONE });
  const t1 = performance.now();
  const outages = detectInterruptions({ range: { startMs: START_MS, endMs: START_MS + MINUTES * MINUTE_MS }, voltages: v, nominalV: NOMINAL_V });
  const t2 = performance.now();
  sink.n += (pq.voltage?.en50160.weeks ?? 0) + (pq.events?.list.length ?? 0) + outages.interruptions.length;
  return { pqMs: t1 - t0, outagesMs: t2 - t1 };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function measure(): BenchResult {
  const v = phases();
  const sink = { n: 0 };
  for (let i = 0; i < WARMUP_RUNS; i++) runOnce(v, sink);
  const runs = Array.from({ length: RUNS }, () => runOnce(v, sink));
  const pqMs = median(runs.map((r) => r.pqMs));
  const last = powerQuality({ phases: v, nominalV: NOMINAL_V, timeZone: TIME_ZONE });
  return {
    name: NAME,
    unit: 'ms',
    value: round3(pqMs),
    outagesMs: round3(median(runs.map((r) => r.outagesMs))),
    minPqMs: round3(Math.min(...runs.map((r) => r.pqMs))),
    meetsTarget: pqMs < TARGET_MS,
    targetMs: TARGET_MS,
    values: v.length * MINUTES,
    intervalMinutes: 1,
    timeZone: TIME_ZONE,
    weeks: last.voltage?.en50160.weeks ?? null,
    events: last.events?.list.length ?? null,
    runs: RUNS,
    warmupRuns: WARMUP_RUNS,
    checksum: sink.n,
  };
}

export const pqYear: Benchmark = {
  name: NAME,
  description: `power-quality analysis of a year of 1-minute voltages on three phases (${(3 * MINUTES).toLocaleString('en-US')} values), ms (median of ${RUNS}), no database`,
  async run() {
    return [measure()];
  },
};
