/**
 * Reads an account's bundle back in its normalized form (the output of the AccountBundle schema):
 * lists ordered by their position in the bundle, absent optional fields left out.
 */
import type pg from 'pg';
import type { AccountBundle } from '../../core/bundle/schema.js';

type Row = Record<string, unknown>;

/** Statements, one per entity, each scoped to one account ($1). */
export const bundleReadQueries = {
  account: { name: 'bundle.read_account', text: `select id, name, segment from accounts where id = $1` },
  sites: { name: 'bundle.read_sites', text: `select * from sites where account_id = $1 order by position` },
  meters: {
    name: 'bundle.read_meters',
    text: `select m.* from meters m join sites s on s.id = m.site_id where s.account_id = $1 order by m.site_id, m.position`,
  },
  channels: {
    name: 'bundle.read_channels',
    text: `select c.* from channels c join meters m on m.id = c.meter_id join sites s on s.id = m.site_id
            where s.account_id = $1 order by c.meter_id, c.position`,
  },
  transformers: { name: 'bundle.read_transformers', text: `select t.* from transformers t join sites s on s.id = t.site_id where s.account_id = $1 order by t.site_id, t.position` },
  maintenance: {
    name: 'bundle.read_maintenance',
    text: `select x.* from transformer_maintenance x join sites s on s.id = x.site_id where s.account_id = $1 order by x.site_id, x.transformer_id, x.position`,
  },
  equipment: { name: 'bundle.read_equipment', text: `select x.* from equipment x join sites s on s.id = x.site_id where s.account_id = $1 order by x.site_id, x.position` },
  pqRequirements: { name: 'bundle.read_pq_requirements', text: `select x.* from pq_requirements x join sites s on s.id = x.site_id where s.account_id = $1 order by x.site_id, x.position` },
  pqEquipment: { name: 'bundle.read_pq_equipment', text: `select x.* from pq_equipment x join sites s on s.id = x.site_id where s.account_id = $1 order by x.site_id, x.position` },
  supplyNodes: { name: 'bundle.read_supply_nodes', text: `select x.* from supply_path_nodes x join sites s on s.id = x.site_id where s.account_id = $1 order by x.site_id, x.position` },
  supplyEdges: { name: 'bundle.read_supply_edges', text: `select x.* from supply_path_edges x join sites s on s.id = x.site_id where s.account_id = $1 order by x.site_id, x.from_id` },
  tariffs: {
    name: 'bundle.read_tariffs',
    text: `select t.id, t.urdb from account_tariffs a join tariffs t on t.id = a.tariff_id where a.account_id = $1 order by a.position`,
  },
  bills: { name: 'bundle.read_bills', text: `select * from bills where account_id = $1 order by position` },
  payments: { name: 'bundle.read_payments', text: `select * from payments where account_id = $1 order by position` },
  facilityCosts: { name: 'bundle.read_facility_costs', text: `select * from facility_costs where account_id = $1 order by year` },
  reliability: { name: 'bundle.read_reliability', text: `select * from system_reliability where account_id = $1 order by year` },
} as const;

/** Puts `value` under `key` unless it is null (optional fields are absent, not null). */
function put(target: Row, key: string, value: unknown): void {
  if (value !== null && value !== undefined) target[key] = value;
}
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const groupBy = (rows: Row[], key: (r: Row) => string): Map<string, Row[]> => {
  const m = new Map<string, Row[]>();
  for (const r of rows) {
    const k = key(r);
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(r);
  }
  return m;
};

