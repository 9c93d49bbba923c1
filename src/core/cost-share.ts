/**
 * Energy cost as a share of total facility costs (Section 4 item 2, CONTRACT.md "The Section 4
 * document" `energyCostShare`): per year, the billed energy cost over the facility cost the account
 * entered for that year.
 */
import { billingSummary, type BillingBill } from './billing.js';

/** A facility cost entered for the account (bundle `facilityCosts[]`). */
export interface FacilityCost {
  readonly year: number;
  /** Total facility costs of the year, USD. */
  readonly totalUsd: number;
}

export interface EnergyCostShareYear {
  year: number;
  /** Billed amounts of the bills whose period starts in this year, USD (2 decimals); null when no bills. */
  energyCostUsd: number | null;
  /** The facility cost entered for this year, USD; null when none was entered. */
  facilityCostUsd: number | null;
  /** energyCostUsd / facilityCostUsd as a fraction (0.0785, not percent), unrounded; null when either is missing or the facility cost is 0. */
  share: number | null;
}

export interface EnergyCostShare {
  /** Every year with bills or a facility cost, ascending. */
  annual: EnergyCostShareYear[];
}

/**
 * Energy cost share per year. The year of a bill is the year of its `periodStart` (CONTRACT), the same
 * rule and the same cent-exact sum as `billingSummary`'s `billedUsd`, which this reuses so the two
 * Section 4 items cannot disagree.
 */
export function energyCostShare(bills: readonly BillingBill[], facilityCosts: readonly FacilityCost[]): EnergyCostShare {
  const energyByYear = new Map(billingSummary(bills, []).annual.map((y) => [y.year, y.billedUsd]));
  const facilityByYear = new Map(facilityCosts.map((f) => [f.year, f.totalUsd]));
  const years = [...new Set([...energyByYear.keys(), ...facilityByYear.keys()])].sort((a, b) => a - b);
  return {
    annual: years.map((year) => {
      const energyCostUsd = energyByYear.get(year) ?? null;
      const facilityCostUsd = facilityByYear.get(year) ?? null;
      const share = energyCostUsd === null || facilityCostUsd === null || facilityCostUsd === 0 ? null : energyCostUsd / facilityCostUsd;
      return { year, energyCostUsd, facilityCostUsd, share };
    }),
  };
}
