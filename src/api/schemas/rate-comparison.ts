/**
 * Response schemas of item 5, the rate comparison: the Section 4 summary (`rateComparison` of the
 * energy-profile document, src/section4/rate-summary.ts) and the full detail of
 * GET /v1/accounts/{accountId}/rate-comparison (src/section4/rate-analysis.ts). Strict: the serializer
 * validates every response, so a field the builders add without declaring it here fails loudly.
 * Field order follows the builders (the serializer emits keys in schema order).
 */
import { z } from 'zod';
import { Completeness, Count, Ids, LocalDate, completeness, month } from './section4-fields.js';

const usd = (what: string) => z.number().describe(`${what}, USD (cents)`);
const kw = (what: string) => z.number().describe(`${what}, kW (3 decimals)`);
const SiteStatus = z.enum(['no tariffs', 'no electric interval data']).optional().describe('present when the site has nothing to compare; its lists are then empty');

const common = {
  current: z.string().nullable().describe('id of the current tariff when it could be billed; null without one (see `unavailable`)'),
  cheapest: z.string().nullable().describe('id of the tariff with the lowest total over the compared months (a tie goes to the current tariff)'),
  savingsUsd: z.number().nullable().describe('current total minus cheapest total, USD; null without a current tariff'),
};

// ---- the Section 4 summary ------------------------------------------------------------------------

const SummaryMonth = z.strictObject({
  month: month(),
  energyUsd: usd('energy charges'),
  demandUsd: usd('demand charges (flat, TOU and coincident)'),
  fixedUsd: usd('fixed charges'),
  minChargeAdjustmentUsd: usd('what the minimum charge adds to reach it'),
  totalUsd: usd('the bill'),
  complete: z.boolean().describe('every interval of the month was present; an incomplete month is billed on the data present'),
});

const Unavailable = z.strictObject({
  id: z.string(),
  code: z.string().describe('KM_NOT_FOUND (no such tariff), KM_TARIFF_UNSUPPORTED or KM_VALIDATION (docs/errors.md)'),
  reason: z.string(),
});

const ReconstructionSummary = z.strictObject({
  tariffId: z.string().describe('the current tariff the bills are recomputed under'),
  tolerancePct: z.number().describe('the tolerance, percent of the billed amount (0.4)'),
  billsCompared: Count.describe("the site's bills whose whole period lies in the requested period"),
  withinTolerance: Count,
  maxAbsDifferencePct: z.number().nullable(),
  summary: z.string().describe('"6 of 6 bills computed within 0.4% of billed"'),
  bills: z.array(z.strictObject({
    billId: z.string(),
    periodStart: LocalDate,
    periodEnd: LocalDate,
    billedUsd: usd('the billed amount'),
    computedUsd: usd('the bill computed from interval data under the current tariff over the bill period'),
    differencePct: z.number().nullable().describe('(computed - billed) / |billed| x 100, 3 decimals; null for a bill of $0'),
    withinTolerance: z.boolean(),
    complete: z.boolean().describe('every interval of the bill period was present'),
  })),
}).nullable().describe('bill reconstruction; null without a current tariff that could be billed');

const siteSummary = {
  siteId: z.string().nullable().describe('the site compared; null when no site names a tariff'),
  status: SiteStatus,
  ...common,
  incompleteMonths: z.array(month()).describe('compared months with intervals missing'),
  tariffs: z.array(z.strictObject({
    id: z.string(),
    name: z.string().describe("the URDB item's `name`, or the id"),
    totalUsd: usd('the compared months on this tariff'),
    monthly: z.array(SummaryMonth),
  })).describe('the current tariff first, then the candidates'),
  unavailable: z.array(Unavailable).describe('tariffs the site names that could not be billed, with the reason'),
  billReconstruction: ReconstructionSummary,
};

export const RateComparisonSite = z.strictObject(siteSummary).meta({ id: 'RateComparisonSite', description: "One site's rate comparison" });

export const RateComparison = z
  .strictObject({ ...siteSummary, otherSites: z.array(RateComparisonSite).describe('further sites that name tariffs, each compared on its own') })
  .meta({
    id: 'RateComparison',
    description: 'Item 5: the months of the period billed from interval data on the current and candidate tariffs of the first site that names tariffs (the whole account for a single site), the cheapest and the savings, and the bills reconstructed',
  });

// ---- the full detail (GET /v1/accounts/{accountId}/rate-comparison) ---------------------------------

const EnergyLine = z.strictObject({ period: Count.describe('0-based period of energyratestructure'), kwh: z.number().describe('kWh (3 decimals)'), usd: usd('the charge') });
const DemandLine = z.strictObject({ period: Count.describe('0-based period of the demand structure'), billingKw: kw('peak demand in the period'), usd: usd('the charge') });

