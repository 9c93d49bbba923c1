/**
 * VEE rule `register_sum`: interval energy against the meter's cumulative register. Between two register
 * reads the register advances by the energy of the intervals in between, so their sum must equal the
 * difference of the reads. Keymeter's data model has no register channel yet (CONTRACT.md "Channels"),
 * so the VEE runner (src/vee/run.ts) does not call this rule; it runs as soon as a channel of cumulative
 * register values exists, with that channel's reads as `register`.
 *
 * A span fails when |sum - delta| > max(REGISTER_REL_TOLERANCE x |delta|, resolution), `resolution` being
 * the register's last digit (default 1 kWh: whole-kWh registers are the common case). The flag goes on
 * the last interval of the span.
 */
import { KeymeterError } from '../../errors.js';
import { intervalMs, type IntervalSeries } from '../series.js';
import { isoUtc } from '../time-zone.js';
import { detailNumber, type VeeFlag } from './flags.js';

/** 1 %: the accuracy class of revenue meters (ANSI C12.20 class 0.5 with margin). */
export const REGISTER_REL_TOLERANCE = 0.01;
export const DEFAULT_REGISTER_RESOLUTION_KWH = 1;

/** Cumulative register reads: `valueKwh[j]` read at `tsMs[j]` (epoch ms), ascending. */
export interface RegisterReads {
  readonly tsMs: Float64Array;
  readonly valueKwh: Float64Array;
}

/**
 * Flags each span between consecutive register reads whose interval sum disagrees with the register.
 * A span is judged only when both reads are on the interval grid, inside the series, and every interval
 * in between is present. Detail: `from`, `to` (the reads' instants), `intervalSumKwh`, `registerDeltaKwh`.
 */
export function registerSumFlags(intervalKwh: IntervalSeries, register: RegisterReads, resolutionKwh = DEFAULT_REGISTER_RESOLUTION_KWH): VeeFlag[] {
  const { tsMs, valueKwh } = register;
  if (tsMs.length !== valueKwh.length) throw new KeymeterError('KM_CORE_SHAPE', 'register reads: times and values differ in length');
  const stepMs = intervalMs(intervalKwh);
  const { values, startMs } = intervalKwh;
  const flags: VeeFlag[] = [];
  for (let j = 1; j < tsMs.length; j++) {
    const a = (tsMs[j - 1]! - startMs) / stepMs;
    const b = (tsMs[j]! - startMs) / stepMs;
    if (!(b > a)) throw new KeymeterError('KM_CORE_SHAPE', 'register reads must be in ascending time order');
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b > values.length) continue;
    let sum = 0;
    for (let i = a; i < b; i++) sum += values[i]!;
    if (sum !== sum) continue; // an interval is missing
    const delta = valueKwh[j]! - valueKwh[j - 1]!;
    if (Math.abs(sum - delta) > Math.max(REGISTER_REL_TOLERANCE * Math.abs(delta), resolutionKwh)) {
      flags.push({
        index: b - 1, rule: 'register_sum',
        detail: { from: isoUtc(tsMs[j - 1]!), to: isoUtc(tsMs[j]!), intervalSumKwh: detailNumber(sum), registerDeltaKwh: detailNumber(delta) },
      });
    }
  }
  return flags;
}
