/**
 * The account bundle in the database: `upsertBundle` writes it in the caller's transaction, entity by
 * entity, writing only what differs (importing the same bundle twice writes no row); `readBundle`
 * assembles the normalized bundle back. Stored readings are never lost: removing a meter or a channel
 * that has readings, conflicts or events, or changing such a channel's interval, is refused.
 */
import type pg from 'pg';
import { KeymeterError, type ErrorIssue } from '../../errors.js';
import type { AccountBundle } from '../../core/bundle/schema.js';
import { deleteMissing, syncRows, upsertRows, type TableSpec } from './entity-sync.js';

const T = (table: string, keys: string[], scope: string, columns: Record<string, string>): TableSpec => ({ table, keys, scope, columns });

const SITES = T('sites', ['id'], 'account_id', {
  id: 'text', account_id: 'text', position: 'int', name: 'text', timezone: 'text', nominal_voltage_v: 'float8',
  current_tariff_id: 'text', candidate_tariff_ids: 'text[]', holidays: 'text',
});
const METERS = T('meters', ['id'], 'site_id', { id: 'text', site_id: 'text', position: 'int', commodity: 'text', protocol: 'text', modbus: 'jsonb' });
const CHANNELS = T('channels', ['meter_id', 'kind'], 'meter_id', { meter_id: 'text', kind: 'text', position: 'int', unit: 'text', interval_minutes: 'smallint' });
const TRANSFORMERS = T('transformers', ['site_id', 'id'], 'site_id', {
  site_id: 'text', id: 'text', position: 'int', kva: 'float8', primary_kv: 'float8', secondary_v: 'float8', cooling: 'text',
  meter_ids: 'text[]', ambient_c: 'float8', installed_on: 'date', thermal: 'jsonb', maintenance_interval_months: 'int',
});
const MAINTENANCE = T('transformer_maintenance', ['site_id', 'transformer_id', 'position'], 'site_id', {
  site_id: 'text', transformer_id: 'text', position: 'int', date: 'date', kind: 'text', result: 'text', notes: 'text',
});
const EQUIPMENT = T('equipment', ['site_id', 'id'], 'site_id', {
  site_id: 'text', id: 'text', position: 'int', kind: 'text', description: 'text', rated_kw: 'float8', details: 'jsonb',
});
const PQ_REQUIREMENTS = T('pq_requirements', ['site_id', 'position'], 'site_id', { site_id: 'text', position: 'int', requirement: 'text' });
const PQ_EQUIPMENT = T('pq_equipment', ['site_id', 'position'], 'site_id', { site_id: 'text', position: 'int', kind: 'text', kva: 'float8', serves: 'text' });
const SUPPLY_NODES = T('supply_path_nodes', ['site_id', 'id'], 'site_id', { site_id: 'text', id: 'text', position: 'int', kind: 'text', name: 'text' });
const SUPPLY_EDGES = T('supply_path_edges', ['site_id', 'from_id', 'to_id'], 'site_id', { site_id: 'text', from_id: 'text', to_id: 'text' });
const TARIFFS = T('tariffs', ['id'], 'id', { id: 'text', name: 'text', utility: 'text', urdb: 'jsonb' });
const ACCOUNT_TARIFFS = T('account_tariffs', ['account_id', 'tariff_id'], 'account_id', { account_id: 'text', tariff_id: 'text', position: 'int' });
const BILLS = T('bills', ['account_id', 'id'], 'account_id', {
  account_id: 'text', id: 'text', position: 'int', site_id: 'text', period_start: 'date', period_end: 'date',
  kwh: 'float8', peak_kw: 'float8', amount_usd: 'numeric', issued_on: 'date', due_on: 'date',
});
const PAYMENTS = T('payments', ['account_id', 'position'], 'account_id', { account_id: 'text', position: 'int', bill_id: 'text', paid_on: 'date', amount_usd: 'numeric' });
const FACILITY_COSTS = T('facility_costs', ['account_id', 'year'], 'account_id', { account_id: 'text', year: 'int', total_usd: 'numeric' });
const RELIABILITY = T('system_reliability', ['account_id', 'year'], 'account_id', {
  account_id: 'text', year: 'int', saifi: 'float8', saidi: 'float8', caidi: 'float8', maifi: 'float8',
});
const ACCOUNT = T('accounts', ['id'], 'id', { id: 'text', name: 'text', segment: 'text' });

