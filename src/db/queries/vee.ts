/**
 * VEE storage (migrations/0010): validation flags and estimates, written by the VEE runner
 * (src/vee/run.ts) beside the readings, never over them. Each write replaces what an earlier run stored
 * for the same channel and range, and raises the channel's version (migrations/0005) in the same
 * statement when, and only when, a row changed: a re-run that finds what is stored writes nothing and
 * leaves cached analyses valid. Instants travel as float8 epoch ms (interval starts are whole minutes,
 * exact in float8), so no Date is made per row.
 */
import type pg from 'pg';

/** Raises the version of channel $1 when `changedCte` returned a row (migrations/0005). */
const RAISE_VERSION_IF = (changedCtes: string[]) => `versioned as (
           insert into channel_versions (channel_id, version)
           select $1::int, 1 where ${changedCtes.map((c) => `exists (select 1 from ${c})`).join(' or ')}
           on conflict (channel_id) do update set version = channel_versions.version + 1
           returning 1
         )`;

const TS = (p: string) => `to_timestamp(${p}::float8 / 1000)`;

export const veeQueries = {
  /** Serializes VEE writers of one channel (the ingest worker's runner and `keymeter vee run`). */
  lockChannel: { name: 'vee.lock_channel', text: `select pg_advisory_xact_lock(727010, $1::int)` },
  channel: {
    name: 'vee.select_channel',
    text: `select c.id, c.meter_id, c.kind, c.interval_minutes, s.timezone,
                  kw.id as kw_id, kw.interval_minutes as kw_interval_minutes, kwh.id as kwh_id
             from channels c
             join meters m on m.id = c.meter_id
             join sites s on s.id = m.site_id
             left join channels kw on kw.meter_id = c.meter_id and kw.kind = 'kw'
             left join channels kwh on kwh.meter_id = c.meter_id and kwh.kind = 'kwh_del'
            where c.id = $1`,
  },
  meterChannels: { name: 'vee.select_meter_channels', text: `select id from channels where meter_id = $1 order by position` },
  /** Start of the last reading before $2 (epoch ms), or null. */
  prevReading: {
    name: 'vee.select_prev_reading',
    text: `select date_part('epoch', ts) * 1000 as ts_ms from readings where channel_id = $1 and ts < ${TS('$2')} order by ts desc limit 1`,
  },
  /** The latest edit of each interval in [$2, $3) as (int4 index from $2 in steps of $4 ms, float8 value) pairs. */
  latestEdits: {
    name: 'vee.select_latest_edits',
    text: `select coalesce(string_agg(int4send(((date_part('epoch', ts) * 1000 - $2::float8) / $4::float8)::int4) || float8send(value), ''::bytea), ''::bytea) as d
             from (select distinct on (ts) ts, value from reading_edit_values
                    where channel_id = $1 and ts >= ${TS('$2')} and ts < ${TS('$3')}
                    order by ts, edit_id desc) latest`,
  },
  /**
   * The flags of rules $4 in [$2, $3) become exactly the incoming ones: others of those rules are
   * deleted, new ones inserted, changed details updated. Deleted and updated rows are disjoint (a
   * (ts, rule) in incoming is never deleted), so no row is modified twice in the statement.
   */
  replaceFlags: {
    name: 'vee.replace_flags',
    text: `with incoming as (
             select ${TS('t.ts_ms')} as ts, t.rule, t.detail::jsonb as detail
               from unnest($5::float8[], $6::text[], $7::text[]) as t(ts_ms, rule, detail)
           ), deleted as (
             delete from reading_flags f
              where f.channel_id = $1 and f.ts >= ${TS('$2')} and f.ts < ${TS('$3')} and f.rule = any($4::text[])
                and not exists (select 1 from incoming i where i.ts = f.ts and i.rule = f.rule)
             returning 1
           ), upserted as (
             insert into reading_flags (channel_id, ts, rule, detail)
             select $1, ts, rule, detail from incoming
             on conflict (channel_id, ts, rule) do update set detail = excluded.detail, flagged_at = now()
              where reading_flags.detail is distinct from excluded.detail
             returning 1
           ), ${RAISE_VERSION_IF(['deleted', 'upserted'])}
           select (select count(*) from deleted)::int as deleted, (select count(*) from upserted)::int as written`,
  },
  /**
   * The estimates of [$2, $3) become the incoming ones (which may reach beyond the range: a gap is
   * estimated whole). An estimate whose interval has a reading now is kept: the reading supersedes it
   * (effective value) and it still shows what had been assumed.
   */
  replaceEstimates: {
    name: 'vee.replace_estimates',
    text: `with incoming as (
             select ${TS('t.ts_ms')} as ts, t.value, t.method
               from unnest($4::float8[], $5::float8[], $6::text[]) as t(ts_ms, value, method)
           ), deleted as (
             delete from reading_estimates e
              where e.channel_id = $1 and e.ts >= ${TS('$2')} and e.ts < ${TS('$3')}
                and not exists (select 1 from incoming i where i.ts = e.ts)
                and not exists (select 1 from readings r where r.channel_id = e.channel_id and r.ts = e.ts)
             returning 1
           ), upserted as (
             insert into reading_estimates (channel_id, ts, value, method)
             select $1, ts, value, method from incoming
             on conflict (channel_id, ts) do update set value = excluded.value, method = excluded.method, estimated_at = now()
              where (reading_estimates.value, reading_estimates.method) is distinct from (excluded.value, excluded.method)
             returning 1
           ), ${RAISE_VERSION_IF(['deleted', 'upserted'])}
           select (select count(*) from deleted)::int as deleted, (select count(*) from upserted)::int as written`,
  },
  flagsInRange: {
    name: 'vee.select_flags',
    text: `select date_part('epoch', ts) * 1000 as ts_ms, rule, detail from reading_flags
            where channel_id = $1 and ts >= $2::timestamptz and ts <= $3::timestamptz order by ts, rule`,
  },
} as const;

