/**
 * An OpenEI URDB rate item checked and compiled for billing. A rate that uses a feature the engine does
 * not implement is refused with KM_TARIFF_UNSUPPORTED naming each field path, never billed partially: a
 * wrong bill would mislead a rate comparison silently. A malformed item (wrong types, a schedule naming a
 * period that does not exist, tier limits out of order) is refused with KM_VALIDATION; when an item has
 * both kinds of issue, KM_VALIDATION wins and every issue is listed. Field meanings follow the OpenEI URDB API docs
 * (https://openei.org/services/doc/rest/util_rates?version=7, "Output fields"); what is billed and how is
 * listed in SUPPORTED below, what is refused in the checks of each part.
 *
 * Ignored on purpose (they cannot change the bill of one meter's delivered kWh): descriptive fields,
 * eligibility limits (peakkwcapacity*, peakkwhusage*, voltage*), `sell` rates and net metering (exports),
 * `fixedchargeeaaddl` (additional meters), comments.
 */
import { formatPath, KeymeterError, type ErrorIssue } from '../../errors.js';
import { allFree, type TierTable } from './tiers.js';
import { UrdbRateItem, type UrdbSchedule, type UrdbStructure } from './urdb-schema.js';

/** Tier units of energyratestructure that the engine bills (OpenEI URDB `unit`). */
export const ENERGY_TIER_UNITS = ['kWh', 'kWh daily', 'kWh/kW'] as const;
export type EnergyTierUnit = (typeof ENERGY_TIER_UNITS)[number];

/** The demand window when the rate gives none: 15-minute demand (DESIGN.md "Domain facts"). */
export const DEFAULT_DEMAND_WINDOW_MINUTES = 15;
const MINUTES_PER_HOUR = 60;
const MONTHS = 12;
const HOURS = 24;

export interface EnergyPeriod extends TierTable {
  /** How `limits` scale: per billing period (kWh), per day (kWh daily) or per billing kW (kWh/kW). */
  readonly unit: EnergyTierUnit;
}

/** A 12 x 24 schedule flattened: index month-of-year (0 = January) x 24 + local hour. */
export type FlatSchedule = Int16Array;

export interface UrdbTariff {
  readonly energy: { periods: EnergyPeriod[]; weekday: FlatSchedule; weekend: FlatSchedule } | null;
  /** $/kWh added in each month of year (OpenEI URDB `fueladjustmentsmonthly`). */
  readonly fuelAdjustments: Float64Array | null;
  readonly touDemand: { periods: TierTable[]; weekday: FlatSchedule; weekend: FlatSchedule } | null;
  /** Flat (facility) demand: the structure period of each month of year (OpenEI URDB `flatdemandmonths`). */
  readonly flatDemand: { periods: TierTable[]; months: Int16Array } | null;
  /** Coincident demand: one 12 x 24 schedule for every day (OpenEI URDB `coincidentrateschedule`). */
  readonly coincidentDemand: { periods: TierTable[]; schedule: FlatSchedule } | null;
  /** Fraction (0..1) of the highest flat billing demand of the previous 11 periods, per month of year. */
  readonly ratchet: Float64Array | null;
  readonly demandWindowMinutes: number;
  readonly fixedCharge: { usd: number; unit: '$/month' | '$/day' | '$/year' } | null;
  readonly minCharge: { usd: number; unit: '$/month' | '$/day' } | null;
}

type Path = (string | number)[];

/** `invalid`: the item is malformed (KM_VALIDATION); `unsupported`: a feature the engine does not bill (KM_TARIFF_UNSUPPORTED). */
type IssueKind = 'invalid' | 'unsupported';

class Issues {
  readonly list: ErrorIssue[] = [];
  #malformed = false;
  constructor(private readonly prefix: string) {}
  add(path: Path, message: string, kind: IssueKind): void {
    const p = formatPath(path);
    this.list.push({ path: this.prefix === '' ? p : `${this.prefix}.${p}`, message });
    if (kind === 'invalid') this.#malformed = true;
  }
  get malformed(): boolean {
    return this.#malformed;
  }
}

/**
 * Checks a URDB rate item (the JSON of one element of the API's `items`) and compiles it. Throws
 * KM_TARIFF_UNSUPPORTED or KM_VALIDATION (see above) listing every offending field; `pathPrefix` (e.g.
 * `tariffs[0].urdb`) is put in front of each path.
 */
