/**
 * The response schema of GET /v1/accounts/{accountId}/energy-profile: the Section 4 document
 * (CONTRACT.md "The Section 4 document") exactly as src/section4/build.ts assembles it from src/core.
 *
 * Two kinds of object, on purpose:
 * - Delivered items are strict: the route's serializer validates every response against this schema,
 *   so a field that build.ts adds without declaring it here fails loudly (a 500 and a failing
 *   test/api/energy-profile.schema.test.ts) instead of reaching clients undocumented.
 * - The analysis items (outages, measured power quality, forecast, transformer aging; in
 *   energy-profile-pending.ts) are their figures or `{status}` saying why there are none; they declare
 *   every field build.ts emits and stay loose, since their full detail lives in the engineering and
 *   forecast endpoints and grows there.
 *
 * Field order follows build.ts: the serializer emits keys in schema order.
 */
import { z } from 'zod';
import { COOLING_CLASSES, Bill, Equipment, Payment, PowerQuality, SUPPLY_NODE_KINDS } from '../../core/bundle/schema.js';
import { INTERVAL_MINUTES, UNITS_BY_KIND } from '../../core/channels.js';
import {
  Forecast, Harmonics, NOT_YET_STATUS, OutageYear, TransformerAging, VoltageCompliance, VoltageEvents, notYetOr,
} from './energy-profile-pending.js';
import { RateComparison } from './rate-comparison.js';
import { Completeness, Count, Ids, Instant, LocalDate, completeness, month, year } from './section4-fields.js';

// ---- account, period -------------------------------------------------------------------------------

const Account = z.strictObject({
  id: z.string().describe('account id'),
  name: z.string(),
  segment: z.string().nullable().describe('customer segment (industrial, institutional ...); null when not given'),
  sites: z.array(z.strictObject({ id: z.string(), name: z.string(), timezone: z.string().describe('IANA time zone') })),
});

const Period = z.strictObject({
  from: LocalDate.describe('first local date, included'),
  to: LocalDate.describe('last local date, included'),
  timezone: z.string().describe('IANA zone of the first site (UTC without sites): every month and date here is local to it'),
});

// ---- item 1: consumption ---------------------------------------------------------------------------

const kwh = (what: string) => z.number().nullable().describe(`kWh ${what}, 3 decimals; null when no interval is present`);
const peakKw = () => z.number().nullable().describe('highest interval demand, kW (interval kWh x 60 / interval minutes), 3 decimals; null without data');
const peakAt = () => Instant.nullable().describe('start of the peak interval, ISO 8601 UTC instant; null without data');

const estimatedShare = () => Completeness.describe('share of the present intervals whose value is estimated (VEE), 0..1');
const ElectricMonth = z.strictObject({ month: month(), kwh: kwh('in the month'), peakKw: peakKw(), peakAt: peakAt(), completeness: completeness("the month's"), estimatedShare: estimatedShare() });
const ElectricYear = z.strictObject({ year: year(), kwh: kwh('in the year'), peakKw: peakKw(), peakAt: peakAt(), completeness: completeness("the year's"), estimatedShare: estimatedShare() });
const ElectricDay = z.strictObject({ date: LocalDate.describe('local date'), kwh: kwh('in the day'), completeness: completeness("the day's"), estimatedShare: estimatedShare() });

const avgKw = z.number().nullable();

export const DayShape = z
  .strictObject({
    kw: z.array(avgKw).describe('average kW per slot of the local day (slot 0 = 00:00); null where no sample'),
    samples: z.array(Count).describe('intervals averaged into each slot'),
  })
  .meta({ id: 'DayShape', description: 'An average day: one entry per interval slot of the local day' });

export const LoadProfile = z
  .strictObject({
    slotsPerDay: Count.describe('slots of a local day: 24 x 60 / interval minutes'),
    monthly: z.array(z.strictObject({ month: month(), weekday: DayShape, weekend: DayShape.describe('Saturday and Sunday, local') })),
    heatMap: z
      .strictObject({
        kw: z.array(z.array(avgKw)).describe('kw[dayOfWeek][hour]: dayOfWeek 0 = Sunday, hour 0..23 local; average kW, null without samples'),
        samples: z.array(z.array(Count)).describe('intervals averaged into each cell'),
      })
      .describe('7 x 24 average kW by local day of week and hour'),
    durationCurve: z
      .array(z.strictObject({
        kw: z.number().describe('interval demand, kW'),
        fraction: z.number().min(0).max(1).describe('share of present intervals with this demand or more'),
      }))
      .describe('load-duration curve, kW descending, at most 200 points including the highest and lowest interval'),
    samples: Count.describe('present intervals'),
    peakKw: z.number().nullable().describe('highest interval demand, kW; null without data'),
    baseloadPercentile: z.number().describe('percentile of interval kW taken as the baseload (0..100)'),
    baseloadKw: z.number().nullable().describe('the baseloadPercentile percentile of interval kW; null without data'),
    peakToBaseRatio: z.number().nullable().describe('peakKw / baseloadKw; null when the baseload is 0 kW or less'),
  })
  .meta({ id: 'LoadProfile', description: 'Load shapes of the summed kWh series (core/load-profile.ts)' });