export const bundleQueries = {
  lockAccount: { name: 'bundle.lock_account', text: `select pg_advisory_xact_lock(hashtext('keymeter.bundle:' || $1::text))` },
  foreignSites: {
    name: 'bundle.select_foreign_sites',
    text: `select id, account_id from sites where id = any($1::text[]) and account_id <> $2`,
  },
  foreignMeters: {
    name: 'bundle.select_foreign_meters',
    text: `select m.id, s.account_id from meters m join sites s on s.id = m.site_id
            where m.id = any($1::text[]) and s.account_id <> $2`,
  },
  accountSiteIds: { name: 'bundle.select_account_site_ids', text: `select id from sites where account_id = $1` },
  accountMeterIds: {
    name: 'bundle.select_account_meter_ids',
    text: `select m.id from meters m join sites s on s.id = m.site_id where s.account_id = $1`,
  },
  /** Channels of the account with data, and whether the new bundle keeps them at the same interval. */
  channelsWithData: {
    name: 'bundle.select_channels_with_data',
    text: `select c.meter_id, c.kind, c.interval_minutes
             from channels c join meters m on m.id = c.meter_id join sites s on s.id = m.site_id
            where s.account_id = $1
              and (exists (select 1 from readings r where r.channel_id = c.id)
                   or exists (select 1 from reading_conflicts rc where rc.channel_id = c.id))`,
  },
  metersWithEvents: {
    name: 'bundle.select_meters_with_events',
    text: `select distinct e.meter_id from meter_events e join meters m on m.id = e.meter_id join sites s on s.id = m.site_id
            where s.account_id = $1`,
  },
  insertAudit: {
    name: 'audit.insert_entry',
    text: `insert into audit_log (actor, action, account_id, detail) values ($1, $2, $3, $4::jsonb)`,
  },
} as const;

export interface UpsertResult {
  /** Rows inserted, updated or deleted across all tables: 0 when the bundle was already stored. */
  changedRows: number;
  created: boolean;
}

