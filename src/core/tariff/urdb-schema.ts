/**
 * The shape of an OpenEI Utility Rate Database (URDB) rate item, with the URDB API's field names
 * (OpenEI URDB API, https://openei.org/services/doc/rest/util_rates?version=7, "Output fields").
 * This schema checks types and shapes only; what Keymeter can bill, and what it refuses, is decided
 * in urdb-rate.ts. Objects are loose: the API returns many descriptive fields (label, utility, name,
 * uri, sector, startdate, eiaid, ...) that do not change a bill, and they pass through untouched.
 *
 * Scalars may be null in URDB responses; null is read as "absent".
 */
import { z } from 'zod';

const Num = z.number().finite();
const OptNum = Num.nullish();
const OptText = z.string().nullish();

/**
 * One tier of a rate structure (OpenEI URDB): `max` is the tier's cumulative upper limit in `unit`,
 * `rate` and `adj` (an adjustment added to `rate`) are $ per kWh or per kW, `sell` is the export rate.
 */
export const UrdbTier = z.looseObject({
  rate: OptNum,
  adj: OptNum,
  max: OptNum,
  unit: OptText,
  sell: OptNum,
});
export type UrdbTier = z.infer<typeof UrdbTier>;

/** periods x tiers (OpenEI URDB: the first index is the period, the second the tier). */
const Structure = z.array(z.array(UrdbTier).min(1, 'a period needs at least one tier'));

/** 12 months x 24 hours of 0-based period indices (OpenEI URDB, API version 3 and later). */
const Schedule = z
  .array(z.array(z.number().int().nonnegative()).length(24, 'must have 24 hourly entries'))
  .length(12, 'must have 12 monthly rows');

const Twelve = <T extends z.ZodType>(item: T) => z.array(item).length(12, 'must have 12 monthly entries');

export const UrdbRateItem = z.looseObject({
  energyratestructure: Structure.nullish(),
  energyweekdayschedule: Schedule.nullish(),
  energyweekendschedule: Schedule.nullish(),
  fueladjustmentsmonthly: Twelve(Num).nullish(),

  demandratestructure: Structure.nullish(),
  demandweekdayschedule: Schedule.nullish(),
  demandweekendschedule: Schedule.nullish(),
  demandrateunit: OptText,
  demandunits: OptText,
  demandwindow: OptNum,
  demandratchetpercentage: Twelve(Num).nullish(),
  demandreactivepowercharge: OptNum,

  flatdemandstructure: Structure.nullish(),
  flatdemandmonths: Twelve(z.number().int().nonnegative()).nullish(),
  flatdemandunit: OptText,

  coincidentratestructure: Structure.nullish(),
  coincidentrateschedule: Schedule.nullish(),
  coincidentrateunit: OptText,

  lookbackpercent: OptNum,
  lookbackrange: OptNum,
  lookbackmonths: z.array(z.union([z.number(), z.boolean()])).nullish(),

  fixedchargefirstmeter: OptNum,
  fixedchargeeaaddl: OptNum,
  fixedchargeunits: OptText,
  fixedmonthlycharge: OptNum,
  mincharge: OptNum,
  minchargeunits: OptText,
  minmonthlycharge: OptNum,
  annualmincharge: OptNum,

  energyattrs: z.array(z.unknown()).nullish(),
  demandattrs: z.array(z.unknown()).nullish(),
  fixedattrs: z.array(z.unknown()).nullish(),
});
export type UrdbRateItem = z.infer<typeof UrdbRateItem>;
export type UrdbStructure = z.infer<typeof Structure>;
export type UrdbSchedule = z.infer<typeof Schedule>;
