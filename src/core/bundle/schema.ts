/**
 * The account bundle (CONTRACT.md "Account bundle"): the one zod schema used by
 * `keymeter import account` and `PUT /v1/accounts/{id}/bundle`. Its output is the normalized bundle
 * that `GET /v1/accounts/{id}/bundle` returns: defaults filled in (commodity, units, intervals, empty
 * lists), nothing invented. Objects are strict so that a misspelt field is an error with its path.
 */
import { z } from 'zod';
import { CHANNEL_KINDS, COMMODITIES, INTERVAL_MINUTES, UNITS_BY_KIND, commodityOfKind } from '../channels.js';

/** Ids appear in URLs and MQTT topics: no slashes, '+', '#' or spaces. */
export const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 characters: letters, digits, . _ : - (starting with a letter or digit)');

const IsoDate = z.iso.date('must be a date YYYY-MM-DD');
const Year = z.number().int().min(1900).max(2200);
const NonNegative = z.number().finite().nonnegative();
const Positive = z.number().finite().positive();

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}
export const TimeZone = z.string().refine(isIanaZone, 'must be an IANA time zone such as America/Chicago');

/**
 * A public-holiday calendar: an ISO 3166-1 alpha-2 country code, optionally with an ISO 3166-2
 * subdivision ("US", "US-NY"). Whether the calendar exists is checked at import (src/db/bundle-store.ts).
 */
export const HolidayCalendar = z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be an ISO 3166 country code, optionally with a subdivision: "US", "US-NY"');

export const Channel = z.strictObject({
  kind: z.enum(CHANNEL_KINDS),
  unit: z.string().optional(),
  intervalMinutes: z.literal(INTERVAL_MINUTES).default(15),
});

export const ModbusSettings = z.strictObject({
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(502),
  unitId: z.number().int().min(0).max(255).default(1),
  /** "sunspec" for SunSpec discovery, or the name of a register map in fixtures/registermaps. */
  map: z.string().regex(/^[A-Za-z0-9._-]+$/).default('sunspec'),
  pollSeconds: z.number().int().min(1).max(86_400).default(60),
});

export const Meter = z.strictObject({
  id: Id,
  commodity: z.enum(COMMODITIES).default('electric'),
  protocol: z.enum(['mqtt', 'modbus', 'file']).optional(),
  modbus: ModbusSettings.optional(),
  channels: z.array(Channel).default([]),
});

/** IEEE C57.91 cooling classes (with their older names), and C57.96 dry-type AN/AF. */
export const COOLING_CLASSES = ['ONAN', 'ONAF', 'OFAF', 'OFWF', 'ODAF', 'ODWF', 'OA', 'FA', 'FOA', 'FOW', 'AN', 'AF'] as const;

export const TransformerThermal = z.strictObject({
  topOilRiseC: Positive.optional(),
  hotSpotGradientC: Positive.optional(),
  lossRatio: Positive.optional(),
  n: Positive.optional(),
  m: Positive.optional(),
  oilTimeConstantMin: Positive.optional(),
  windingTimeConstantMin: Positive.optional(),
});

export const Maintenance = z.strictObject({
  date: IsoDate,
  kind: z.string().max(200).optional(),
  result: z.string().max(2000).optional(),
  notes: z.string().max(4000).optional(),
});

export const Transformer = z.strictObject({
  id: Id,
  kva: Positive.optional(),
  primaryKv: Positive.optional(),
  secondaryV: Positive.optional(),
  cooling: z.enum(COOLING_CLASSES).optional(),
  meterIds: z.array(Id).default([]),
  ambientC: z.number().finite().min(-60).max(60).optional(),
  installedOn: IsoDate.optional(),
  thermal: TransformerThermal.optional(),
  maintenanceIntervalMonths: z.number().int().positive().max(600).optional(),
  maintenance: z.array(Maintenance).default([]),
});

export const Equipment = z.strictObject({
  id: Id,
  kind: z.string().max(100).optional(),
  description: z.string().max(2000).optional(),
  ratedKw: NonNegative.optional(),
  manufacturer: z.string().max(200).optional(),
  model: z.string().max(200).optional(),
  installedOn: IsoDate.optional(),
});

export const PowerQuality = z.strictObject({
  requirements: z.array(z.string().min(1).max(2000)).default([]),
  equipment: z
    .array(z.strictObject({ kind: z.string().min(1).max(100), kva: Positive.optional(), serves: z.string().max(500).optional() }))
    .default([]),
});

export const SUPPLY_NODE_KINDS = [
  'transmission', 'substation', 'bus', 'feeder', 'switch', 'recloser', 'regulator', 'capacitor',
  'transformer', 'meter', 'facility', 'generator', 'ups', 'ats', 'other',
] as const;