const opt = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** Writes the bundle in the caller's transaction. Throws KM_BUNDLE_OWNERSHIP / KM_BUNDLE_METER_HAS_READINGS. */
export async function upsertBundle(client: pg.ClientBase, b: AccountBundle, actor: string): Promise<UpsertResult> {
  await client.query({ ...bundleQueries.lockAccount, values: [b.id] });
  await checkOwnership(client, b);
  await checkStoredData(client, b);

  const oldSiteIds = (await client.query<{ id: string }>({ ...bundleQueries.accountSiteIds, values: [b.id] })).rows.map((r) => r.id);
  const oldMeterIds = (await client.query<{ id: string }>({ ...bundleQueries.accountMeterIds, values: [b.id] })).rows.map((r) => r.id);
  const existed = (await client.query('select 1 from accounts where id = $1', [b.id])).rowCount === 1;
  let changed = 0;

  changed += await upsertRows(client, ACCOUNT, [{ id: b.id, name: b.name, segment: opt(b.segment) }]);
  if (changed > 0 && existed) await client.query('update accounts set updated_at = now() where id = $1', [b.id]);

  const sites = b.sites.map((s, position) => ({
    id: s.id, account_id: b.id, position, name: s.name, timezone: s.timezone, nominal_voltage_v: opt(s.nominalVoltage),
    current_tariff_id: opt(s.currentTariff), candidate_tariff_ids: s.candidateTariffs, holidays: opt(s.holidays),
  }));
  const meters = b.sites.flatMap((s) => s.meters.map((m, position) => ({
    id: m.id, site_id: s.id, position, commodity: m.commodity, protocol: opt(m.protocol), modbus: opt(m.modbus),
  })));
  const channels = b.sites.flatMap((s) => s.meters.flatMap((m) => m.channels.map((c, position) => ({
    meter_id: m.id, kind: c.kind, position, unit: opt(c.unit), interval_minutes: c.intervalMinutes,
  }))));
  const allSiteIds = [...new Set([...oldSiteIds, ...sites.map((s) => s.id)])];
  const allMeterIds = [...new Set([...oldMeterIds, ...meters.map((m) => m.id)])];

  // Parents first for upserts, children first for deletes.
  changed += await upsertRows(client, SITES, sites);
  changed += await upsertRows(client, METERS, meters);
  const ch = await syncRows(client, CHANNELS, channels, allMeterIds);
  changed += ch.written + ch.deleted;
  changed += await deleteMissing(client, METERS, meters, allSiteIds);

  // Site-owned lists (deleting a site cascades to them).
  const perSite = <R>(f: (s: AccountBundle['sites'][number]) => R[]): R[] => b.sites.flatMap(f);
  const siteIds = sites.map((s) => s.id);
  const syncs: [TableSpec, Record<string, unknown>[]][] = [
    [TRANSFORMERS, perSite((s) => s.transformers.map((t, position) => ({
      site_id: s.id, id: t.id, position, kva: opt(t.kva), primary_kv: opt(t.primaryKv), secondary_v: opt(t.secondaryV),
      cooling: opt(t.cooling), meter_ids: t.meterIds, ambient_c: opt(t.ambientC), installed_on: opt(t.installedOn),
      thermal: opt(t.thermal), maintenance_interval_months: opt(t.maintenanceIntervalMonths),
    })))],
    [MAINTENANCE, perSite((s) => s.transformers.flatMap((t) => t.maintenance.map((m, position) => ({
      site_id: s.id, transformer_id: t.id, position, date: m.date, kind: opt(m.kind), result: opt(m.result), notes: opt(m.notes),
    }))))],
    [EQUIPMENT, perSite((s) => s.equipment.map((e, position) => {
      const { id, kind, description, ratedKw, ...details } = e;
      return { site_id: s.id, id, position, kind: opt(kind), description: opt(description), rated_kw: opt(ratedKw), details: Object.keys(details).length ? details : null };
    }))],
    [PQ_REQUIREMENTS, perSite((s) => (s.powerQuality?.requirements ?? []).map((requirement, position) => ({ site_id: s.id, position, requirement })))],
    [PQ_EQUIPMENT, perSite((s) => (s.powerQuality?.equipment ?? []).map((e, position) => ({ site_id: s.id, position, kind: e.kind, kva: opt(e.kva), serves: opt(e.serves) })))],
    [SUPPLY_NODES, perSite((s) => s.supplyPath.map((n, position) => ({ site_id: s.id, id: n.id, position, kind: n.kind, name: opt(n.name) })))],
    [SUPPLY_EDGES, perSite((s) => s.supplyPath.flatMap((n) =>
      (n.from === undefined ? [] : typeof n.from === 'string' ? [n.from] : n.from).map((from) => ({ site_id: s.id, from_id: from, to_id: n.id }))))],
  ];
  for (const [spec, rows] of syncs) {
    const r = await syncRows(client, spec, rows, siteIds);
    changed += r.written + r.deleted;
  }
  changed += await deleteMissing(client, SITES, sites, [b.id]);

  changed += await upsertRows(client, TARIFFS, b.tariffs.map((t) => ({
    id: t.id, name: typeof t.urdb.name === 'string' ? t.urdb.name : null, utility: typeof t.urdb.utility === 'string' ? t.urdb.utility : null, urdb: t.urdb,
  })));
  const accountSyncs: [TableSpec, Record<string, unknown>[]][] = [
    [ACCOUNT_TARIFFS, b.tariffs.map((t, position) => ({ account_id: b.id, tariff_id: t.id, position }))],
    [BILLS, b.bills.map((x, position) => ({
      account_id: b.id, id: x.id, position, site_id: opt(x.siteId), period_start: x.periodStart, period_end: x.periodEnd,
      kwh: opt(x.kwh), peak_kw: opt(x.peakKw), amount_usd: x.amountUsd, issued_on: opt(x.issuedOn), due_on: opt(x.dueOn),
    }))],
    [PAYMENTS, b.payments.map((p, position) => ({ account_id: b.id, position, bill_id: p.billId, paid_on: p.paidOn, amount_usd: p.amountUsd }))],
    [FACILITY_COSTS, b.facilityCosts.map((f) => ({ account_id: b.id, year: f.year, total_usd: f.totalUsd }))],
    [RELIABILITY, b.systemReliability.map((r) => ({
      account_id: b.id, year: r.year, saifi: opt(r.saifi), saidi: opt(r.saidi), caidi: opt(r.caidi), maifi: opt(r.maifi),
    }))],
  ];
  for (const [spec, rows] of accountSyncs) {
    const r = await syncRows(client, spec, rows, [b.id]);
    changed += r.written + r.deleted;
  }
  await client.query({
    ...bundleQueries.insertAudit,
    values: [actor, 'bundle.put', b.id, JSON.stringify({ changedRows: changed, created: !existed })],
  });
  return { changedRows: changed, created: !existed };
}

