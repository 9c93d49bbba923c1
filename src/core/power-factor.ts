/**
 * Power factor (Section 4 item 3, CONTRACT.md `factors.monthly[]` / `factors.annual[]` `powerFactor`):
 * PF = kWh / sqrt(kWh^2 + kvarh^2) over a period (DESIGN.md "Domain facts"), the displacement power
 * factor from interval energies, with lagging / leading from the sign of the net kvarh.
 *
 * Sign convention: kvarh delivered (kvarh_del) is lagging, i.e. inductive load drawing reactive power;
 * with a kvarh_rec series the net reactive energy is del - rec, and net >= 0 is lagging, < 0 leading.
 * Only intervals where every input (kWh, kvarh_del and kvarh_rec when given) is present count; NaN in
 * any of them drops the interval from every figure. The period PF is from the period's summed kWh and
 * net kvarh (an energy-weighted average, as a bill's PF is), not the mean of interval PFs.
 */
import type { LocalCalendar } from './calendar.js';
import { assertCalendarFits, peakIndexes, share, type PeakIndexes } from './consumption.js';
import { assertAligned, type IntervalSeries } from './series.js';

/**
 * Default PF threshold for the share of intervals below it: 0.90, the level below which many utility
 * tariffs add a power-factor charge or kW adjustment (DESIGN.md Section 4 item 3: "intervals below a
 * PF threshold (e.g. 0.90)").
 */
export const DEFAULT_PF_THRESHOLD = 0.9;

export type PfDirection = 'lagging' | 'leading';

export interface PowerFactorPeriod {
  /** kWh / sqrt(kWh^2 + kvarh^2) of the period's sums; null without data or when both sums are 0. */
  powerFactor: number | null;
  /** From the sign of the period's net kvarh; null without data. */
  direction: PfDirection | null;
  /** Interval PF at the period's kW peak (from kWh); null when the peak interval lacks kvarh or has no load. */
  atPeak: number | null;
  /** Share of rated intervals whose PF is below the threshold, 4 decimals; null when none is rated. */
  belowThresholdShare: number | null;
  /** Intervals with every input present. */
  intervals: number;
  /** Of those, intervals with a defined PF (kWh and kvarh not both 0), the denominator of the share. */
  ratedIntervals: number;
}

export interface PowerFactors {
  thresholdPf: number;
  monthly: (PowerFactorPeriod & { month: string })[];
  annual: (PowerFactorPeriod & { year: number })[];
}

export interface PowerFactorOptions {
  /** kvarh received (leading); net = kvarh_del - kvarh_rec. Must be aligned with kWh. */
  kvarhRec?: IntervalSeries;
  /** Threshold for `belowThresholdShare`, a fraction in (0, 1]. Default DEFAULT_PF_THRESHOLD. */
  thresholdPf?: number;
  /** Peaks already computed by electricConsumption; computed here when left out. */
  peaks?: PeakIndexes;
}

/**
 * Power factor per local month and year of aligned kWh and kvarh interval-energy series (same start,
 * interval and length; KM_CORE_SHAPE otherwise). One pass over the intervals; allocates per month.
 */
export function powerFactors(kwh: IntervalSeries, kvarhDel: IntervalSeries, cal: LocalCalendar, options: PowerFactorOptions = {}): PowerFactors {
  assertCalendarFits(cal, kwh);
  assertAligned(kwh, kvarhDel);
  const rec = options.kvarhRec?.values;
  if (options.kvarhRec) assertAligned(kwh, options.kvarhRec);
  const thresholdPf = options.thresholdPf ?? DEFAULT_PF_THRESHOLD;
  if (!(thresholdPf > 0 && thresholdPf <= 1)) throw new RangeError(`thresholdPf must be in (0, 1], got ${thresholdPf}`);
  const peaks = options.peaks ?? peakIndexes(kwh, cal);
  const e = kwh.values;
  const del = kvarhDel.values;
  const { monthIndex, months, years } = cal;

  const nm = months.length;
  const sumKwh = new Float64Array(nm);
  const sumKvarh = new Float64Array(nm);
  const count = new Int32Array(nm);
  const rated = new Int32Array(nm);
  const below = new Int32Array(nm);
  for (let i = 0; i < e.length; i++) {
    const p = e[i]!;
    const q = rec === undefined ? del[i]! : del[i]! - rec[i]!;
    if (p !== p || q !== q) continue; // NaN in any input
    const m = monthIndex[i]!;
    sumKwh[m] = sumKwh[m]! + p;
    sumKvarh[m] = sumKvarh[m]! + q;
    count[m] = count[m]! + 1;
    const pf = intervalPf(p, q);
    if (pf === pf) {
      rated[m] = rated[m]! + 1;
      if (pf < thresholdPf) below[m] = below[m]! + 1;
    }
  }

  const netKvarhAt = (i: number): number => (rec === undefined ? del[i]! : del[i]! - rec[i]!);
  const atPeak = (i: number): number | null => {
    if (i < 0) return null;
    const pf = intervalPf(e[i]!, netKvarhAt(i));
    return pf === pf ? pf : null;
  };
  const period = (p: number, q: number, n: number, r: number, b: number, peak: number): PowerFactorPeriod => {
    const pf = n > 0 ? intervalPf(p, q) : NaN;
    return {
      powerFactor: pf === pf ? pf : null,
      direction: n > 0 ? (q >= 0 ? 'lagging' : 'leading') : null,
      atPeak: atPeak(peak),
      belowThresholdShare: r > 0 ? share(b, r) : null,
      intervals: n,
      ratedIntervals: r,
    };
  };

  const y0 = years[0]?.year ?? 0;
  const ny = years.length;
  const yKwh = new Float64Array(ny);
  const yKvarh = new Float64Array(ny);
  const yCount = new Int32Array(ny);
  const yRated = new Int32Array(ny);
  const yBelow = new Int32Array(ny);
  const monthly = months.map((mo, m) => {
    const y = mo.year - y0;
    yKwh[y] = yKwh[y]! + sumKwh[m]!;
    yKvarh[y] = yKvarh[y]! + sumKvarh[m]!;
    yCount[y] = yCount[y]! + count[m]!;
    yRated[y] = yRated[y]! + rated[m]!;
    yBelow[y] = yBelow[y]! + below[m]!;
    return { month: mo.month, ...period(sumKwh[m]!, sumKvarh[m]!, count[m]!, rated[m]!, below[m]!, peaks.monthly[m]!) };
  });
  const annual = years.map((yr, y) => ({
    year: yr.year,
    ...period(yKwh[y]!, yKvarh[y]!, yCount[y]!, yRated[y]!, yBelow[y]!, peaks.annual[y]!),
  }));
  return { thresholdPf, monthly, annual };
}

/** kWh / sqrt(kWh^2 + kvarh^2); NaN when both are 0 (no load: PF undefined) or either is NaN. */
function intervalPf(kwh: number, kvarh: number): number {
  const s = Math.sqrt(kwh * kwh + kvarh * kvarh);
  return s > 0 ? kwh / s : NaN;
}