export const TariffMonth = z
  .strictObject({
    month: month().describe('local month YYYY-MM of `start`'),
    start: LocalDate.describe('first local date, included'),
    end: LocalDate.describe('last local date, included'),
    days: Count,
    expectedIntervals: Count,
    presentIntervals: Count,
    completeness: completeness("the period's"),
    complete: z.boolean(),
    kwh: z.number().nullable().describe('kWh of the present intervals (3 decimals); null when none'),
    peakKw: z.number().nullable().describe('highest demand-basis kW (3 decimals); null when none'),
    energyUsd: usd('energy charges, fuel adjustment included'),
    demandUsd: usd('demand charges'),
    demandFlatUsd: usd('flat (facility) demand'),
    demandTouUsd: usd('TOU demand'),
    demandCoincidentUsd: usd('coincident demand'),
    fixedUsd: usd('fixed charges'),
    minChargeAdjustmentUsd: usd('minimum-charge adjustment'),
    totalUsd: usd('the bill'),
    energyPeriods: z.array(EnergyLine).describe('kWh and charge per energy period present'),
    fuelAdjustmentUsd: usd('fueladjustmentsmonthly'),
    touDemandPeriods: z.array(DemandLine).describe('billing kW and charge per TOU demand period present'),
    flatDemand: z.strictObject({
      period: Count.describe('0-based period of flatdemandstructure for the month'),
      peakKw: z.number().nullable(),
      ratchetKw: z.number().nullable().describe('ratchet floor, kW; null without a ratchet'),
      ratchetHistoryPeriods: Count.describe('earlier periods the ratchet could see (up to 11)'),
      billingKw: z.number().nullable(),
      usd: usd('the charge'),
    }).nullable(),
    coincidentDemandPeriods: z.array(DemandLine),
  })
  .meta({ id: 'TariffMonth', description: 'One billing period billed under one tariff (src/core/tariff/bill.ts)' });

const DetailTariff = z.strictObject({
  id: z.string(),
  name: z.string(),
  utility: z.string().nullable(),
  source: z.enum(['bundle', 'library']).describe("the account bundle's tariffs[], or the tariff library (keymeter import tariff)"),
  demandWindowMinutes: Count.describe('the rate demand window (URDB demandwindow, default 15)'),
  demandBasisMinutes: Count.describe('minutes each demand value stands for (the window, or the data interval when coarser)'),
  totalUsd: usd('the compared months'),
  monthly: z.array(TariffMonth),
});

const DetailReconstruction = z.strictObject({
  tariffId: z.string(),
  tolerancePct: z.number(),
  billsCompared: Count,
  billsOutsidePeriod: Count.describe("the site's bills not entirely inside the requested period (not reconstructed)"),
  withinTolerance: Count,
  maxAbsDifferencePct: z.number().nullable(),
  summary: z.string(),
  bills: z.array(z.strictObject({
    billId: z.string(),
    periodStart: LocalDate,
    periodEnd: LocalDate,
    billedUsd: z.number(),
    billedKwh: z.number().nullable(),
    billedPeakKw: z.number().nullable(),
    computedUsd: z.number(),
    differenceUsd: z.number(),
    differencePct: z.number().nullable(),
    withinTolerance: z.boolean(),
    complete: z.boolean(),
    completeness: Completeness,
    computed: TariffMonth.describe('the computed bill of the bill period'),
  })),
}).nullable();

export const SiteRateDetail = z
  .strictObject({
    siteId: z.string(),
    timezone: z.string().describe('IANA zone: months, days and TOU hours are local to it'),
    holidays: z.string().nullable().describe('the public-holiday calendar (bundle sites[].holidays); null: weekends only'),
    holidayDates: z.array(LocalDate).describe('public holidays in the billed months, billed on the weekend schedules'),
    meters: Ids.describe('electric meters summed'),
    intervalMinutes: Count.nullable(),
    status: SiteStatus,
    ...common,
    months: z.array(month()),
    incompleteMonths: z.array(month()),
    tariffs: z.array(DetailTariff),
    unavailable: z.array(Unavailable.extend({ issues: z.array(z.strictObject({ path: z.string(), message: z.string() })) })),
    billReconstruction: DetailReconstruction,
  })
  .meta({ id: 'SiteRateDetail', description: "A site's rate comparison in full: every tariff and month, and the bills reconstructed" });

export const RateComparisonDetail = z
  .strictObject({
    account: z.strictObject({ id: z.string(), name: z.string() }),
    period: z.strictObject({
      from: LocalDate.describe('first local date, included'),
      to: LocalDate.describe('last local date, included'),
      timezone: z.string().describe("the first site's zone, in which from and to are read"),
    }),
    sites: z.array(SiteRateDetail).describe('every site, in bundle order'),
  })
  .meta({ id: 'RateComparisonDetail', description: 'Rate comparison of every site of the account (Section 4 item 5 in full)' });
export type RateComparisonDetail = z.output<typeof RateComparisonDetail>;
