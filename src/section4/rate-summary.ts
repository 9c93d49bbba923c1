/**
 * The Section 4 `rateComparison` item (CONTRACT.md: `{current, cheapest, savingsUsd, tariffs: [{id, name,
 * totalUsd, monthly: [{month, energyUsd, demandUsd, fixedUsd, totalUsd}]}]}`) from the per-site detail of
 * rate-analysis.ts; GET /v1/accounts/{id}/rate-comparison serves the full detail.
 *
 * Tariffs are per site. The item's top level is the first site (bundle order) that names a tariff, with
 * its `siteId`; for a single-site account that is the whole account. Further sites that name tariffs are
 * in `otherSites`, each with the same fields. Sites never share a comparison: their tariffs, months and
 * bills are their own, so no account-wide total is made up.
 */
import type { SiteRateComparison } from './rate-analysis.js';

export interface RateComparisonSite {
  /** null only when no site names a tariff. */
  siteId: string | null;
  status?: 'no tariffs' | 'no electric interval data';
  current: string | null;
  cheapest: string | null;
  savingsUsd: number | null;
  incompleteMonths: string[];
  tariffs: {
    id: string;
    name: string;
    totalUsd: number;
    monthly: { month: string; energyUsd: number; demandUsd: number; fixedUsd: number; minChargeAdjustmentUsd: number; totalUsd: number; complete: boolean }[];
  }[];
  unavailable: { id: string; code: string; reason: string }[];
  billReconstruction: {
    tariffId: string;
    tolerancePct: number;
    billsCompared: number;
    withinTolerance: number;
    maxAbsDifferencePct: number | null;
    summary: string;
    bills: { billId: string; periodStart: string; periodEnd: string; billedUsd: number; computedUsd: number; differencePct: number | null; withinTolerance: boolean; complete: boolean }[];
  } | null;
}

export interface RateComparisonItem extends RateComparisonSite {
  otherSites: RateComparisonSite[];
}

function siteSummary(s: SiteRateComparison): RateComparisonSite {
  return {
    siteId: s.siteId,
    ...(s.status === undefined ? {} : { status: s.status }),
    current: s.current,
    cheapest: s.cheapest,
    savingsUsd: s.savingsUsd,
    incompleteMonths: s.incompleteMonths,
    tariffs: s.tariffs.map((t) => ({
      id: t.id,
      name: t.name,
      totalUsd: t.totalUsd,
      monthly: t.monthly.map((m) => ({
        month: m.month, energyUsd: m.energyUsd, demandUsd: m.demandUsd, fixedUsd: m.fixedUsd,
        minChargeAdjustmentUsd: m.minChargeAdjustmentUsd, totalUsd: m.totalUsd, complete: m.complete,
      })),
    })),
    unavailable: s.unavailable.map((u) => ({ id: u.id, code: u.code, reason: u.reason })),
    billReconstruction: s.billReconstruction && {
      tariffId: s.billReconstruction.tariffId,
      tolerancePct: s.billReconstruction.tolerancePct,
      billsCompared: s.billReconstruction.billsCompared,
      withinTolerance: s.billReconstruction.withinTolerance,
      maxAbsDifferencePct: s.billReconstruction.maxAbsDifferencePct,
      summary: s.billReconstruction.summary,
      bills: s.billReconstruction.bills.map((b) => ({
        billId: b.billId, periodStart: b.periodStart, periodEnd: b.periodEnd, billedUsd: b.billedUsd, computedUsd: b.computedUsd,
        differencePct: b.differencePct, withinTolerance: b.withinTolerance, complete: b.complete,
      })),
    },
  };
}

const NO_TARIFFS: RateComparisonSite = {
  siteId: null, status: 'no tariffs', current: null, cheapest: null, savingsUsd: null, incompleteMonths: [], tariffs: [], unavailable: [], billReconstruction: null,
};

/** The Section 4 item: the first site with tariffs at the top level, the others in `otherSites`. */
export function rateComparisonItem(sites: readonly SiteRateComparison[]): RateComparisonItem {
  const withTariffs = sites.filter((s) => s.status !== 'no tariffs');
  const [first, ...rest] = withTariffs;
  return { ...(first ? siteSummary(first) : NO_TARIFFS), otherSites: rest.map(siteSummary) };
}