async function checkOwnership(client: pg.ClientBase, b: AccountBundle): Promise<void> {
  const issues: ErrorIssue[] = [];
  const sitePath = new Map(b.sites.map((s, i) => [s.id, `sites[${i}].id`]));
  const meterPath = new Map(b.sites.flatMap((s, si) => s.meters.map((m, mi) => [m.id, `sites[${si}].meters[${mi}].id`] as const)));
  const fs = await client.query<{ id: string; account_id: string }>({ ...bundleQueries.foreignSites, values: [[...sitePath.keys()], b.id] });
  for (const r of fs.rows) issues.push({ path: sitePath.get(r.id)!, message: `site '${r.id}' belongs to account '${r.account_id}'` });
  const fm = await client.query<{ id: string; account_id: string }>({ ...bundleQueries.foreignMeters, values: [[...meterPath.keys()], b.id] });
  for (const r of fm.rows) issues.push({ path: meterPath.get(r.id)!, message: `meter '${r.id}' belongs to account '${r.account_id}'` });
  if (issues.length > 0) {
    throw new KeymeterError('KM_BUNDLE_OWNERSHIP', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
  }
}

/** Refuses to drop or re-grid a channel that holds data, or to drop a meter with events. */
async function checkStoredData(client: pg.ClientBase, b: AccountBundle): Promise<void> {
  const keep = new Map<string, number>();
  for (const s of b.sites) for (const m of s.meters) for (const c of m.channels) keep.set(`${m.id}\u0000${c.kind}`, c.intervalMinutes);
  const meterIds = new Set(b.sites.flatMap((s) => s.meters.map((m) => m.id)));
  const issues: ErrorIssue[] = [];
  const rows = await client.query<{ meter_id: string; kind: string; interval_minutes: number }>({ ...bundleQueries.channelsWithData, values: [b.id] });
  for (const r of rows.rows) {
    const minutes = keep.get(`${r.meter_id}\u0000${r.kind}`);
    if (minutes === undefined) {
      issues.push({ path: 'sites', message: `meter '${r.meter_id}' channel '${r.kind}' has stored readings and cannot be removed` });
    } else if (minutes !== r.interval_minutes) {
      issues.push({ path: 'sites', message: `meter '${r.meter_id}' channel '${r.kind}' has readings at ${r.interval_minutes}-minute intervals; its interval cannot change to ${minutes}` });
    }
  }
  const ev = await client.query<{ meter_id: string }>({ ...bundleQueries.metersWithEvents, values: [b.id] });
  for (const r of ev.rows) {
    if (!meterIds.has(r.meter_id)) issues.push({ path: 'sites', message: `meter '${r.meter_id}' has stored events and cannot be removed` });
  }
  if (issues.length > 0) {
    throw new KeymeterError('KM_BUNDLE_METER_HAS_READINGS', issues.map((i) => i.message).join('; '), { issues });
  }
}