export function parseUrdbRate(input: unknown, pathPrefix = ''): UrdbTariff {
  const parsed = UrdbRateItem.safeParse(input);
  const issues = new Issues(pathPrefix);
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.add(i.path as Path, i.message, 'invalid');
    throw refusal(issues);
  }
  const r = parsed.data;
  const tariff: UrdbTariff = {
    energy: energyPart(r, issues),
    fuelAdjustments: twelve(r.fueladjustmentsmonthly),
    touDemand: touDemandPart(r, issues),
    flatDemand: flatDemandPart(r, issues),
    coincidentDemand: coincidentPart(r, issues),
    ratchet: null,
    demandWindowMinutes: demandWindow(r, issues),
    fixedCharge: fixedCharge(r, issues),
    minCharge: minCharge(r, issues),
  };
  const withRatchet = { ...tariff, ratchet: ratchet(r, tariff, issues) };
  refuseUnimplemented(r, issues);
  if (issues.list.length > 0) throw refusal(issues);
  return withRatchet;
}

function refusal(issues: Issues): KeymeterError {
  const detail = issues.list.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new KeymeterError(issues.malformed ? 'KM_VALIDATION' : 'KM_TARIFF_UNSUPPORTED', `URDB rate refused: ${detail}`, { issues: issues.list });
}

type Rate = UrdbRateItem;

function energyPart(r: Rate, issues: Issues): UrdbTariff['energy'] {
  const s = r.energyratestructure;
  if (!s || s.length === 0) return null;
  const weekday = schedule(r.energyweekdayschedule, 'energyweekdayschedule', s.length, issues);
  const weekend = schedule(r.energyweekendschedule, 'energyweekendschedule', s.length, issues);
  const periods = s.map((tiers, p): EnergyPeriod => {
    const table = tierTable(tiers, ['energyratestructure', p], issues);
    // An absent unit is kWh. Only limits use the unit: a single tier has none, and the last tier's is open,
    // so its unit is only checked to be one the engine knows.
    const units = tiers.map((t) => canonicalEnergyUnit(t.unit ?? 'kWh'));
    if (tiers.length > 1) {
      units.forEach((u, t) => {
        if (u === undefined) issues.add(['energyratestructure', p, t, 'unit'], `unit '${tiers[t]!.unit}' is not supported (supported: ${ENERGY_TIER_UNITS.join(', ')})`, 'unsupported');
        else if (t < tiers.length - 1 && units[0] !== undefined && u !== units[0]) {
          issues.add(['energyratestructure', p, t, 'unit'], `tiers of one period mix units ('${units[0]}' and '${u}'); block-and-step tiers are not supported`, 'unsupported');
        }
      });
    }
    return { ...table, unit: units[0] ?? 'kWh' };
  });
  if (!weekday || !weekend) return null;
  sameTierLimitsPerMonth(periods, weekday, weekend, issues);
  return { periods, weekday, weekend };
}

/**
 * Tier limits apply to a month's total kWh over all of its energy periods (energy.ts cites NREL SAM and
 * REopt.jl), so the periods with tiers that share a month must share their limits and unit: SAM refuses
 * such a rate ("Tiers within a month should be the same for TOU rates") and REopt.jl keeps one set of
 * limits per month. A period with one tier has no limit and may sit beside them.
 */
function sameTierLimitsPerMonth(periods: readonly EnergyPeriod[], weekday: FlatSchedule, weekend: FlatSchedule, issues: Issues): void {
  const reported = new Set<number>();
  for (let m = 0; m < MONTHS; m++) {
    const used = new Set<number>();
    for (let h = 0; h < HOURS; h++) {
      used.add(weekday[m * HOURS + h]!);
      used.add(weekend[m * HOURS + h]!);
    }
    const tiered = [...used].filter((p) => p < periods.length && periods[p]!.limits.length > 1).sort((a, b) => a - b);
    const first = tiered[0];
    for (const p of tiered.slice(1)) {
      const k = firstDifference(periods[first!]!, periods[p]!);
      if (k === -1 || reported.has(p)) continue;
      reported.add(p);
      const field = periods[p]!.unit !== periods[first!]!.unit ? 'unit' : 'max';
      issues.add(['energyratestructure', p, k, field],
        `period ${p}'s tier limits differ from period ${first}'s, and both are used in month ${m + 1}; one set of tier limits applies to a month's total kWh, so differing limits are not supported`, 'unsupported');
    }
  }
}

/** The first tier whose limit (or the unit, reported at tier 0) differs; -1 when the tables agree. */
function firstDifference(a: EnergyPeriod, b: EnergyPeriod): number {
  if (a.unit !== b.unit) return 0;
  const n = Math.max(a.limits.length, b.limits.length);
  for (let k = 0; k < n; k++) if (a.limits[k] !== b.limits[k]) return Math.min(k, b.limits.length - 1);
  return -1;
}

