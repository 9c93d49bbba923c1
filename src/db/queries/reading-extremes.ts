/**
 * Interval min/max beside an interval average (migrations/0006 `reading_extremes`), written in the same
 * transaction as the readings they belong to (ingest/writer.ts). Idempotent like readings: a re-poll of
 * an interval already stored is a no-op (the first write wins).
 */
import type pg from 'pg';

export const readingExtremesQueries = {
  insertBatch: {
    name: 'reading_extremes.insert_batch',
    text: `insert into reading_extremes (channel_id, ts, min_value, max_value, samples)
           select * from unnest($1::int[], $2::timestamptz[], $3::float8[], $4::float8[], $5::int[])
           on conflict (channel_id, ts) do nothing`,
  },
  selectForChannel: {
    name: 'reading_extremes.select_for_channel',
    text: `select extract(epoch from ts) * 1000 as ts_ms, min_value, max_value, samples
             from reading_extremes where channel_id = $1 and ts >= $2::timestamptz and ts < $3::timestamptz order by ts`,
  },
} as const;

/** A batch as a struct of arrays: index i of each array is one interval. */
export interface ExtremeRows {
  channelIds: number[];
  /** Interval starts, epoch ms UTC. */
  tsMs: number[];
  min: number[];
  max: number[];
  samples: number[];
}

export async function insertExtremes(client: pg.ClientBase | pg.Pool, rows: ExtremeRows): Promise<number> {
  if (rows.channelIds.length === 0) return 0;
  const res = await client.query({
    ...readingExtremesQueries.insertBatch,
    values: [rows.channelIds, rows.tsMs.map((ms) => new Date(ms).toISOString()), rows.min, rows.max, rows.samples],
  });
  return res.rowCount ?? 0;
}

export interface ExtremeRow {
  tsMs: number;
  min: number;
  max: number;
  samples: number;
}

/** A channel's extremes in [fromMs, toMs), ascending. */
export async function selectExtremes(db: pg.Pool | pg.ClientBase, channelId: number, fromMs: number, toMs: number): Promise<ExtremeRow[]> {
  const r = await db.query<{ ts_ms: string; min_value: number; max_value: number; samples: number }>({
    ...readingExtremesQueries.selectForChannel, values: [channelId, new Date(fromMs).toISOString(), new Date(toMs).toISOString()],
  });
  return r.rows.map((x) => ({ tsMs: Number(x.ts_ms), min: x.min_value, max: x.max_value, samples: x.samples }));
}
