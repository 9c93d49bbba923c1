/**
 * Voltage unbalance of a three-phase service by the NEMA MG 1 / ANSI C84.1 Annex D definition:
 * unbalance % = 100 x (largest deviation of a phase from the average of the three) / (the average).
 * The IEC definition (negative- over positive-sequence component, EN 50160 §4.2.5: 2 %) needs phase
 * angles, which interval averages of magnitudes do not carry. C84.1 writes the formula for line-to-line
 * voltages; applied to the line-to-neutral `v_*` channels it gives the phase voltage unbalance rate
 * (IEEE 112), which reads somewhat differently when the neutral shifts. Checked against C84.1 Annex D's
 * 3 % (ANSI_UNBALANCE_LIMIT_PCT).
 */
import { MINUTE_MS, type IntervalSeries } from '../series.js';
import { isoUtc } from '../time-zone.js';
import { ANSI_UNBALANCE_LIMIT_PCT } from './limits.js';
import { nearestRank, presentSorted } from './percentile.js';
import { tenMinuteMeans } from './ten-minute.js';

export interface VoltageUnbalance {
  definition: 'NEMA MG 1 / ANSI C84.1 Annex D: max deviation from the average / average';
  limitPct: number;
  /** Largest interval unbalance, %, 2 decimals. */
  maxPct: number;
  /** Start of that interval, RFC 3339 UTC. */
  maxAt: string;
  /**
   * Nearest-rank 95th percentile and mean of the 10-minute means of the interval unbalance (the data's
   * own intervals when coarser), 2 decimals; null when no 10-minute mean could be formed.
   */
  p95Pct: number | null;
  meanPct: number | null;
  /** Share of those values above the limit, 4 decimals; null with p95Pct. */
  aboveLimitShare: number | null;
  /** Intervals with all three phases present and no interruption. */
  intervals: number;
}

/** The percentile reported, as EN 50160 §4.2.5 states its unbalance limit for 95 % of a week's 10-minute values. */
const UNBALANCE_PERCENTILE = 0.95;
const round2 = (x: number): number => Math.round(x * 100) / 100;
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Null unless there are three phases with at least one interval where all three are present (and not an interruption). */
export function voltageUnbalance(phases: readonly IntervalSeries[], mask: Uint8Array): VoltageUnbalance | null {
  if (phases.length !== 3) return null;
  const [sa, sb, sc] = phases as [IntervalSeries, IntervalSeries, IntervalSeries];
  const a = sa.values;
  const b = sb.values;
  const c = sc.values;
  const n = a.length;
  const pct = new Float64Array(n);
  let count = 0;
  let max = -Infinity;
  let maxAt = -1;
  for (let i = 0; i < n; i++) {
    const va = a[i]!;
    const vb = b[i]!;
    const vc = c[i]!;
    const avg = (va + vb + vc) / 3;
    if (mask[i] !== 0 || !(avg > 0)) { // NaN in any phase makes avg NaN
      pct[i] = NaN;
      continue;
    }
    const dev = Math.max(Math.abs(va - avg), Math.abs(vb - avg), Math.abs(vc - avg));
    const u = (100 * dev) / avg;
    pct[i] = u;
    count++;
    if (u > max) {
      max = u;
      maxAt = i;
    }
  }
  if (count === 0) return null;
  const tens = presentSorted(tenMinuteMeans({ startMs: sa.startMs, intervalMinutes: sa.intervalMinutes, values: pct }).values);
  let sum = 0;
  let above = 0;
  for (let i = 0; i < tens.length; i++) {
    sum += tens[i]!;
    if (tens[i]! > ANSI_UNBALANCE_LIMIT_PCT) above++;
  }
  return {
    definition: 'NEMA MG 1 / ANSI C84.1 Annex D: max deviation from the average / average',
    limitPct: ANSI_UNBALANCE_LIMIT_PCT,
    maxPct: round2(max),
    maxAt: isoUtc(sa.startMs + maxAt * sa.intervalMinutes * MINUTE_MS),
    p95Pct: tens.length > 0 ? round2(nearestRank(tens, UNBALANCE_PERCENTILE)) : null,
    meanPct: tens.length > 0 ? round2(sum / tens.length) : null,
    aboveLimitShare: tens.length > 0 ? round4(above / tens.length) : null,
    intervals: count,
  };
}