function canonicalEnergyUnit(unit: string): EnergyTierUnit | undefined {
  return ENERGY_TIER_UNITS.find((u) => u.toLowerCase() === unit.trim().toLowerCase());
}

function touDemandPart(r: Rate, issues: Issues): UrdbTariff['touDemand'] {
  const s = r.demandratestructure;
  if (!s || s.length === 0) return null;
  const periods = s.map((tiers, p) => tierTable(tiers, ['demandratestructure', p], issues));
  if (allFree(periods)) return null;
  demandUnits(s, 'demandratestructure', issues);
  kw(r.demandrateunit, ['demandrateunit'], issues);
  kw(r.demandunits, ['demandunits'], issues);
  const weekday = schedule(r.demandweekdayschedule, 'demandweekdayschedule', s.length, issues);
  const weekend = schedule(r.demandweekendschedule, 'demandweekendschedule', s.length, issues);
  return weekday && weekend ? { periods, weekday, weekend } : null;
}

function flatDemandPart(r: Rate, issues: Issues): UrdbTariff['flatDemand'] {
  const s = r.flatdemandstructure;
  if (!s || s.length === 0) return null;
  const periods = s.map((tiers, p) => tierTable(tiers, ['flatdemandstructure', p], issues));
  if (allFree(periods)) return null;
  demandUnits(s, 'flatdemandstructure', issues);
  kw(r.flatdemandunit, ['flatdemandunit'], issues);
  kw(r.demandunits, ['demandunits'], issues);
  const months = r.flatdemandmonths;
  if (!months) {
    if (s.length === 1) return { periods, months: new Int16Array(MONTHS) };
    issues.add(['flatdemandmonths'], `required when flatdemandstructure has ${s.length} periods`, 'invalid');
    return null;
  }
  months.forEach((p, m) => {
    if (p >= s.length) issues.add(['flatdemandmonths', m], `period ${p} does not exist (flatdemandstructure has ${s.length})`, 'invalid');
  });
  return { periods, months: Int16Array.from(months) };
}

function coincidentPart(r: Rate, issues: Issues): UrdbTariff['coincidentDemand'] {
  const s = r.coincidentratestructure;
  if (!s || s.length === 0) return null;
  const periods = s.map((tiers, p) => tierTable(tiers, ['coincidentratestructure', p], issues));
  if (allFree(periods)) return null;
  demandUnits(s, 'coincidentratestructure', issues);
  kw(r.coincidentrateunit, ['coincidentrateunit'], issues);
  const sched = schedule(r.coincidentrateschedule, 'coincidentrateschedule', s.length, issues);
  return sched ? { periods, schedule: sched } : null;
}

/** OpenEI URDB demand tiers may carry a `unit`; only kW is billed (kVA and hp need data Keymeter does not bill from). */
function demandUnits(s: UrdbStructure, field: string, issues: Issues): void {
  s.forEach((tiers, p) => tiers.forEach((t, k) => kw(t.unit, [field, p, k, 'unit'], issues)));
}

function kw(unit: string | null | undefined, path: Path, issues: Issues): void {
  if (unit != null && unit.trim().toLowerCase() !== 'kw') issues.add(path, `demand unit '${unit}' is not supported (only kW)`, 'unsupported');
}

/** Compiles one period's tiers: every tier but the last needs an increasing `max`. */
function tierTable(tiers: UrdbStructure[number], path: Path, issues: Issues): TierTable {
  const n = tiers.length;
  const limits = new Float64Array(n);
  const prices = new Float64Array(n);
  let previous = 0;
  tiers.forEach((t, k) => {
    prices[k] = (t.rate ?? 0) + (t.adj ?? 0); // OpenEI URDB: adj is added to rate
    if (k === n - 1) {
      limits[k] = Infinity;
      return;
    }
    if (t.max == null) issues.add([...path, k, 'max'], 'required on every tier but the last', 'invalid');
    else if (!(t.max > previous)) issues.add([...path, k, 'max'], `must be greater than the previous tier's max (${previous})`, 'invalid');
    limits[k] = t.max ?? previous;
    previous = limits[k]!;
  });
  return { limits, prices };
}