/** The normalized bundle, or undefined when the account does not exist. */
export async function readBundle(db: pg.Pool | pg.ClientBase, accountId: string): Promise<AccountBundle | undefined> {
  const q = async (stmt: { name: string; text: string }, extra: unknown[] = []): Promise<Row[]> =>
    (await db.query<Row>({ ...stmt, values: [accountId, ...extra] })).rows;
  const [account] = await q(bundleReadQueries.account);
  if (!account) return undefined;
  const [sites, meters, channels, transformers, maintenance, equipment, pqReq, pqEq, nodes, edges, bills, payments, costs, reliability, tariffs] =
    await Promise.all([
      q(bundleReadQueries.sites), q(bundleReadQueries.meters), q(bundleReadQueries.channels), q(bundleReadQueries.transformers),
      q(bundleReadQueries.maintenance), q(bundleReadQueries.equipment), q(bundleReadQueries.pqRequirements), q(bundleReadQueries.pqEquipment),
      q(bundleReadQueries.supplyNodes), q(bundleReadQueries.supplyEdges), q(bundleReadQueries.bills), q(bundleReadQueries.payments),
      q(bundleReadQueries.facilityCosts), q(bundleReadQueries.reliability), q(bundleReadQueries.tariffs),
    ]);

  const channelsByMeter = groupBy(channels, (r) => r.meter_id as string);
  const metersBySite = groupBy(meters, (r) => r.site_id as string);
  const maintByTr = groupBy(maintenance, (r) => `${r.site_id as string}\u0000${r.transformer_id as string}`);
  const bySite = (rows: Row[]) => groupBy(rows, (r) => r.site_id as string);
  const [trBySite, eqBySite, pqrBySite, pqeBySite, nodesBySite, edgesBySite] = [transformers, equipment, pqReq, pqEq, nodes, edges].map(bySite) as Map<string, Row[]>[];

  const out: Row = { id: account.id, name: account.name };
  put(out, 'segment', account.segment);
  out.facilityCosts = costs.map((c) => ({ year: c.year, totalUsd: num(c.total_usd) }));
  out.tariffs = tariffs.map((t) => ({ id: t.id, urdb: t.urdb }));
  out.sites = sites.map((s) => {
    const sid = s.id as string;
    const site: Row = { id: sid, name: s.name, timezone: s.timezone };
    put(site, 'nominalVoltage', s.nominal_voltage_v);
    put(site, 'currentTariff', s.current_tariff_id);
    site.candidateTariffs = s.candidate_tariff_ids;
    put(site, 'holidays', s.holidays);
    site.meters = (metersBySite.get(sid) ?? []).map((m) => {
      const meter: Row = { id: m.id, commodity: m.commodity };
      put(meter, 'protocol', m.protocol);
      put(meter, 'modbus', m.modbus);
      meter.channels = (channelsByMeter.get(m.id as string) ?? []).map((c) => {
        const ch: Row = { kind: c.kind };
        put(ch, 'unit', c.unit);
        ch.intervalMinutes = c.interval_minutes;
        return ch;
      });
      return meter;
    });
    site.transformers = (trBySite!.get(sid) ?? []).map((t) => {
      const tr: Row = { id: t.id };
      put(tr, 'kva', t.kva);
      put(tr, 'primaryKv', t.primary_kv);
      put(tr, 'secondaryV', t.secondary_v);
      put(tr, 'cooling', t.cooling);
      tr.meterIds = t.meter_ids;
      put(tr, 'ambientC', t.ambient_c);
      put(tr, 'installedOn', t.installed_on);
      put(tr, 'thermal', t.thermal);
      put(tr, 'maintenanceIntervalMonths', t.maintenance_interval_months);
      tr.maintenance = (maintByTr.get(`${sid}\u0000${t.id as string}`) ?? []).map((m) => {
        const rec: Row = { date: m.date };
        put(rec, 'kind', m.kind);
        put(rec, 'result', m.result);
        put(rec, 'notes', m.notes);
        return rec;
      });
      return tr;
    });
    site.equipment = (eqBySite!.get(sid) ?? []).map((e) => {
      const eq: Row = { id: e.id };
      put(eq, 'kind', e.kind);
      put(eq, 'description', e.description);
      put(eq, 'ratedKw', e.rated_kw);
      Object.assign(eq, (e.details as Row | null) ?? {});
      return eq;
    });
    const reqs = pqrBySite!.get(sid) ?? [];
    const pqe = pqeBySite!.get(sid) ?? [];
    if (reqs.length > 0 || pqe.length > 0) {
      site.powerQuality = {
        requirements: reqs.map((r) => r.requirement),
        equipment: pqe.map((e) => {
          const x: Row = { kind: e.kind };
          put(x, 'kva', e.kva);
          put(x, 'serves', e.serves);
          return x;
        }),
      };
    }
    const feeds = groupBy(edgesBySite!.get(sid) ?? [], (e) => e.to_id as string);
    site.supplyPath = (nodesBySite!.get(sid) ?? []).map((n) => {
      const node: Row = { id: n.id, kind: n.kind };
      put(node, 'name', n.name);
      const from = (feeds.get(n.id as string) ?? []).map((e) => e.from_id as string);
      if (from.length === 1) node.from = from[0];
      else if (from.length > 1) node.from = from;
      return node;
    });
    return site;
  });
  out.bills = bills.map((b) => {
    const bill: Row = { id: b.id };
    put(bill, 'siteId', b.site_id);
    bill.periodStart = b.period_start;
    bill.periodEnd = b.period_end;
    put(bill, 'kwh', b.kwh);
    put(bill, 'peakKw', b.peak_kw);
    bill.amountUsd = num(b.amount_usd);
    put(bill, 'issuedOn', b.issued_on);
    put(bill, 'dueOn', b.due_on);
    return bill;
  });
  out.payments = payments.map((p) => ({ billId: p.bill_id, paidOn: p.paid_on, amountUsd: num(p.amount_usd) }));
  out.systemReliability = reliability.map((r) => {
    const x: Row = { year: r.year };
    put(x, 'saifi', r.saifi);
    put(x, 'saidi', r.saidi);
    put(x, 'caidi', r.caidi);
    put(x, 'maifi', r.maifi);
    return x;
  });
  return out as unknown as AccountBundle;
}
