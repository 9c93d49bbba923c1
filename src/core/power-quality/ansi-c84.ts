/**
 * Service voltage against ANSI C84.1 Table 1 (CONTRACT.md `powerQuality.voltage.ansiRangeA.withinShare`):
 * the share of intervals whose voltage is inside Range A (±5 %) and Range B (−8.3 % / +5.8 %).
 *
 * C84.1 ranges are for sustained voltage, so the interval averages are compared as they are (any
 * interval length). An interval counts when at least one phase has a value and it is not an interruption
 * (`interruptionMask`); it is within a range when every phase present is (limits inclusive: 114 V and
 * 126 V are inside Range A on 120 V). C84.1 gives Range A for services above 600 V as −2.5 % / +5 %;
 * the ±5 % of low-voltage services is applied to every nominal here.
 */
import { share } from '../consumption.js';
import type { IntervalSeries } from '../series.js';
import { ANSI_RANGE_A, ANSI_RANGE_B, limitV } from './limits.js';

export interface VoltageRangeShare {
  lowV: number;
  highV: number;
  /** Share of the counted intervals with every phase inside, 4 decimals; null when none counted. */
  withinShare: number | null;
  /** Share with some phase below the range. */
  belowShare: number | null;
  /** Share with some phase above the range. */
  aboveShare: number | null;
  /** Per phase (in the order given): share of that phase's counted values inside. */
  perPhase: { withinShare: number | null }[];
}

export interface AnsiC84Result {
  /** Intervals counted (a phase present, not an interruption). */
  intervals: number;
  /** Intervals left out as interruptions. */
  interruptedIntervals: number;
  rangeA: VoltageRangeShare;
  rangeB: VoltageRangeShare;
}

/** One pass over the phases; `mask` from `interruptionMask`. Phases must be aligned (assertPhases). */
export function ansiC84(phases: readonly IntervalSeries[], nominalV: number, mask: Uint8Array): AnsiC84Result {
  const aLow = limitV(ANSI_RANGE_A.lowPu, nominalV);
  const aHigh = limitV(ANSI_RANGE_A.highPu, nominalV);
  const bLow = limitV(ANSI_RANGE_B.lowPu, nominalV);
  const bHigh = limitV(ANSI_RANGE_B.highPu, nominalV);
  const values = phases.map((s) => s.values);
  const np = values.length;
  const n = values[0]!.length;
  // Counters: [within A, below A, above A, within B, below B, above B] for the interval, per phase present/within.
  const cnt = new Float64Array(6);
  const phasePresent = new Float64Array(np);
  const phaseA = new Float64Array(np);
  const phaseB = new Float64Array(np);
  let intervals = 0;
  let interrupted = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i] !== 0) {
      interrupted++;
      continue;
    }
    let present = false;
    let belowA = false;
    let aboveA = false;
    let belowB = false;
    let aboveB = false;
    for (let p = 0; p < np; p++) {
      const v = values[p]![i]!;
      if (v !== v) continue;
      present = true;
      phasePresent[p] = phasePresent[p]! + 1;
      const inA = v >= aLow && v <= aHigh;
      const inB = v >= bLow && v <= bHigh;
      if (inA) phaseA[p] = phaseA[p]! + 1;
      if (inB) phaseB[p] = phaseB[p]! + 1;
      if (v < aLow) belowA = true;
      if (v > aHigh) aboveA = true;
      if (v < bLow) belowB = true;
      if (v > bHigh) aboveB = true;
    }
    if (!present) continue;
    intervals++;
    if (!belowA && !aboveA) cnt[0] = cnt[0]! + 1;
    if (belowA) cnt[1] = cnt[1]! + 1;
    if (aboveA) cnt[2] = cnt[2]! + 1;
    if (!belowB && !aboveB) cnt[3] = cnt[3]! + 1;
    if (belowB) cnt[4] = cnt[4]! + 1;
    if (aboveB) cnt[5] = cnt[5]! + 1;
  }
  const of = (x: number): number | null => (intervals > 0 ? share(x, intervals) : null);
  const perPhase = (inside: Float64Array) => Array.from(inside, (x, p) => ({ withinShare: phasePresent[p]! > 0 ? share(x, phasePresent[p]!) : null }));
  return {
    intervals,
    interruptedIntervals: interrupted,
    rangeA: { lowV: aLow, highV: aHigh, withinShare: of(cnt[0]!), belowShare: of(cnt[1]!), aboveShare: of(cnt[2]!), perPhase: perPhase(phaseA) },
    rangeB: { lowV: bLow, highV: bHigh, withinShare: of(cnt[3]!), belowShare: of(cnt[4]!), aboveShare: of(cnt[5]!), perPhase: perPhase(phaseB) },
  };
}