export const ElectricConsumption = z
  .strictObject({
    unit: z.literal('kWh'),
    intervalMinutes: z.literal(INTERVAL_MINUTES).describe('interval of the summed kWh series, minutes'),
    meters: Ids.describe('electric meters summed (kWh delivered at the common interval)'),
    metersAtOtherIntervals: Ids.optional().describe('electric meters left out because their kWh interval differs; absent when none'),
    monthly: z.array(ElectricMonth),
    annual: z.array(ElectricYear),
    daily: z.array(ElectricDay),
    profiles: LoadProfile,
  })
  .meta({ id: 'ElectricConsumption', description: 'Electric consumption summed over the meters, in the local calendar' });

const noIntervalData = (commodity: 'electric' | 'gas' | 'water') =>
  z.strictObject({
    status: z.literal(`no ${commodity} interval data`),
    monthly: z.array(z.unknown()).max(0).describe('always empty'),
  });

const meteredConsumption = (commodity: 'gas' | 'water', id: string) =>
  z
    .strictObject({
      meters: Ids.describe(`${commodity} meters`),
      monthly: z
        .array(z.strictObject({
          month: month(),
          quantity: z.number().nullable().describe('consumption in `unit`, 3 decimals; null when no interval is present'),
          unit: z.enum(UNITS_BY_KIND[commodity] as [string, ...string[]]),
          completeness: completeness("the month's"),
          estimatedShare: estimatedShare(),
          meterId: z.string(),
        }))
        .describe('one row per meter and month, by month then meter'),
    })
    .meta({ id, description: `${commodity} consumption per meter` });

const Consumption = z.strictObject({
  electric: z.union([ElectricConsumption, noIntervalData('electric')]),
  gas: z.union([meteredConsumption('gas', 'GasConsumption'), noIntervalData('gas')]),
  water: z.union([meteredConsumption('water', 'WaterConsumption'), noIntervalData('water')]),
});

// ---- item 2: energy cost share ---------------------------------------------------------------------

export const EnergyCostShare = z
  .strictObject({
    annual: z.array(z.strictObject({
      year: year(),
      energyCostUsd: z.number().nullable().describe('billed amounts of the bills whose period starts in the year, USD; null without bills'),
      facilityCostUsd: z.number().nullable().describe('the facility cost entered for the year, USD; null when none'),
      share: z.number().nullable().describe('energyCostUsd / facilityCostUsd, a fraction (not percent); null when either is missing or the facility cost is 0'),
    })).describe('every year with bills or a facility cost, ascending'),
  })
  .meta({ id: 'EnergyCostShare', description: 'Energy cost as a share of facility costs (core/cost-share.ts)' });

// ---- item 3: load and power factors ----------------------------------------------------------------

const factorFields = {
  loadFactor: z.number().nullable().describe('kWh / (peak kW x hours of present intervals), 4 decimals; null without data or a peak of 0 kW'),
  powerFactor: z.number().nullable().describe('kWh / sqrt(kWh^2 + kvarh^2) of the period sums, 4 decimals; null without kWh and kvarh'),
  direction: z.enum(['lagging', 'leading']).nullable().describe('from the sign of net kvarh; null without data'),
  powerFactorAtPeak: z.number().nullable().describe('interval power factor at the kW peak, 4 decimals; null when unknown'),
  belowThresholdShare: z.number().min(0).max(1).nullable().describe('share of rated intervals with PF below powerFactorThreshold; null when none is rated'),
};

export const Factors = z
  .strictObject({
    powerFactorThreshold: z.number().nullable().optional().describe('PF threshold of belowThresholdShare; null without kvarh data, absent without electric data'),
    monthly: z.array(z.strictObject({ month: month(), ...factorFields, completeness: completeness("the month's") })),
    annual: z.array(z.strictObject({ year: year(), ...factorFields, completeness: completeness("the year's") })),
  })
  .meta({ id: 'Factors', description: 'Load factor and power factor per local month and year' });

