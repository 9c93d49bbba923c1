/**
 * Statements of the ingest path besides the readings batch (readings.ts): dead letters, meter events,
 * and the channel lookup the workers validate against.
 */
import type pg from 'pg';

export const ingestQueries = {
  insertDeadLetters: {
    name: 'ingest_dead_letters.insert_batch',
    text: `insert into ingest_dead_letters (received_at, source, topic_or_unit, meter_id, payload, payload_truncated, code, detail)
           select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::bool[], $7::text[], $8::text[])`,
  },
  insertEvents: {
    name: 'meter_events.insert_batch',
    // Redelivered events are no-ops (primary key meter_id, ts, type).
    text: `insert into meter_events (meter_id, ts, type, source)
           select * from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[])
           on conflict do nothing`,
  },
  selectMeterChannels: {
    name: 'meters.select_channels_for_ingest',
    text: `select m.id as meter_id, s.timezone, c.id as channel_id, c.kind, c.interval_minutes
             from meters m join sites s on s.id = m.site_id left join channels c on c.meter_id = m.id
            where m.id = $1`,
  },
} as const;

export interface DeadLetterRow {
  receivedAtMs: number;
  source: string;
  topicOrUnit: string | null;
  meterId: string | null;
  payload: Buffer | null;
  payloadTruncated: boolean;
  code: string;
  detail: string;
}

export interface MeterEventRow {
  meterId: string;
  tsMs: number;
  type: 'power_off' | 'power_on';
  source: string;
}

export async function insertDeadLetters(client: pg.ClientBase | pg.Pool, rows: readonly DeadLetterRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await client.query({
    ...ingestQueries.insertDeadLetters,
    values: [
      rows.map((r) => new Date(r.receivedAtMs).toISOString()), rows.map((r) => r.source), rows.map((r) => r.topicOrUnit),
      rows.map((r) => r.meterId), rows.map((r) => r.payload), rows.map((r) => r.payloadTruncated), rows.map((r) => r.code),
      rows.map((r) => r.detail),
    ],
  });
  return res.rowCount ?? 0;
}

export async function insertEvents(client: pg.ClientBase | pg.Pool, rows: readonly MeterEventRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await client.query({
    ...ingestQueries.insertEvents,
    values: [rows.map((r) => r.meterId), rows.map((r) => new Date(r.tsMs).toISOString()), rows.map((r) => r.type), rows.map((r) => r.source)],
  });
  return res.rowCount ?? 0;
}

export interface MeterChannelsRow {
  meterId: string;
  timezone: string;
  channels: { channelId: number; kind: string; intervalMinutes: number }[];
}

/** The meter's site time zone and channels, or undefined for an unknown meter. */
export async function selectMeterChannels(db: pg.Pool | pg.ClientBase, meterId: string): Promise<MeterChannelsRow | undefined> {
  const r = await db.query<{ meter_id: string; timezone: string; channel_id: number | null; kind: string | null; interval_minutes: number | null }>({
    ...ingestQueries.selectMeterChannels, values: [meterId],
  });
  const first = r.rows[0];
  if (!first) return undefined;
  return {
    meterId: first.meter_id,
    timezone: first.timezone,
    channels: r.rows.filter((x) => x.channel_id !== null).map((x) => ({ channelId: x.channel_id!, kind: x.kind!, intervalMinutes: x.interval_minutes! })),
  };
}
