/**
 * Statements of the Modbus poller (ingest/modbus): leases of modbus meters to pollers
 * (migrations/0006), the pollers' heartbeat, and the SunSpec identity of a meter.
 *
 * Leasing is the SKIP LOCKED queue pattern (GW, pg-boss): `modbus.acquire_leases` locks free or expired
 * lease rows it can lock without waiting and takes them in the same statement, so two pollers scanning at
 * the same moment get disjoint sets, and a row another poller is taking is skipped, not waited for.
 * Renewals and releases name the holder, so a poller whose lease was taken over (it stalled past the
 * expiry) renews nothing and learns it lost the meter. Durations are passed in ms and expiry is computed
 * by the database's clock alone, so pollers' clocks never need to agree.
 */
import type pg from 'pg';

export const modbusQueries = {
  upsertPoller: {
    name: 'modbus_pollers.upsert',
    text: `insert into modbus_pollers (id) values ($1) on conflict (id) do update set seen_at = now()`,
  },
  deletePoller: { name: 'modbus_pollers.delete', text: `delete from modbus_pollers where id = $1` },
  /** Rows of pollers gone for a day (a crash leaves its row behind). */
  prunePollers: { name: 'modbus_pollers.prune', text: `delete from modbus_pollers where seen_at < now() - interval '1 day'` },
  /** A lease row for every modbus meter (new meters from a bundle import appear here). */
  ensureLeases: {
    name: 'modbus_leases.insert_missing',
    text: `insert into modbus_leases (meter_id)
           select m.id from meters m
            where m.protocol = 'modbus' and m.modbus is not null
              and not exists (select 1 from modbus_leases l where l.meter_id = m.id)
           on conflict (meter_id) do nothing`,
  },
  /**
   * What a poller needs to pick its share: the modbus meters, the live pollers (seen within one lease),
   * how many it holds, and how long until a lease or a poller it does not own expires (null: none), so
   * it can look again right then instead of up to a scan interval later.
   */
  shareStatus: {
    name: 'modbus_leases.select_share_status',
    text: `select (select count(*) from meters where protocol = 'modbus' and modbus is not null)::int as meters,
                  (select count(*) from modbus_pollers where seen_at > now() - $2::float8 * interval '1 millisecond')::int as pollers,
                  (select count(*) from modbus_leases where holder = $1 and expires_at > now())::int as held,
                  extract(epoch from (
                    select least(
                      (select min(expires_at) from modbus_leases where holder is not null and holder <> $1 and expires_at > now()),
                      (select min(seen_at) + $2::float8 * interval '1 millisecond' from modbus_pollers
                        where id <> $1 and seen_at > now() - $2::float8 * interval '1 millisecond'))
                  ) - now()) * 1000 as next_change_ms`,
  },
  /**
   * Takes up to $3 free or expired leases of modbus meters for poller $1, for $2 ms, and returns them with
   * the state the previous holder saved. SKIP LOCKED: rows locked by a concurrent scan are left to it.
   */
  acquireLeases: {
    name: 'modbus_leases.acquire',
    text: `with free as (
             select l.meter_id from modbus_leases l join meters m on m.id = l.meter_id
              where m.protocol = 'modbus' and m.modbus is not null
                and (l.holder is null or l.expires_at <= now())
              order by l.expires_at, l.meter_id
              limit $3
              for update of l skip locked
           )
           update modbus_leases l
              set holder = $1, expires_at = now() + $2::float8 * interval '1 millisecond', acquired_at = now(), updated_at = now()
             from free where l.meter_id = free.meter_id
           returning l.meter_id, l.state`,
  },
  /**
   * Renews poller $1's leases on the meters in $3 for $2 ms, saving each state in $4 that is not null.
   * Returns the rows it still holds with the meter's current settings; a meter missing from the result
   * was lost (taken over, or the meter is gone).
   */
  renewLeases: {
    name: 'modbus_leases.renew',
    text: `update modbus_leases l
              set expires_at = now() + $2::float8 * interval '1 millisecond', state = coalesce(x.state, l.state), updated_at = now()
             from unnest($3::text[], $4::jsonb[]) as x(meter_id, state), meters m
            where l.meter_id = x.meter_id and m.id = l.meter_id and l.holder = $1 and l.expires_at > now()
           returning l.meter_id, m.protocol, m.modbus`,
  },
  /** Gives leases back (state saved where given), so another poller can take them at once. */
  releaseLeases: {
    name: 'modbus_leases.release',
    text: `update modbus_leases l
              set holder = null, expires_at = now(), state = coalesce(x.state, l.state), updated_at = now()
             from unnest($2::text[], $3::jsonb[]) as x(meter_id, state)
            where l.meter_id = x.meter_id and l.holder = $1`,
  },
  /** Settings and site zone of meters just leased. */
  selectMeters: {
    name: 'meters.select_modbus_settings',
    text: `select m.id, m.protocol, m.modbus, s.timezone from meters m join sites s on s.id = m.site_id where m.id = any($1::text[])`,
  },
  /** SunSpec model 1 identity; a no-op when unchanged. */
  updateIdentity: {
    name: 'meters.update_identity',
    text: `update meters set manufacturer = $2, model = $3, serial_number = $4
            where id = $1 and (manufacturer, model, serial_number) is distinct from ($2, $3, $4)`,
  },
} as const;

