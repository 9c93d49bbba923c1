/**
 * Edits (migrations/0010): a person replaces a channel's values over [from, to) with a reason. Each edit
 * is a new version of the channel (1, 2, ... per channel) and is never changed afterwards; the raw
 * readings are not touched. The latest edit of an interval gives its effective value.
 */
import type pg from 'pg';

export const editQueries = {
  channel: {
    name: 'reading_edits.select_channel',
    text: `select c.id, c.interval_minutes, s.timezone from channels c join meters m on m.id = c.meter_id join sites s on s.id = m.site_id
            where c.meter_id = $1 and c.kind = $2`,
  },
  /**
   * The edit, its values and the channel's data version in one statement. The caller holds the
   * channel's VEE lock (vee.ts `lockChannelForVee`), so max(version) + 1 cannot race.
   */
  insert: {
    name: 'reading_edits.insert_edit',
    text: `with edit as (
             insert into reading_edits (channel_id, version, from_ts, to_ts, reason, actor)
             select $1, coalesce((select max(version) from reading_edits where channel_id = $1), 0) + 1,
                    to_timestamp($2::float8 / 1000), to_timestamp($3::float8 / 1000), $4, $5
             returning id, version, created_at
           ), vals as (
             insert into reading_edit_values (channel_id, ts, edit_id, value)
             select $1, to_timestamp(t.ts_ms / 1000), edit.id, t.value
               from edit, unnest($6::float8[], $7::float8[]) as t(ts_ms, value)
             returning 1
           ), versioned as (
             -- migrations/0005: an edit changes what the channel reads as.
             insert into channel_versions (channel_id, version) values ($1, 1)
             on conflict (channel_id) do update set version = channel_versions.version + 1
             returning 1
           )
           select edit.id::text as id, edit.version, date_part('epoch', edit.created_at) * 1000 as created_ms,
                  (select count(*) from vals)::int as intervals, (select count(*) from versioned)::int as versioned
             from edit`,
  },
  listByMeter: {
    name: 'reading_edits.select_by_meter',
    text: `select e.id::text as id, e.version, c.kind, date_part('epoch', e.from_ts) * 1000 as from_ms,
                  date_part('epoch', e.to_ts) * 1000 as to_ms, e.reason, e.actor,
                  date_part('epoch', e.created_at) * 1000 as created_ms,
                  (select array_agg(v.value order by v.ts) from reading_edit_values v
                    where v.channel_id = e.channel_id and v.edit_id = e.id) as values
             from reading_edits e join channels c on c.id = e.channel_id
            where c.meter_id = $1 and ($2::text is null or c.kind = $2)
            order by e.id desc
            limit $3`,
  },
} as const;

/** The channel of `kind` on a meter, with its site's zone (the interval grid of 30- and 60-minute channels is local). */
export async function selectEditChannel(db: pg.Pool | pg.ClientBase, meterId: string, kind: string): Promise<{ id: number; intervalMinutes: number; timeZone: string } | undefined> {
  const r = await db.query<{ id: number; interval_minutes: number; timezone: string }>({ ...editQueries.channel, values: [meterId, kind] });
  const x = r.rows[0];
  return x ? { id: x.id, intervalMinutes: x.interval_minutes, timeZone: x.timezone } : undefined;
}

export interface NewEdit {
  channelId: number;
  fromMs: number;
  toMs: number;
  reason: string;
  /** Who: `key:<key id>` or `cli`. */
  actor: string;
  /** Interval starts (epoch ms) and their new values, one per interval of [fromMs, toMs). */
  tsMs: number[];
  values: number[];
}

export interface StoredEdit {
  id: number;
  version: number;
  createdMs: number;
  intervals: number;
}

/** Stores an edit in the caller's transaction (which holds the channel's VEE lock). */
export async function insertEdit(client: pg.ClientBase, e: NewEdit): Promise<StoredEdit> {
  const r = await client.query<{ id: string; version: number; created_ms: number; intervals: number }>({
    ...editQueries.insert, values: [e.channelId, e.fromMs, e.toMs, e.reason, e.actor, e.tsMs, e.values],
  });
  const row = r.rows[0]!;
  return { id: Number(row.id), version: row.version, createdMs: Math.round(row.created_ms), intervals: row.intervals };
}

export interface EditRow {
  id: number;
  version: number;
  channel: string;
  fromMs: number;
  toMs: number;
  reason: string;
  actor: string;
  createdMs: number;
  /** The edit's values, one per interval from `fromMs`, ascending. */
  values: number[];
}

/** A meter's edits, newest first, optionally of one channel kind. */
export async function listEdits(db: pg.Pool | pg.ClientBase, meterId: string, kind: string | undefined, limit: number): Promise<EditRow[]> {
  const r = await db.query<{ id: string; version: number; kind: string; from_ms: number; to_ms: number; reason: string; actor: string; created_ms: number; values: number[] | null }>({
    ...editQueries.listByMeter, values: [meterId, kind ?? null, limit],
  });
  return r.rows.map((x) => ({
    id: Number(x.id), version: x.version, channel: x.kind, fromMs: Math.round(x.from_ms), toMs: Math.round(x.to_ms),
    reason: x.reason, actor: x.actor, createdMs: Math.round(x.created_ms), values: x.values ?? [],
  }));
}
