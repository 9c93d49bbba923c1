/**
 * Section 4 item 5 from interval data, per site (tariffs belong to sites): the site's electric meters
 * summed, billed month by month under its current tariff and each candidate (src/core/tariff), the
 * rate comparison, and the bill reconstruction: each bundle bill of the site recomputed under the current
 * tariff over the bill's own period and set against the billed amount.
 *
 * Everything here is computed inside the cached interval-data analysis (analysis.ts), so what it reads
 * besides the series (tariff URDB JSON, bill periods and amounts, holiday calendar, zone) is its
 * `SiteRateInput` and part of the cache key.
 *
 * A tariff that cannot be billed (not found, refused by the engine, a demand window the data cannot
 * build) is left out of the comparison and listed in `unavailable` with its code and reason: the other
 * tariffs are still compared.
 */
import type { IntervalSeries } from '../core/series.js';
import { billingFrame, type LocalDateRange } from '../core/tariff/billing-frame.js';
import { computeBills, type PeriodBill, type TariffBills } from '../core/tariff/bill.js';
import { rateComparison } from '../core/tariff/rate-comparison.js';
import { parseUrdbRate, type UrdbTariff } from '../core/tariff/urdb-rate.js';
import { sumAligned } from '../core/transformer-loading.js';
import { KeymeterError, toError, type ErrorIssue } from '../errors.js';
import { publicHolidays } from '../holidays/public-holidays.js';
import type { MeterSeries } from './series.js';

/** "computed within 0.4% of billed": the reconstruction tolerance the issue sets (issue 6), percent of the billed amount. */
export const RECONSTRUCTION_TOLERANCE_PCT = 0.4;

const r3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);
const PCT_DECIMALS = 1000;

/** A tariff a site names, as stored: from the account's bundle or the tariff library (`keymeter import tariff`). */
export interface TariffSource {
  id: string;
  name: string | null;
  utility: string | null;
  source: 'bundle' | 'library';
  urdb: unknown;
}

export interface BillInput {
  id: string;
  periodStart: string;
  periodEnd: string;
  amountUsd: number;
  kwh: number | null;
  peakKw: number | null;
}

/** Everything besides the series that a site's rate comparison depends on (all of it goes into the cache key). */
export interface SiteRateInput {
  siteId: string;
  timeZone: string;
  /** The site's public-holiday calendar ("US", "US-NY"), or null. */
  holidays: string | null;
  /** The site's electric meters; their kWh series are summed. */
  meterIds: string[];
  currentTariff: string | null;
  candidateTariffs: string[];
  /** The tariffs named by current and candidates that exist (bundle first, then library). */
  tariffs: TariffSource[];
  /** The site's bundle bills, by periodStart. */
  bills: BillInput[];
}

export interface RateInputs {
  /** The requested period, local dates (both included): bills entirely inside it are reconstructed. */
  from: string;
  to: string;
  sites: SiteRateInput[];
}

export interface MonthBill extends Omit<PeriodBill, 'kwh' | 'peakKw'> {
  kwh: number | null;
  peakKw: number | null;
}

export interface ComparedTariffDetail {
  id: string;
  name: string;
  utility: string | null;
  source: 'bundle' | 'library';
  demandWindowMinutes: number;
  demandBasisMinutes: number;
  totalUsd: number;
  monthly: MonthBill[];
}

export interface UnavailableTariff {
  id: string;
  /** KM_NOT_FOUND, KM_TARIFF_UNSUPPORTED, KM_VALIDATION. */
  code: string;
  reason: string;
  issues: ErrorIssue[];
}

export interface ReconstructedBill {
  billId: string;
  periodStart: string;
  periodEnd: string;
  billedUsd: number;
  billedKwh: number | null;
  billedPeakKw: number | null;
  computedUsd: number;
  /** computed - billed, USD. */
  differenceUsd: number;
  /** (computed - billed) / |billed| x 100, 3 decimals; null for a bill of $0. */
  differencePct: number | null;
  withinTolerance: boolean;
  complete: boolean;
  completeness: number;
  computed: MonthBill;
}

export interface BillReconstruction {
  tariffId: string;
  tolerancePct: number;
  /** Bills of the site whose whole period lies in the requested period. */
  billsCompared: number;
  /** Bills of the site outside (or partly outside) the requested period: not reconstructed. */
  billsOutsidePeriod: number;
  withinTolerance: number;
  maxAbsDifferencePct: number | null;
  /** "6 of 6 bills computed within 0.4% of billed". */
  summary: string;
  bills: ReconstructedBill[];
}