function schedule(s: UrdbSchedule | null | undefined, field: string, periods: number, issues: Issues): FlatSchedule | null {
  if (!s) {
    issues.add([field], 'required with its rate structure', 'invalid');
    return null;
  }
  const out = new Int16Array(MONTHS * HOURS);
  let bad = false;
  s.forEach((row, m) => row.forEach((p, h) => {
    if (p >= periods && !bad) {
      bad = true;
      issues.add([field, m, h], `period ${p} does not exist (the structure has ${periods}; periods are 0-based)`, 'invalid');
    }
    out[m * HOURS + h] = p;
  }));
  return out;
}

function twelve(values: readonly number[] | null | undefined): Float64Array | null {
  return values && values.some((v) => v !== 0) ? Float64Array.from(values) : null;
}

function demandWindow(r: Rate, issues: Issues): number {
  const w = r.demandwindow;
  if (w == null || w === 0) return DEFAULT_DEMAND_WINDOW_MINUTES;
  if (!Number.isInteger(w) || w < 0 || MINUTES_PER_HOUR % w !== 0) {
    issues.add(['demandwindow'], `a demand window of ${w} minutes is not supported (it must divide an hour)`, 'unsupported');
  }
  return w;
}

function ratchet(r: Rate, t: UrdbTariff, issues: Issues): Float64Array | null {
  const pct = twelve(r.demandratchetpercentage);
  if (!pct) return null;
  pct.forEach((v, m) => {
    if (v < 0 || v > 1) issues.add(['demandratchetpercentage', m], `${v} is not a fraction 0..1`, 'invalid');
  });
  if (!t.flatDemand) issues.add(['demandratchetpercentage'], 'a ratchet is only supported on flat demand (flatdemandstructure)', 'unsupported');
  return pct;
}

function fixedCharge(r: Rate, issues: Issues): UrdbTariff['fixedCharge'] {
  const first = r.fixedchargefirstmeter ?? 0;
  const legacy = r.fixedmonthlycharge ?? 0; // URDB API version 3: $/month
  if (first !== 0 && legacy !== 0) {
    issues.add(['fixedmonthlycharge'], 'both fixedmonthlycharge and fixedchargefirstmeter are set; the rate is ambiguous', 'invalid');
    return null;
  }
  if (legacy !== 0) return { usd: legacy, unit: '$/month' };
  if (first === 0) return null;
  const unit = r.fixedchargeunits;
  if (unit === '$/month' || unit === '$/day' || unit === '$/year') return { usd: first, unit };
  issues.add(['fixedchargeunits'], `'${unit ?? ''}' is not a fixed charge unit ($/month, $/day, $/year)`, 'invalid');
  return null;
}

function minCharge(r: Rate, issues: Issues): UrdbTariff['minCharge'] {
  const min = r.mincharge ?? 0;
  const legacy = r.minmonthlycharge ?? 0; // URDB API version 3: $/month
  if ((r.annualmincharge ?? 0) !== 0) issues.add(['annualmincharge'], 'an annual minimum charge is not supported', 'unsupported');
  if (min !== 0 && legacy !== 0) {
    issues.add(['minmonthlycharge'], 'both minmonthlycharge and mincharge are set; the rate is ambiguous', 'invalid');
    return null;
  }
  if (legacy !== 0) return { usd: legacy, unit: '$/month' };
  if (min === 0) return null;
  const unit = r.minchargeunits;
  if (unit === '$/month' || unit === '$/day') return { usd: min, unit };
  if (unit === '$/year') issues.add(['minchargeunits'], 'an annual minimum charge ($/year) is not supported', 'unsupported');
  else issues.add(['minchargeunits'], `'${unit ?? ''}' is not a minimum charge unit ($/month, $/day, $/year)`, 'invalid');
  return null;
}

/** Fields that change a bill and that the engine does not implement: refused when set. */
function refuseUnimplemented(r: Rate, issues: Issues): void {
  if ((r.demandreactivepowercharge ?? 0) !== 0) issues.add(['demandreactivepowercharge'], 'a reactive power charge ($/kVAR) is not supported', 'unsupported');
  if ((r.lookbackpercent ?? 0) !== 0) issues.add(['lookbackpercent'], 'demand lookback is not supported', 'unsupported');
  if ((r.lookbackrange ?? 0) !== 0) issues.add(['lookbackrange'], 'demand lookback is not supported', 'unsupported');
  if (r.lookbackmonths?.some((v) => v === true || (typeof v === 'number' && v !== 0))) issues.add(['lookbackmonths'], 'demand lookback is not supported', 'unsupported');
  for (const field of ['energyattrs', 'demandattrs', 'fixedattrs'] as const) {
    const v = r[field];
    if (v && v.length > 0) issues.add([field], 'other charges given as free-form attributes cannot be billed; remove the field to bill without them', 'unsupported');
  }
}
