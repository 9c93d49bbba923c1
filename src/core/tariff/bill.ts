/**
 * The bill of each billing period under one URDB rate, from an aligned kWh interval series: energy,
 * demand (flat, TOU, coincident), fixed charge, minimum-charge adjustment and total, with the kWh per
 * energy period, the billing kW per demand period and how complete the period's data is.
 *
 * Money is rounded to cents per line (energy period, demand period, fixed, minimum) and the totals are
 * sums of those cents, so a bill adds up exactly. A period with missing intervals is billed on the
 * present data (missing is never zero) and has `complete: false`.
 */
import { billingFrame, type BillingFrame, type BillingFrameOptions } from './billing-frame.js';
import { demandBasis, demandCharges, type DemandLine, type FlatDemandLine } from './demand.js';
import { energyCharges, type EnergyLine } from './energy.js';
import { toCents, toUsd } from './tiers.js';
import type { UrdbTariff } from './urdb-rate.js';
import type { IntervalSeries } from '../series.js';

/** $/year fixed charges are billed in twelfths: one per billing period (periods are months). */
const MONTHS_PER_YEAR = 12;

export interface PeriodBill {
  /** 'YYYY-MM' of `start`. */
  month: string;
  /** Local dates, both included. */
  start: string;
  end: string;
  days: number;
  expectedIntervals: number;
  presentIntervals: number;
  /** present / expected, 4 decimals. */
  completeness: number;
  /** Every expected interval is present. */
  complete: boolean;
  /** kWh of the present intervals, or null when none is present. */
  kwh: number | null;
  /** Highest demand-basis kW in the period, or null. */
  peakKw: number | null;
  energyUsd: number;
  demandUsd: number;
  demandFlatUsd: number;
  demandTouUsd: number;
  demandCoincidentUsd: number;
  fixedUsd: number;
  /** What the minimum charge adds so that the total reaches it (0 when the bill is above it). */
  minChargeAdjustmentUsd: number;
  totalUsd: number;
  /** kWh and charge per energy period present in the billing period. */
  energyPeriods: EnergyLine[];
  fuelAdjustmentUsd: number;
  /** Billing kW and charge per TOU demand period present in the billing period. */
  touDemandPeriods: DemandLine[];
  flatDemand: FlatDemandLine | null;
  coincidentDemandPeriods: DemandLine[];
}

export interface TariffBills {
  /** The rate's demand window (OpenEI URDB `demandwindow`, default 15). */
  demandWindowMinutes: number;
  /** Minutes each demand value stands for: the window, or the series interval when that is coarser. */
  demandBasisMinutes: number;
  periods: PeriodBill[];
}

/** Bills every period of a prepared frame under one tariff (one pass for energy, one or two for demand). */
export function computeBills(frame: BillingFrame, tariff: UrdbTariff): TariffBills {
  const { kw, basisMinutes, peaks } = demandBasis(frame, tariff.demandWindowMinutes);
  const energy = energyCharges(frame, tariff, peaks);
  const demand = demandCharges(frame, tariff, kw, peaks);
  const periods = frame.periods.map((bp, p): PeriodBill => {
    const e = energy[p]!;
    const d = demand[p]!;
    const energyCents = toCents(e.usd);
    const demandCents = toCents(d.flatUsd) + toCents(d.touUsd) + toCents(d.coincidentUsd);
    const fixedCents = toCents(fixedUsd(tariff, bp.days));
    const beforeMin = energyCents + demandCents + fixedCents;
    // OpenEI URDB `mincharge` / `minchargeunits` ($/month, $/day): compared with the whole bill, fixed charge included.
    const minCents = tariff.minCharge ? toCents(tariff.minCharge.unit === '$/day' ? tariff.minCharge.usd * bp.days : tariff.minCharge.usd) : 0;
    const minAdjCents = Math.max(0, minCents - beforeMin);
    return {
      month: bp.month,
      start: bp.start,
      end: bp.end,
      days: bp.days,
      expectedIntervals: bp.expected,
      presentIntervals: bp.present,
      completeness: bp.completeness,
      complete: bp.present === bp.expected,
      kwh: bp.kwh,
      peakKw: peaks[p]! === -Infinity ? null : peaks[p]!,
      energyUsd: toUsd(energyCents),
      demandUsd: toUsd(demandCents),
      demandFlatUsd: d.flatUsd,
      demandTouUsd: d.touUsd,
      demandCoincidentUsd: d.coincidentUsd,
      fixedUsd: toUsd(fixedCents),
      minChargeAdjustmentUsd: toUsd(minAdjCents),
      totalUsd: toUsd(beforeMin + minAdjCents),
      energyPeriods: e.lines,
      fuelAdjustmentUsd: e.fuelAdjustmentUsd,
      touDemandPeriods: d.tou,
      flatDemand: d.flat,
      coincidentDemandPeriods: d.coincident,
    };
  });
  return { demandWindowMinutes: tariff.demandWindowMinutes, demandBasisMinutes: basisMinutes, periods };
}

/** Fixed charge of a period of `days` days (OpenEI URDB `fixedchargeunits`: $/month, $/day, $/year). */
function fixedUsd(tariff: UrdbTariff, days: number): number {
  const f = tariff.fixedCharge;
  if (!f) return 0;
  if (f.unit === '$/day') return f.usd * days;
  if (f.unit === '$/year') return f.usd / MONTHS_PER_YEAR;
  return f.usd;
}

/** Convenience: frame and bills in one call. For several tariffs, build the frame once (billingFrame). */
export function billSeries(kwh: IntervalSeries, timeZone: string, tariff: UrdbTariff, options?: BillingFrameOptions): TariffBills {
  return computeBills(billingFrame(kwh, timeZone, options), tariff);
}
