/**
 * VEE rule `kwh_kw`: a meter that records both interval energy (kwh_del) and average demand (kw) must
 * agree with itself: kWh x 60 / interval minutes is the interval's average kW (DESIGN.md "Domain facts").
 * The kW channel may be finer than the kWh one when its interval divides the kWh interval (5-minute kW,
 * 15-minute kWh); its intervals are then averaged over each kWh interval. The flag goes on the kWh
 * reading.
 *
 * A kWh interval fails when |demand - avgKw| > max(KWH_KW_REL_TOLERANCE x max(|demand|, |avgKw|),
 * KWH_KW_ABS_TOLERANCE_KW). 5 % covers the kW register's own averaging and rounding; the absolute 0.05 kW
 * covers kWh rounded to 0.01 on a 15-minute interval (0.04 kW) at near-zero load.
 */
import { KeymeterError } from '../../errors.js';
import { demandKw, type IntervalSeries } from '../series.js';
import { detailNumber, type VeeFlag } from './flags.js';

export const KWH_KW_REL_TOLERANCE = 0.05;
export const KWH_KW_ABS_TOLERANCE_KW = 0.05;

/**
 * Flags the kWh intervals whose demand disagrees with the kW channel. Both series start at the same
 * instant; `kw.intervalMinutes` must divide `kwh.intervalMinutes`. A kWh interval with any of its kW
 * intervals missing (or missing itself) is not judged. Detail: `demandKw` (from kWh), `averageKw`.
 */
export function kwhKwFlags(kwh: IntervalSeries, kw: IntervalSeries): VeeFlag[] {
  const k = kwh.intervalMinutes / kw.intervalMinutes;
  if (!Number.isInteger(k) || k < 1) throw new KeymeterError('KM_CORE_SHAPE', `a ${kw.intervalMinutes}-minute kW channel cannot be compared with ${kwh.intervalMinutes}-minute kWh`);
  if (kwh.startMs !== kw.startMs) throw new KeymeterError('KM_CORE_SHAPE', 'the kWh and kW series must start at the same instant');
  const e = kwh.values;
  const p = kw.values;
  const n = Math.min(e.length, Math.floor(p.length / k));
  const flags: VeeFlag[] = [];
  for (let i = 0; i < n; i++) {
    const energy = e[i]!;
    if (energy !== energy) continue;
    let sum = 0;
    for (let j = i * k; j < i * k + k; j++) sum += p[j]!; // NaN anywhere: not judged
    if (sum !== sum) continue;
    const avg = sum / k;
    const demand = demandKw(energy, kwh.intervalMinutes);
    const tol = Math.max(KWH_KW_REL_TOLERANCE * Math.max(Math.abs(demand), Math.abs(avg)), KWH_KW_ABS_TOLERANCE_KW);
    if (Math.abs(demand - avg) > tol) flags.push({ index: i, rule: 'kwh_kw', detail: { demandKw: detailNumber(demand), averageKw: detailNumber(avg) } });
  }
  return flags;
}