export interface ShareStatus {
  meters: number;
  pollers: number;
  held: number;
  /** Ms until a lease or poller this poller does not own expires; null when none will. */
  nextChangeMs: number | null;
}

export interface LeasedRow {
  meterId: string;
  /** The state saved by the last holder (JSON), or null. */
  state: unknown;
}

export interface ModbusMeterRow {
  meterId: string;
  protocol: string | null;
  modbus: unknown;
  timezone: string;
}

type Db = pg.Pool | pg.ClientBase;

export async function upsertPoller(db: Db, pollerId: string): Promise<void> {
  await db.query({ ...modbusQueries.upsertPoller, values: [pollerId] });
}

export async function deletePoller(db: Db, pollerId: string): Promise<void> {
  await db.query({ ...modbusQueries.deletePoller, values: [pollerId] });
}

export async function prunePollers(db: Db): Promise<void> {
  await db.query(modbusQueries.prunePollers);
}

export async function ensureLeases(db: Db): Promise<number> {
  return (await db.query(modbusQueries.ensureLeases)).rowCount ?? 0;
}

export async function shareStatus(db: Db, pollerId: string, leaseMs: number): Promise<ShareStatus> {
  const r = await db.query<{ meters: number; pollers: number; held: number; next_change_ms: string | number | null }>({ ...modbusQueries.shareStatus, values: [pollerId, leaseMs] });
  const row = r.rows[0]!;
  return { meters: row.meters, pollers: row.pollers, held: row.held, nextChangeMs: row.next_change_ms === null ? null : Number(row.next_change_ms) };
}

export async function acquireLeases(db: Db, pollerId: string, leaseMs: number, limit: number): Promise<LeasedRow[]> {
  if (limit <= 0) return [];
  const r = await db.query<{ meter_id: string; state: unknown }>({ ...modbusQueries.acquireLeases, values: [pollerId, leaseMs, limit] });
  return r.rows.map((x) => ({ meterId: x.meter_id, state: x.state }));
}

/** States are JSON text (or null: keep the stored one). */
export async function renewLeases(db: Db, pollerId: string, leaseMs: number, meterIds: readonly string[], states: readonly (string | null)[]): Promise<{ meterId: string; protocol: string | null; modbus: unknown }[]> {
  if (meterIds.length === 0) return [];
  const r = await db.query<{ meter_id: string; protocol: string | null; modbus: unknown }>({ ...modbusQueries.renewLeases, values: [pollerId, leaseMs, meterIds, states] });
  return r.rows.map((x) => ({ meterId: x.meter_id, protocol: x.protocol, modbus: x.modbus }));
}

export async function releaseLeases(db: Db, pollerId: string, meterIds: readonly string[], states: readonly (string | null)[]): Promise<number> {
  if (meterIds.length === 0) return 0;
  return (await db.query({ ...modbusQueries.releaseLeases, values: [pollerId, meterIds, states] })).rowCount ?? 0;
}

export async function selectModbusMeters(db: Db, meterIds: readonly string[]): Promise<ModbusMeterRow[]> {
  if (meterIds.length === 0) return [];
  const r = await db.query<{ id: string; protocol: string | null; modbus: unknown; timezone: string }>({ ...modbusQueries.selectMeters, values: [meterIds] });
  return r.rows.map((x) => ({ meterId: x.id, protocol: x.protocol, modbus: x.modbus, timezone: x.timezone }));
}

export async function updateIdentity(db: Db, meterId: string, identity: { manufacturer: string | null; model: string | null; serialNumber: string | null }): Promise<boolean> {
  const r = await db.query({ ...modbusQueries.updateIdentity, values: [meterId, identity.manufacturer, identity.model, identity.serialNumber] });
  return (r.rowCount ?? 0) > 0;
}