export const SupplyNode = z.strictObject({
  id: Id,
  kind: z.enum(SUPPLY_NODE_KINDS),
  name: z.string().max(200).optional(),
  /** The node(s) this one is fed from; a string for one feed, a list for several. */
  from: z.union([Id, z.array(Id).min(1)]).optional(),
});

export const Site = z.strictObject({
  id: Id,
  name: z.string().min(1).max(200),
  timezone: TimeZone,
  nominalVoltage: Positive.optional(),
  currentTariff: Id.optional(),
  candidateTariffs: z.array(Id).default([]),
  /** Keymeter extension: the public holidays that use the weekend schedules of the site's tariffs; absent: none. */
  holidays: HolidayCalendar.optional(),
  meters: z.array(Meter).default([]),
  transformers: z.array(Transformer).default([]),
  equipment: z.array(Equipment).default([]),
  powerQuality: PowerQuality.optional(),
  supplyPath: z.array(SupplyNode).default([]),
});

export const Bill = z.strictObject({
  id: Id,
  siteId: Id.optional(),
  periodStart: IsoDate,
  periodEnd: IsoDate,
  kwh: NonNegative.optional(),
  peakKw: NonNegative.optional(),
  amountUsd: z.number().finite(),
  issuedOn: IsoDate.optional(),
  dueOn: IsoDate.optional(),
});

export const Payment = z.strictObject({
  billId: Id,
  paidOn: IsoDate,
  amountUsd: z.number().finite(),
});

export const TariffEntry = z.strictObject({
  id: Id,
  /** An OpenEI URDB rate item with the URDB API's field names; checked by the tariff engine. */
  urdb: z.record(z.string(), z.unknown()),
});

const AccountBase = z.strictObject({
  id: Id,
  name: z.string().min(1).max(200),
  segment: z.string().min(1).max(100).optional(),
  facilityCosts: z.array(z.strictObject({ year: Year, totalUsd: NonNegative })).default([]),
  tariffs: z.array(TariffEntry).default([]),
  sites: z.array(Site).default([]),
  bills: z.array(Bill).default([]),
  payments: z.array(Payment).default([]),
  systemReliability: z
    .array(z.strictObject({ year: Year, saifi: NonNegative.optional(), saidi: NonNegative.optional(), caidi: NonNegative.optional(), maifi: NonNegative.optional() }))
    .default([]),
});

type Ctx = z.core.$RefinementCtx<z.output<typeof AccountBase>>;

function unique<T>(ctx: Ctx, items: readonly T[], key: (t: T) => string, path: (i: number) => (string | number)[], what: string): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: path(i), message: `duplicate ${what} '${k}' (first at index ${first})` });
    else seen.set(k, i);
  });
}

