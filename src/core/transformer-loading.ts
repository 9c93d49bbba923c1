/**
 * Transformer loading (Section 4 item 6, CONTRACT.md "The Section 4 document" `transformers[]`): the
 * load of a transformer as a percentage of its kVA rating, interval by interval, from the energy of
 * the meters it serves ("a transformer's load is the kVA of its meters, from kWh and kvarh when both
 * exist", CONTRACT "Account bundle").
 */
import { isoUtc } from './time-zone.js';
import { assertAligned, demandKw, intervalStartMs, type IntervalSeries } from './series.js';

export interface TransformerLoading {
  /** Highest interval load, % of the kVA rating, 2 decimals; null when no interval has data. */
  peakLoadPct: number | null;
  /** Start of the peak interval (the first one on a tie), ISO 8601 UTC with `Z`; null with peakLoadPct. */
  peakAt: string | null;
  /** Hours in intervals loaded above 100% of the rating (count x interval length); missing intervals count as not overloaded. */
  hoursOverloaded: number;
  /** Mean interval load over the intervals with data, % of the rating, 2 decimals; null when none. */
  averageLoadPct: number | null;
  /** Share of the series' intervals with data, 0..1 (0 for an empty series). */
  completeness: number;
}

/** Load percentages are reported to 0.01% (the nameplate kVA itself is rarely known better). */
const PCT_DECIMALS = 100;
const round2 = (x: number): number => Math.round(x * PCT_DECIMALS) / PCT_DECIMALS;

/**
 * Loading of one transformer over aligned interval series.
 *
 * Per interval: kW = kWh x 60 / interval minutes (DESIGN.md "Domain facts"), kvar likewise from kvarh,
 * and apparent power kVA = sqrt(kW^2 + kvar^2); without a kvarh series, kVA = kW (unity power factor,
 * which understates the load when the power factor is low). Load % = kVA / rated kVA x 100.
 *
 * NaN (missing) in kWh, or in kvarh when it is given, makes the interval missing: it is skipped for the
 * peak, average and hours, and lowers `completeness`.
 *
 * @param kwh   energy delivered per interval, kWh (for several meters, their `sumAligned`)
 * @param kvarh reactive energy per interval, kvarh, aligned with `kwh`; undefined when not metered
 * @param kva   the nameplate rating, kVA, > 0
 */
export function transformerLoading(kwh: IntervalSeries, kvarh: IntervalSeries | undefined, kva: number): TransformerLoading {
  if (!(kva > 0) || !Number.isFinite(kva)) throw new RangeError(`transformer rating must be a positive kVA, got ${kva}`);
  if (kvarh !== undefined) assertAligned(kwh, kvarh);
  const minutes = kwh.intervalMinutes;
  const p = kwh.values;
  const q = kvarh?.values;

  let present = 0;
  let sumPct = 0;
  let peakPct = -Infinity;
  let peakIndex = -1;
  let overloaded = 0;
  for (let i = 0; i < p.length; i++) {
    const kw = demandKw(p[i]!, minutes);
    const kvar = q === undefined ? 0 : demandKw(q[i]!, minutes);
    const pct = (Math.hypot(kw, kvar) / kva) * 100;
    if (Number.isNaN(pct)) continue;
    present += 1;
    sumPct += pct;
    if (pct > peakPct) {
      peakPct = pct;
      peakIndex = i;
    }
    if (pct > 100) overloaded += 1;
  }

  return {
    peakLoadPct: peakIndex < 0 ? null : round2(peakPct),
    peakAt: peakIndex < 0 ? null : isoUtc(intervalStartMs(kwh, peakIndex)),
    hoursOverloaded: (overloaded * minutes) / 60,
    averageLoadPct: present === 0 ? null : round2(sumPct / present),
    completeness: p.length === 0 ? 0 : present / p.length,
  };
}

/**
 * Adds aligned series interval by interval (the meters behind one transformer). An interval missing
 * (NaN) in any series is NaN in the sum: a partial sum would understate the load, and an understated
 * peak is the worse error for a transformer. Throws KM_CORE_SHAPE (from `assertAligned`) when the
 * series differ in start, interval or length, and RangeError when there are none.
 *
 * @returns a new series with the first series' start and interval
 */
export function sumAligned(series: readonly IntervalSeries[]): IntervalSeries {
  const first = series[0];
  if (first === undefined) throw new RangeError('sumAligned needs at least one series');
  for (const s of series) assertAligned(first, s);
  const out = new Float64Array(first.values);
  for (let k = 1; k < series.length; k++) {
    const v = series[k]!.values;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + v[i]!; // NaN + x is NaN: missing propagates
  }
  return { startMs: first.startMs, intervalMinutes: first.intervalMinutes, values: out };
}