export interface SiteRateComparison {
  siteId: string;
  timezone: string;
  holidays: string | null;
  /** The public holidays in the billed months that used the weekend schedules. */
  holidayDates: string[];
  /** Electric meters summed (kWh delivered at the account's common interval). */
  meters: string[];
  intervalMinutes: number | null;
  /** Present when there is nothing to compare: 'no tariffs' or 'no electric interval data'. */
  status?: 'no tariffs' | 'no electric interval data';
  current: string | null;
  cheapest: string | null;
  savingsUsd: number | null;
  months: string[];
  incompleteMonths: string[];
  tariffs: ComparedTariffDetail[];
  unavailable: UnavailableTariff[];
  billReconstruction: BillReconstruction | null;
}

function monthBill(b: PeriodBill): MonthBill {
  return {
    ...b,
    kwh: r3(b.kwh),
    peakKw: r3(b.peakKw),
    energyPeriods: b.energyPeriods.map((l) => ({ ...l, kwh: r3(l.kwh)! })),
    touDemandPeriods: b.touDemandPeriods.map((l) => ({ ...l, billingKw: r3(l.billingKw)! })),
    coincidentDemandPeriods: b.coincidentDemandPeriods.map((l) => ({ ...l, billingKw: r3(l.billingKw)! })),
    flatDemand: b.flatDemand && { ...b.flatDemand, peakKw: r3(b.flatDemand.peakKw), ratchetKw: r3(b.flatDemand.ratchetKw), billingKw: r3(b.flatDemand.billingKw) },
  };
}

function unavailable(id: string, err: unknown): UnavailableTariff {
  if (err instanceof KeymeterError) return { id, code: err.code, reason: err.message, issues: err.issues ?? [] };
  throw toError(err);
}

/** The tariff ids a site compares: the current one first, then the candidates, each once. */
export function comparedIds(site: Pick<SiteRateInput, 'currentTariff' | 'candidateTariffs'>): string[] {
  return [...new Set([...(site.currentTariff === null ? [] : [site.currentTariff]), ...site.candidateTariffs])];
}

/** The rate comparison of every site, from the account's electric meter series (analysis.ts). */
export function siteRateComparisons(inputs: RateInputs, electric: readonly MeterSeries[]): SiteRateComparison[] {
  return inputs.sites.map((site) => siteRateComparison(inputs, site, electric));
}

function siteRateComparison(inputs: RateInputs, site: SiteRateInput, electric: readonly MeterSeries[]): SiteRateComparison {
  const ids = comparedIds(site);
  const meters = electric.filter((m) => site.meterIds.includes(m.meterId) && m.kwh);
  const base: SiteRateComparison = {
    siteId: site.siteId, timezone: site.timeZone, holidays: site.holidays, holidayDates: [], meters: meters.map((m) => m.meterId),
    intervalMinutes: meters[0]?.kwh?.intervalMinutes ?? null,
    current: null, cheapest: null, savingsUsd: null, months: [], incompleteMonths: [], tariffs: [], unavailable: [], billReconstruction: null,
  };
  if (ids.length === 0) return { ...base, status: 'no tariffs' };
  if (meters.length === 0) return { ...base, status: 'no electric interval data' };
  const kwh = sumAligned(meters.map((m) => m.kwh!));
  const holidays = holidaySet(site.holidays, inputs);
  const frame = billingFrame(kwh, site.timeZone, { holidays });

  const byId = new Map(site.tariffs.map((t) => [t.id, t]));
  const compiled = new Map<string, { source: TariffSource; tariff: UrdbTariff; bills: TariffBills }>();
  const missing: UnavailableTariff[] = [];
  for (const id of ids) {
    const source = byId.get(id);
    if (!source) {
      missing.push({ id, code: 'KM_NOT_FOUND', reason: `no tariff '${id}' in the bundle or the tariff library`, issues: [] });
      continue;
    }
    try {
      const tariff = parseUrdbRate(source.urdb);
      compiled.set(id, { source, tariff, bills: computeBills(frame, tariff) });
    } catch (err) {
      missing.push(unavailable(id, err));
    }
  }
  const current = site.currentTariff !== null && compiled.has(site.currentTariff) ? site.currentTariff : null;
  const comparison = rateComparison(current, [...compiled.values()].map((c) => ({ id: c.source.id, name: c.source.name ?? c.source.id, bills: c.bills.periods })));
  const monthsInFrame = new Set(frame.periods.map((p) => p.month));
  return {
    ...base,
    holidayDates: [...holidays].filter((d) => monthsInFrame.has(d.slice(0, 7))).sort(),
    current: comparison.current,
    cheapest: comparison.cheapest,
    savingsUsd: comparison.savingsUsd,
    months: comparison.months,
    incompleteMonths: comparison.incompleteMonths,
    tariffs: [...compiled.values()].map((c, i) => ({
      id: c.source.id, name: c.source.name ?? c.source.id, utility: c.source.utility, source: c.source.source,
      demandWindowMinutes: c.bills.demandWindowMinutes, demandBasisMinutes: c.bills.demandBasisMinutes,
      totalUsd: comparison.tariffs[i]!.totalUsd,
      monthly: c.bills.periods.map(monthBill),
    })),
    unavailable: missing,
    billReconstruction: current === null ? null : reconstruct(inputs, site, kwh, holidays, current, compiled.get(current)!.tariff),
  };
}

