/**
 * Tiered charges and money in cents, shared by the energy and demand charges.
 *
 * OpenEI URDB: each tier's `max` is the cumulative upper limit of that tier (the first tier covers
 * 0..max[0], the second max[0]..max[1], ...) and its price is `rate` + `adj`. The last tier is open:
 * quantity above the last limit is billed at the last tier's price (URDB items often give the last
 * tier a placeholder max such as 1e14, or none).
 */

/** One period of a rate structure, compiled. */
export interface TierTable {
  /** Cumulative upper limit of each tier in the structure's unit; the last is Infinity. Increasing. */
  readonly limits: Float64Array;
  /** `rate` + `adj` of each tier, $ per unit (OpenEI URDB: `adj` is added to `rate`). */
  readonly prices: Float64Array;
}

/**
 * Cost of `quantity` (kWh or kW) under a tier table whose limits are multiplied by `scale` (1 for
 * plain kWh or kW tiers; days for "kWh daily"; billing kW for "kWh/kW"). A negative quantity (a net
 * credit) is priced at the first tier. NaN is the caller's to exclude.
 */
export function tieredCost(quantity: number, table: TierTable, scale = 1): number {
  const { limits, prices } = table;
  if (quantity <= 0) return quantity * prices[0]!;
  const last = limits.length - 1;
  let cost = 0;
  let lower = 0;
  for (let k = 0; k <= last && quantity > lower; k++) {
    const upper = k === last ? Infinity : Math.max(lower, limits[k]! * scale);
    cost += (Math.min(quantity, upper) - lower) * prices[k]!;
    lower = upper;
  }
  return cost;
}

/** True when every price of every table is zero (such a structure cannot change a bill). */
export function allFree(tables: readonly TierTable[]): boolean {
  return tables.every((t) => t.prices.every((p) => p === 0));
}

const CENTS_PER_USD = 100;
/** A relative nudge so that amounts stored just below a half cent (2.675 is 2.67499...) round half up. */
const HALF_CENT_NUDGE = 1 + 4 * Number.EPSILON;

/** USD to integer cents, rounding half away from zero. */
export function toCents(usd: number): number {
  return Math.round(usd * CENTS_PER_USD * HALF_CENT_NUDGE);
}

/** Integer cents to USD. */
export function toUsd(cents: number): number {
  return cents / CENTS_PER_USD;
}