// ---- item 4: system share --------------------------------------------------------------------------

export const SystemShare = z
  .strictObject({
    monthly: z.array(z.strictObject({
      month: month(),
      accountKwh: z.number().nullable().describe('account kWh of the month; null without data'),
      systemKwh: z.number().nullable().describe("the utility's total end-user kWh of the month; null when not loaded"),
      share: z.number().nullable().describe('accountKwh / systemKwh, a fraction; null when either is missing or the system total is 0'),
      completeness: Completeness.nullable().describe("the account month's completeness; null when the account has no row"),
    })).describe('every month with account or system data, ascending'),
    annual: z.array(z.strictObject({
      year: year(),
      accountKwh: z.number().nullable().describe('account kWh over the counted months; null when months is 0'),
      systemKwh: z.number().nullable().describe('system kWh over the same months; null when months is 0'),
      share: z.number().nullable().describe('accountKwh / systemKwh; null when months is 0 or the system sum is 0'),
      months: Count.describe('months of the year where both figures exist (only these are summed)'),
    })),
  })
  .meta({ id: 'SystemShare', description: "The account's share of the utility's end-user consumption (core/system-share.ts)" });

// ---- item 6: transformers --------------------------------------------------------------------------

export const MaintenanceStatus = z
  .strictObject({
    last: z
      .strictObject({ date: LocalDate, kind: z.string().nullable(), result: z.string().nullable() })
      .nullable()
      .describe('latest maintenance on or before today; null when none'),
    nextDue: LocalDate.nullable().describe('last maintenance (or installation) + the interval; null without an interval or a date to count from'),
    overdue: z.boolean().describe('today is after nextDue'),
  })
  .meta({ id: 'MaintenanceStatus', description: 'Transformer maintenance status (core/maintenance.ts)' });

export const TransformerProfile = z
  .strictObject({
    id: z.string(),
    siteId: z.string(),
    kva: z.number().nullable().describe('nameplate rating, kVA; null when not given'),
    primaryKv: z.number().nullable().describe('primary voltage, kV'),
    secondaryV: z.number().nullable().describe('secondary voltage, V'),
    cooling: z.enum(COOLING_CLASSES).nullable().describe('IEEE C57.91 cooling class'),
    meterIds: Ids.describe('meters whose load the transformer carries'),
    installedOn: LocalDate.nullable(),
    peakLoadPct: z.number().nullable().describe('highest interval load, % of the kVA rating, 2 decimals; null without kVA or meter data'),
    peakAt: Instant.nullable().describe('start of the peak-load interval, ISO 8601 UTC instant'),
    hoursOverloaded: z.number().nullable().describe('hours in intervals above 100 % of the rating; null without kVA or meter data'),
    averageLoadPct: z.number().nullable().describe('mean interval load, % of the rating, 2 decimals'),
    completeness: Completeness.nullable().describe("share of the period's intervals with data at every meter, 0..1"),
    equivalentAgingFactor: z.number().nullable().describe('IEEE C57.91 F_EQA over the hours with load data; null without a thermal model'),
    lossOfLifeHours: z.number().nullable().describe('IEEE C57.91 loss of life over the period, hours (F_EQA x hours); null without a thermal model'),
    aging: TransformerAging,
    maintenance: MaintenanceStatus,
  })
  .meta({ id: 'TransformerProfile', description: 'A transformer: nameplate, loading from its meters, maintenance' });

// ---- item 7: equipment -----------------------------------------------------------------------------

export const EquipmentItem = z
  .strictObject({
    siteId: z.string(),
    ...Equipment.shape,
    ratedKw: Equipment.shape.ratedKw.describe('rated power, kW'),
  })
  .meta({ id: 'EquipmentItem', description: "A site's major equipment, as in the bundle" });

// ---- item 8: power quality -------------------------------------------------------------------------

const PqEquipment = PowerQuality.shape.equipment.unwrap().element;

const pqNeeds = {
  requirements: z.array(z.string()).describe("the sites' power-quality requirements, in site order"),
  equipment: z.array(PqEquipment.extend({ kva: PqEquipment.shape.kva.describe('kVA') })).describe('power-conditioning equipment (UPS, filters ...)'),
};

