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
 * `unit`) apply to the billing period's total kWh over ALL its energy periods, and each period takes its
 * share of every tier in proportion to its kWh: with T the period's total and E_p the kWh of energy
 * period p, p is billed E_p / T x (tiered cost of T at p's prices). This is how NREL SAM bills URDB rates
 * (NREL/ssc ssc/cmod_utilityrate5.cpp `ur_calc`: "distribute across tier boundaries ... prorate based on
 * total net per period / total net"; shared/lib_utility_rate_equations.cpp refuses different tier limits
 * within a month: "Tiers within a month should be the same for TOU rates"), and REopt.jl bounds each
 * tier by the sum of a month's purchases over all time steps (src/constraints/electric_utility_constraints.jl
 * `add_energy_tier_constraints`, `energy_tier_limits[month, tier]`). urdb-rate.ts refuses a rate whose
 * tiered periods in one month have different limits. A period with one tier is billed E_p x its price.
 * Note that with declining blocks across TOU periods, more kWh in a cheap period can lower what the
 * other periods pay (each kWh's share of the lower, dearer tiers shrinks): that is the rate, not a bug.
 * The limit's unit sets its scale:
 * - "kWh": per billing period;
 * - "kWh daily": per day, so x days in the billing period;
 * - "kWh/kW": per kW of billing demand, so x the period's peak demand-basis kW (demand.ts; no ratchet).
 * (NREL SAM reads URDB units the same way: kWh/kW limits x the month's peak kW, kWh daily x the days.)
 * `fueladjustmentsmonthly` ($/kWh per month of year, OpenEI URDB) is added per interval by its month.
 */
import type { BillingFrame } from './billing-frame.js';
import { tieredCost, toCents, toUsd } from './tiers.js';
import type { EnergyPeriod, UrdbTariff } from './urdb-rate.js';

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
    let totalKwh = 0;
    for (let e = 0; e < nPeriods; e++) totalKwh += kwh[p * nPeriods + e]!;
    for (let e = 0; e < nPeriods; e++) {
      const k = p * nPeriods + e;
      if (seen[k] === 0) continue;
      const table = energy!.periods[e]!;
      const c = toCents(periodCost(kwh[k]!, totalKwh, table, bp.days, peaks[p]!));
      cents += c;
      lines.push({ period: e, kwh: kwh[k]!, usd: toUsd(c) });
    }
    const fuelCents = toCents(fuelUsd[p]!);
    return { lines, fuelAdjustmentUsd: toUsd(fuelCents), usd: toUsd(cents + fuelCents) };
  });
}

/**
 * Cost of energy period e's `kwh` within a billing period whose total over all energy periods is
 * `totalKwh`: its share kwh / total of the tiered cost of the total (SAM's proration, above). One tier,
 * or a total of zero or less (net export, priced at the first tier as tieredCost does): kwh x price.
 */
function periodCost(kwh: number, totalKwh: number, table: EnergyPeriod, days: number, peakKw: number): number {
  if (table.limits.length === 1 || !(totalKwh > 0)) return kwh * table.prices[0]!;
  const scale = table.unit === 'kWh daily' ? days : table.unit === 'kWh/kW' ? Math.max(0, peakKw) : 1;
  return (kwh / totalKwh) * tieredCost(totalKwh, table, scale);
}