/** Cross-references the schema alone cannot see: unique ids, references that must resolve, units. */
function checkReferences(b: z.output<typeof AccountBase>, ctx: Ctx): void {
  unique(ctx, b.sites, (s) => s.id, (i) => ['sites', i, 'id'], 'site id');
  const allMeters = b.sites.flatMap((s, si) => s.meters.map((m, mi) => ({ m, si, mi })));
  const meterSeen = new Map<string, string>();
  for (const { m, si, mi } of allMeters) {
    const p = ['sites', si, 'meters', mi];
    const where = `sites[${si}].meters[${mi}]`;
    const first = meterSeen.get(m.id);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: [...p, 'id'], message: `duplicate meter id '${m.id}' (first at ${first})` });
    else meterSeen.set(m.id, where);
    if (m.protocol === 'modbus' && m.modbus === undefined) {
      ctx.addIssue({ code: 'custom', path: [...p, 'modbus'], message: 'required when protocol is "modbus"' });
    }
    unique(ctx, m.channels, (c) => c.kind, (ci) => [...p, 'channels', ci, 'kind'], 'channel kind');
    m.channels.forEach((c, ci) => {
      const commodity = commodityOfKind(c.kind);
      if (commodity !== undefined && commodity !== m.commodity) {
        ctx.addIssue({ code: 'custom', path: [...p, 'channels', ci, 'kind'], message: `a ${m.commodity} meter cannot have a '${c.kind}' channel` });
      }
      const units = UNITS_BY_KIND[c.kind];
      if (c.unit !== undefined && !units.includes(c.unit)) {
        ctx.addIssue({
          code: 'custom', path: [...p, 'channels', ci, 'unit'],
          message: units.length === 0 ? `'${c.kind}' has no unit (a fraction such as 0.953)` : `'${c.kind}' takes ${units.map((u) => `'${u}'`).join(' or ')}`,
        });
      }
    });
  }
  b.sites.forEach((s, si) => {
    const siteMeters = new Set(s.meters.map((m) => m.id));
    unique(ctx, s.transformers, (x) => x.id, (i) => ['sites', si, 'transformers', i, 'id'], 'transformer id');
    s.transformers.forEach((tr, ti) =>
      tr.meterIds.forEach((mid, k) => {
        if (!siteMeters.has(mid)) ctx.addIssue({ code: 'custom', path: ['sites', si, 'transformers', ti, 'meterIds', k], message: `no meter '${mid}' in this site` });
      }),
    );
    unique(ctx, s.equipment, (x) => x.id, (i) => ['sites', si, 'equipment', i, 'id'], 'equipment id');
    unique(ctx, s.supplyPath, (x) => x.id, (i) => ['sites', si, 'supplyPath', i, 'id'], 'supply-path node id');
    const nodes = new Set(s.supplyPath.map((n) => n.id));
    s.supplyPath.forEach((n, ni) => {
      const froms = n.from === undefined ? [] : typeof n.from === 'string' ? [n.from] : n.from;
      froms.forEach((f, fi) => {
        const path = ['sites', si, 'supplyPath', ni, 'from', ...(typeof n.from === 'string' ? [] : [fi])];
        if (!nodes.has(f)) ctx.addIssue({ code: 'custom', path, message: `no supply-path node '${f}' in this site` });
        else if (f === n.id) ctx.addIssue({ code: 'custom', path, message: 'a node cannot feed itself' });
      });
    });
    const cycle = findCycle(s.supplyPath);
    if (cycle !== undefined) ctx.addIssue({ code: 'custom', path: ['sites', si, 'supplyPath'], message: `the supply path has a cycle: ${cycle.join(' -> ')}` });
  });
  const siteIds = new Set(b.sites.map((s) => s.id));
  unique(ctx, b.bills, (x) => x.id, (i) => ['bills', i, 'id'], 'bill id');
  b.bills.forEach((bill, i) => {
    if (bill.siteId !== undefined && !siteIds.has(bill.siteId)) ctx.addIssue({ code: 'custom', path: ['bills', i, 'siteId'], message: `no site '${bill.siteId}' in this bundle` });
    if (bill.periodEnd < bill.periodStart) ctx.addIssue({ code: 'custom', path: ['bills', i, 'periodEnd'], message: 'must not be before periodStart' });
  });
  const billIds = new Set(b.bills.map((x) => x.id));
  b.payments.forEach((p, i) => {
    if (!billIds.has(p.billId)) ctx.addIssue({ code: 'custom', path: ['payments', i, 'billId'], message: `no bill '${p.billId}' in this bundle` });
  });
  unique(ctx, b.facilityCosts, (x) => String(x.year), (i) => ['facilityCosts', i, 'year'], 'year');
  unique(ctx, b.systemReliability, (x) => String(x.year), (i) => ['systemReliability', i, 'year'], 'year');
  unique(ctx, b.tariffs, (x) => x.id, (i) => ['tariffs', i, 'id'], 'tariff id');
}

/** A cycle in the "from" graph of a supply path, as node ids, or undefined. */
function findCycle(nodes: readonly z.output<typeof SupplyNode>[]): string[] | undefined {
  const feeds = new Map(nodes.map((n) => [n.id, n.from === undefined ? [] : typeof n.from === 'string' ? [n.from] : n.from]));
  const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 done
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 2) return undefined;
    if (s === 1) return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 1);
    stack.push(id);
    for (const f of feeds.get(id) ?? []) {
      if (!feeds.has(f) || f === id) continue; // reported as a dangling or self reference
      const c = visit(f);
      if (c) return c;
    }
    stack.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const n of nodes) {
    const c = visit(n.id);
    if (c) return c;
  }
  return undefined;
}

/** Fills in each channel's default unit (the kind's first unit; none for pf). */
function normalizeUnits(b: z.output<typeof AccountBase>): z.output<typeof AccountBase> {
  for (const s of b.sites) for (const m of s.meters) for (const c of m.channels) {
    if (c.unit === undefined && UNITS_BY_KIND[c.kind].length > 0) c.unit = UNITS_BY_KIND[c.kind][0]!;
  }
  return b;
}

export const AccountBundle = AccountBase.superRefine(checkReferences).transform(normalizeUnits);
export type AccountBundleInput = z.input<typeof AccountBundle>;
export type AccountBundle = z.output<typeof AccountBundle>;
export type SiteBundle = AccountBundle['sites'][number];
