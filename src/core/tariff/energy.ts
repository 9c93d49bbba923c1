/**
 * Energy charges of a URDB rate per billing period.
 *
 * Each present interval's kWh goes to the energy period that its local month (the schedule row) and
 * local hour (the column) select in the weekday or weekend schedule (OpenEI URDB
 * `energyweekdayschedule` / `energyweekendschedule`, 12 x 24 of 0-based periods); holidays use the
 * weekend schedule (billing-frame.ts). Missing intervals add nothing: the period is billed on what is
 * present and flagged incomplete by its completeness.
 *
 * Tiers (OpenEI URDB `energyratestructure`: periods x tiers, `max` the cumulative upper limit in
 * `unit`) are cumulative within one energy period over the billing period: the first `max` kWh of that
 * period's usage are billed at tier 1, and so on. The limit's unit sets its scale:
 * - "kWh": per billing period;
 * - "kWh daily": per day, so x days in the billing period;
 * - "kWh/kW": per kW of billing demand, so x the period's peak demand-basis kW (demand.ts; no ratchet).
 * (NREL SAM reads URDB units the same way: kWh/kW limits x the month's peak kW, kWh daily x the days.)
 * `fueladjustmentsmonthly` ($/kWh per month of year, OpenEI URDB) is added per interval by its month.
 */
import type { BillingFrame } from './billing-frame.js';
import { tieredCost, toCents, toUsd } from './tiers.js';
import type { UrdbTariff } from './urdb-rate.js';

const HOURS = 24;

export interface EnergyLine {
  /** 0-based period of energyratestructure. */
  period: number;
  kwh: number;
  usd: number;
}

export interface PeriodEnergy {
  lines: EnergyLine[];
  fuelAdjustmentUsd: number;
  /** Sum of the lines and the fuel adjustment, each rounded to cents first. */
  usd: number;
}

/**
 * Energy charges of every billing period of the frame. `peaks` (periodPeaks of the demand basis,
 * -Infinity where no interval is present) is the billing kW of "kWh/kW" tiers.
 */
export function energyCharges(frame: BillingFrame, tariff: UrdbTariff, peaks: Float64Array): PeriodEnergy[] {
  const { energy, fuelAdjustments: fuel } = tariff;
  const nPeriods = energy?.periods.length ?? 0;
  const nBills = frame.periods.length;
  const kwh = new Float64Array(nBills * nPeriods);
  const seen = new Uint8Array(nBills * nPeriods);
  const fuelUsd = new Float64Array(nBills);
  const { values } = frame.kwh;
  const { periodIndex, scheduleCell, weekend } = frame;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const p = periodIndex[i]!;
    if (v !== v || p < 0) continue; // NaN: missing
    const cell = scheduleCell[i]!;
    if (energy) {
      const k = p * nPeriods + (weekend[i] === 1 ? energy.weekend[cell]! : energy.weekday[cell]!);
      kwh[k] = kwh[k]! + v;
      seen[k] = 1;
    }
    if (fuel) fuelUsd[p] = fuelUsd[p]! + v * fuel[Math.floor(cell / HOURS)]!;
  }
  return frame.periods.map((bp, p): PeriodEnergy => {
    const lines: EnergyLine[] = [];
    let cents = 0;
    for (let e = 0; e < nPeriods; e++) {
      const k = p * nPeriods + e;
      if (seen[k] === 0) continue;
      const table = energy!.periods[e]!;
      const scale = table.unit === 'kWh daily' ? bp.days : table.unit === 'kWh/kW' ? Math.max(0, peaks[p]!) : 1;
      const c = toCents(tieredCost(kwh[k]!, table, scale));
      cents += c;
      lines.push({ period: e, kwh: kwh[k]!, usd: toUsd(c) });
    }
    const fuelCents = toCents(fuelUsd[p]!);
    return { lines, fuelAdjustmentUsd: toUsd(fuelCents), usd: toUsd(cents + fuelCents) };
  });
}