/** The site's public holidays over the years of the requested period (and one either side, for bills). */
function holidaySet(code: string | null, inputs: RateInputs): ReadonlySet<string> {
  if (code === null) return new Set();
  return new Set(publicHolidays(code, Number(inputs.from.slice(0, 4)) - 1, Number(inputs.to.slice(0, 4)) + 1));
}

/**
 * Each bill of the site whose whole period lies in the requested period, billed under the current tariff
 * over periodStart..periodEnd. The bills share one frame (so a ratchet sees the earlier bills) unless
 * their periods overlap; then each gets a frame of its own.
 */
function reconstruct(inputs: RateInputs, site: SiteRateInput, kwh: IntervalSeries, holidays: ReadonlySet<string>, tariffId: string, tariff: UrdbTariff): BillReconstruction {
  const inside = site.bills.filter((b) => b.periodStart >= inputs.from && b.periodEnd <= inputs.to).sort((a, b) => (a.periodStart < b.periodStart ? -1 : a.periodStart > b.periodStart ? 1 : 0));
  const periods: LocalDateRange[] = inside.map((b) => ({ start: b.periodStart, end: b.periodEnd }));
  let computed: PeriodBill[];
  try {
    computed = computeBills(billingFrame(kwh, site.timeZone, { holidays, periods }), tariff).periods;
  } catch (err) {
    if (!(err instanceof KeymeterError) || err.code !== 'KM_VALIDATION') throw err;
    // Overlapping bill periods: one frame per bill.
    computed = periods.map((p) => computeBills(billingFrame(kwh, site.timeZone, { holidays, periods: [p] }), tariff).periods[0]!);
  }
  const bills = inside.map((b, i): ReconstructedBill => {
    const c = computed[i]!;
    const differenceUsd = Math.round((c.totalUsd - b.amountUsd) * 100) / 100;
    const pct = b.amountUsd === 0 ? null : ((c.totalUsd - b.amountUsd) / Math.abs(b.amountUsd)) * 100;
    return {
      billId: b.id, periodStart: b.periodStart, periodEnd: b.periodEnd,
      billedUsd: b.amountUsd, billedKwh: b.kwh, billedPeakKw: b.peakKw,
      computedUsd: c.totalUsd, differenceUsd,
      differencePct: pct === null ? null : Math.round(pct * PCT_DECIMALS) / PCT_DECIMALS,
      withinTolerance: pct === null ? c.totalUsd === 0 : Math.abs(pct) <= RECONSTRUCTION_TOLERANCE_PCT,
      complete: c.complete, completeness: c.completeness,
      computed: monthBill(c),
    };
  });
  const within = bills.filter((b) => b.withinTolerance).length;
  const pcts = bills.flatMap((b) => (b.differencePct === null ? [] : [Math.abs(b.differencePct)]));
  return {
    tariffId, tolerancePct: RECONSTRUCTION_TOLERANCE_PCT,
    billsCompared: bills.length, billsOutsidePeriod: site.bills.length - inside.length, withinTolerance: within,
    maxAbsDifferencePct: pcts.length === 0 ? null : Math.max(...pcts),
    summary: bills.length === 0
      ? 'no bills of the site in the period'
      : `${within} of ${bills.length} bills computed within ${RECONSTRUCTION_TOLERANCE_PCT}% of billed`,
    bills,
  };
}
