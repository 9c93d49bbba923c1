/**
 * Voltage harmonic distortion against IEEE 519-2014 (CONTRACT.md `powerQuality.harmonics {maxThdPct,
 * limitPct, compliant}`), from the `thd_v_*` channels (interval averages, %).
 *
 * Per interval the worst phase's THD is taken; those values are averaged into 10-minute values
 * (ten-minute.ts; coarser data is used as it is). IEEE 519-2014 §5.1 b): the weekly 95th percentile of
 * the 10-minute values should be below the Table 1 limit for the bus voltage, so a period complies
 * when every local week with data does (weeks as in local-weeks.ts). The 95th percentile is nearest-rank.
 * §5.1 a) (the daily 99th percentile of 3-second values, 1.5 x the limit) needs 3-second data and is not
 * assessed. Taking the worst phase before the percentile is conservative: it is never below any one
 * phase's percentile.
 */
import { KeymeterError } from '../../errors.js';
import { MINUTE_MS, type IntervalSeries } from '../series.js';
import { isoUtc } from '../time-zone.js';
import { IEEE519_PERCENTILE, IEEE519_VOLTAGE_LIMITS, thdLimitPct } from './limits.js';
import { localWeeks } from './local-weeks.js';
import { nearestRank, presentSorted } from './percentile.js';
import { tenMinuteMeans } from './ten-minute.js';

export interface HarmonicsWeek {
  weekStart: string;
  values: number;
  p95ThdPct: number;
  compliant: boolean;
}

export interface Harmonics {
  /** The bus voltage (line to line) the limit is taken for, V. */
  serviceVoltageV: number;
  /** IEEE 519-2014 Table 1 THD limit, %. */
  limitPct: number;
  /** IEEE 519-2014 Table 1 individual harmonic limit, % (not assessed: the channels carry THD only). */
  individualLimitPct: number;
  /** Highest interval THD of any phase, %, 2 decimals. */
  maxThdPct: number;
  /** Start of that interval, RFC 3339 UTC. */
  maxAt: string;
  /** Nearest-rank 95th percentile of the period's 10-minute values, %, 2 decimals; null when no 10-minute value could be formed. */
  p95ThdPct: number | null;
  /** Minutes behind each value of the percentile: 10, or the data's interval when coarser. */
  basisMinutes: number;
  /** Every week's 95th percentile at or below the limit; null with p95ThdPct. */
  compliant: boolean | null;
  weekly: HarmonicsWeek[];
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Null when no interval has a THD value. `thd`: 1-3 per-phase series aligned with each other; throws
 * KM_CORE_SHAPE otherwise and RangeError for a service voltage that is not a positive V.
 */
export function harmonics(thd: readonly IntervalSeries[], serviceVoltageV: number, timeZone: string): Harmonics | null {
  const limitPct = thdLimitPct(serviceVoltageV);
  const first = thd[0];
  if (first === undefined) return null;
  for (const s of thd) {
    if (s.startMs !== first.startMs || s.intervalMinutes !== first.intervalMinutes || s.values.length !== first.values.length) {
      throw new KeymeterError('KM_CORE_SHAPE', 'THD series are not aligned (start, interval and length must match)');
    }
  }
  const n = first.values.length;
  const worst = new Float64Array(n);
  let max = -Infinity;
  let maxAt = -1;
  for (let i = 0; i < n; i++) {
    let w = NaN;
    for (let p = 0; p < thd.length; p++) {
      const v = thd[p]!.values[i]!;
      if (v === v && !(v <= w)) w = v; // `!(v <= NaN)` takes the first value present
    }
    worst[i] = w;
    if (w > max) {
      max = w;
      maxAt = i;
    }
  }
  if (maxAt < 0) return null;
  const tens = tenMinuteMeans({ startMs: first.startMs, intervalMinutes: first.intervalMinutes, values: worst });
  const { weekOf, weeks } = localWeeks(tens, timeZone);
  const weekly: HarmonicsWeek[] = [];
  for (let i = 0; i < tens.values.length;) {
    const w = weekOf[i]!;
    let j = i;
    while (j < tens.values.length && weekOf[j] === w) j++;
    const sorted = presentSorted(tens.values.subarray(i, j));
    if (sorted.length > 0) {
      const p95 = nearestRank(sorted, IEEE519_PERCENTILE);
      weekly.push({ weekStart: weeks[w]!.start, values: sorted.length, p95ThdPct: round2(p95), compliant: p95 <= limitPct });
    }
    i = j;
  }
  const all = presentSorted(tens.values);
  return {
    serviceVoltageV,
    limitPct,
    individualLimitPct: IEEE519_VOLTAGE_LIMITS.find(([maxV]) => serviceVoltageV <= maxV)![1],
    maxThdPct: round2(max),
    maxAt: isoUtc(first.startMs + maxAt * first.intervalMinutes * MINUTE_MS),
    p95ThdPct: all.length > 0 ? round2(nearestRank(all, IEEE519_PERCENTILE)) : null,
    basisMinutes: tens.intervalMinutes,
    compliant: weekly.length > 0 ? weekly.every((w) => w.compliant) : null,
    weekly,
  };
}