export interface VeeChannel {
  id: number;
  meterId: string;
  kind: string;
  intervalMinutes: number;
  timeZone: string;
  /** The meter's kw channel, when it has one. */
  kw: { id: number; intervalMinutes: number } | undefined;
  /** The meter's kwh_del channel, when it has one. */
  kwhId: number | undefined;
}

export async function selectVeeChannel(db: pg.Pool | pg.ClientBase, channelId: number): Promise<VeeChannel | undefined> {
  const r = await db.query<{ id: number; meter_id: string; kind: string; interval_minutes: number; timezone: string; kw_id: number | null; kw_interval_minutes: number | null; kwh_id: number | null }>({
    ...veeQueries.channel, values: [channelId],
  });
  const x = r.rows[0];
  if (!x) return undefined;
  return {
    id: x.id, meterId: x.meter_id, kind: x.kind, intervalMinutes: x.interval_minutes, timeZone: x.timezone,
    kw: x.kw_id === null ? undefined : { id: x.kw_id, intervalMinutes: x.kw_interval_minutes! },
    kwhId: x.kwh_id ?? undefined,
  };
}

export async function selectMeterChannelIds(db: pg.Pool | pg.ClientBase, meterId: string): Promise<number[]> {
  const r = await db.query<{ id: number }>({ ...veeQueries.meterChannels, values: [meterId] });
  return r.rows.map((x) => x.id);
}

export async function selectPrevReadingMs(db: pg.Pool | pg.ClientBase, channelId: number, beforeMs: number): Promise<number | undefined> {
  const r = await db.query<{ ts_ms: number }>({ ...veeQueries.prevReading, values: [channelId, beforeMs] });
  const row = r.rows[0];
  return row ? Math.round(row.ts_ms) : undefined;
}

/** Lays the latest edit of each interval of [fromMs, toMs) over `values` (aligned at fromMs) in place. */
export async function overlayLatestEdits(db: pg.Pool | pg.ClientBase, channelId: number, intervalMinutes: number, fromMs: number, toMs: number, values: Float64Array): Promise<number> {
  const stepMs = intervalMinutes * 60_000;
  const r = await db.query<{ d: Buffer }>({ ...veeQueries.latestEdits, values: [channelId, fromMs, toMs, stepMs] });
  const d = r.rows[0]?.d ?? Buffer.alloc(0);
  let n = 0;
  for (let j = 0; j < d.length; j += 12) {
    const k = d.readInt32BE(j);
    if (k >= 0 && k < values.length) {
      values[k] = d.readDoubleBE(j + 4);
      n++;
    }
  }
  return n;
}

export async function lockChannelForVee(client: pg.ClientBase, channelId: number): Promise<void> {
  await client.query({ ...veeQueries.lockChannel, values: [channelId] });
}

export interface FlagRows {
  tsMs: number[];
  rule: string[];
  /** JSON text of each flag's detail. */
  detail: string[];
}

export interface ReplaceOutcome {
  deleted: number;
  written: number;
}

/** Replaces the flags of `rules` on [fromMs, toMs) with `rows` (each inside the range). */
export async function replaceFlags(client: pg.ClientBase, channelId: number, fromMs: number, toMs: number, rules: readonly string[], rows: FlagRows): Promise<ReplaceOutcome> {
  const r = await client.query<ReplaceOutcome>({ ...veeQueries.replaceFlags, values: [channelId, fromMs, toMs, rules, rows.tsMs, rows.rule, rows.detail] });
  return r.rows[0]!;
}

export interface EstimateRows {
  tsMs: number[];
  values: number[];
  method: string[];
}

/** Replaces the estimates of [fromMs, toMs) with `rows`, keeping those superseded by a reading. */
export async function replaceEstimates(client: pg.ClientBase, channelId: number, fromMs: number, toMs: number, rows: EstimateRows): Promise<ReplaceOutcome> {
  const r = await client.query<ReplaceOutcome>({ ...veeQueries.replaceEstimates, values: [channelId, fromMs, toMs, rows.tsMs, rows.values, rows.method] });
  return r.rows[0]!;
}

export interface FlagRow {
  tsMs: number;
  rule: string;
  detail: Record<string, unknown>;
}

/** Flags of a channel with ts in [fromIso, toIso] (both included: the first and last ts of a page). */
export async function selectFlags(db: pg.Pool | pg.ClientBase, channelId: number, fromIso: string, toIso: string): Promise<FlagRow[]> {
  const r = await db.query<{ ts_ms: number; rule: string; detail: Record<string, unknown> }>({ ...veeQueries.flagsInRange, values: [channelId, fromIso, toIso] });
  return r.rows.map((x) => ({ tsMs: Math.round(x.ts_ms), rule: x.rule, detail: x.detail }));
}