export const PowerQualityProfile = z
  .strictObject({
    ...pqNeeds,
    sites: z.array(z.strictObject({
      siteId: z.string(), ...pqNeeds,
      meterId: z.string().nullable().optional().describe('the meter with phase-voltage channels analysed'),
      measured: z.looseObject({}).optional().describe("the site's own voltage, events and harmonics summary"),
    })).describe('the same, per site'),
    voltage: notYetOr(VoltageCompliance, 'voltage compliance, or why there is none'),
    events: notYetOr(VoltageEvents, 'IEEE 1159 voltage event counts, or why there are none (no voltage sample in the period)'),
    harmonics: notYetOr(Harmonics, 'harmonic distortion, or why there is none'),
  })
  .meta({ id: 'PowerQualityProfile', description: 'Power-quality needs from the bundle and, once delivered, measured power quality' });

// ---- item 9: one-line diagram ----------------------------------------------------------------------

export const OneLineDiagram = z
  .strictObject({
    nodes: z.array(z.strictObject({ id: z.string(), kind: z.enum(SUPPLY_NODE_KINDS), name: z.string().optional().describe('absent when not given') })),
    edges: z.array(z.strictObject({ from: z.string().describe('feeding node id'), to: z.string().describe('fed node id') })),
    levels: z.array(Ids).describe('node ids by level: 0 holds the sources, each node one below its deepest feeder'),
  })
  .meta({ id: 'OneLineDiagram', description: 'The supply path as a graph (core/one-line.ts)' });

// ---- item 10: outages (the system indices are delivered, the account's outage analysis is not) ----

export const Outages = z
  .looseObject({
    status: z.string().optional().describe('why there is no outage analysis (annual is then empty)'),
    annual: z.array(OutageYear),
    system: z
      .array(z.strictObject({
        year: year(),
        saifi: z.number().optional().describe('interruptions per customer'),
        saidi: z.number().optional().describe('minutes per customer'),
        caidi: z.number().optional().describe('minutes per interruption'),
        maifi: z.number().optional().describe('momentary interruptions per customer'),
      }))
      .describe("the utility's system reliability indices from the bundle (IEEE 1366); absent indices were not given"),
  })
  .meta({ id: 'Outages', description: 'Outages of the account and system reliability' });

// ---- item 11: billing ------------------------------------------------------------------------------

export const Billing = z
  .strictObject({
    bills: z
      .array(Bill.extend({
        kwh: Bill.shape.kwh.describe('billed kWh'),
        peakKw: Bill.shape.peakKw.describe('billed peak demand, kW'),
        amountUsd: Bill.shape.amountUsd.describe('billed amount, USD (a credit may be negative)'),
      }))
      .describe('the bundle bills, by periodStart; absent fields were not given'),
    payments: z.array(Payment.extend({ amountUsd: Payment.shape.amountUsd.describe('USD') })).describe('the bundle payments, by paidOn'),
    averageDaysToPay: z.number().nullable().describe('mean days from issue to settlement over settled bills with an issue date, 1 decimal; null when none'),
    latePayments: Count.describe('bills settled after their due date'),
    annual: z.array(z.strictObject({
      year: year(),
      billedUsd: z.number().describe('sum of the bills whose period starts in the year, USD'),
      paidUsd: z.number().describe('payments against those bills, USD'),
      bills: Count,
      latePayments: Count,
    })).describe('one entry per year with bills, ascending'),
  })
  .meta({ id: 'Billing', description: 'Billing and payment history (core/billing.ts)' });

// ---- the document ----------------------------------------------------------------------------------

export const EnergyProfile = z
  .strictObject({
    account: Account,
    period: Period,
    consumption: Consumption.describe('item 1: electric (monthly, annual, daily, profiles), gas and water'),
    energyCostShare: EnergyCostShare,
    factors: Factors,
    systemShare: SystemShare,
    rateComparison: RateComparison.describe('item 5: the rate comparison (rate-comparison.ts); GET /v1/accounts/{accountId}/rate-comparison has the full detail'),
    transformers: z.array(TransformerProfile),
    equipment: z.array(EquipmentItem),
    powerQuality: PowerQualityProfile,
    oneLine: OneLineDiagram,
    outages: Outages,
    billing: Billing,
    forecast: notYetOr(Forecast, 'item 12: the load forecast, or why there is none'),
  })
  .meta({ id: 'EnergyProfile', description: 'The Section 4 document; fields per CONTRACT.md "The Section 4 document"' });
export type EnergyProfile = z.output<typeof EnergyProfile>;
