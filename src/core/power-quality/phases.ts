/**
 * The phase voltages a power-quality analysis reads: one to three interval-average series (v_a, v_b,
 * v_c, V) aligned with each other, measured on the same basis as the nominal (line-to-neutral for the
 * `v_*` channels, CONTRACT.md "Channels").
 */
import { KeymeterError } from '../../errors.js';
import type { IntervalSeries } from '../series.js';
import { IEEE1159 } from './limits.js';

/** Throws KM_CORE_SHAPE unless there are 1-3 phases, all aligned (and `others`, when given, aligned with them). */
export function assertPhases(phases: readonly IntervalSeries[], ...others: (readonly IntervalSeries[] | undefined)[]): void {
  if (phases.length < 1 || phases.length > 3) throw new KeymeterError('KM_CORE_SHAPE', `expected 1 to 3 phase series, got ${phases.length}`);
  const a = phases[0]!;
  for (const group of [phases, ...others]) {
    for (const b of group ?? []) {
      if (a.startMs !== b.startMs || a.intervalMinutes !== b.intervalMinutes || a.values.length !== b.values.length) {
        throw new KeymeterError('KM_CORE_SHAPE', 'phase series are not aligned (start, interval and length must match)');
      }
    }
  }
}

/** RangeError unless the nominal is a positive voltage. */
export function assertNominal(nominalV: number): void {
  if (!(nominalV > 0) || !Number.isFinite(nominalV)) throw new RangeError(`nominal voltage must be a positive V, got ${nominalV}`);
}

/**
 * 1 for the intervals that are interruptions (IEEE 1159 Table 2: every phase with a value below 0.1 pu;
 * at least one phase present), else 0. Such intervals are the service being off, not its voltage
 * quality, and are flagged out of the C84.1 and EN 50160 statistics (IEC 61000-4-30 clause 4.7).
 */
export function interruptionMask(phases: readonly IntervalSeries[], nominalV: number): Uint8Array {
  const n = phases[0]!.values.length;
  const deadV = IEEE1159.interruptionPu * nominalV;
  const out = new Uint8Array(n);
  const a = phases[0]!.values;
  const b = phases[1]?.values;
  const c = phases[2]?.values;
  for (let i = 0; i < n; i++) {
    const va = a[i]!;
    const vb = b === undefined ? NaN : b[i]!;
    const vc = c === undefined ? NaN : c[i]!;
    // A NaN phase neither proves nor disproves the outage; `!(v >= deadV)` is true for NaN.
    const anyPresent = va === va || vb === vb || vc === vc;
    out[i] = anyPresent && !(va >= deadV) && !(vb >= deadV) && !(vc >= deadV) ? 1 : 0;
  }
  return out;
}
