/**
 * The bulk path for large loads (demo history, file imports): COPY into a temporary staging table,
 * then one set-based insert with the same rules as the ingest batch (STYLE §6: above about 20k rows,
 * COPY into staging, then `insert ... select ... on conflict`). Same value: a no-op; another value:
 * the stored one stays and both go to reading_conflicts. Runs in the caller's transaction.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { mergeIncomingCtes, type InsertOutcome, type ReadingsBatch } from './readings.js';

export const readingsBulkQueries = {
  createStage: {
    text: `create temporary table if not exists readings_stage
             (seq bigint generated always as identity, channel_id int not null, ts timestamptz not null,
              value float8 not null, quality smallint not null)
             on commit delete rows`,
  },
  copyStage: `copy readings_stage (channel_id, ts, value, quality) from stdin`,
  /**
   * A (channel, ts) staged twice keeps its first occurrence; a later one with another value is a
   * conflict against it, as it would be had it come in a later batch.
   */
  mergeStage: {
    text: `with incoming as (
             select distinct on (channel_id, ts) seq, channel_id, ts, value, quality from readings_stage order by channel_id, ts, seq
           ), staged_conflicts as (
             insert into reading_conflicts (channel_id, ts, stored_value, incoming_value, incoming_quality, source)
             select s.channel_id, s.ts, i.value, s.value, s.quality, $1::text
               from readings_stage s join incoming i on i.channel_id = s.channel_id and i.ts = s.ts
              where s.seq <> i.seq and s.value is distinct from i.value
                and not exists (select 1 from reading_conflicts k where k.channel_id = s.channel_id and k.ts = s.ts and k.incoming_value = s.value)
             returning 1
           ), ${mergeIncomingCtes('$1')}
           select (select count(*) from inserted)::int as inserted,
                  ((select count(*) from conflicts) + (select count(*) from staged_conflicts))::int as conflicts`,
  },
} as const;

/** Rows per chunk of COPY text handed to the stream. */
const COPY_CHUNK_ROWS = 5_000;

function* copyText(batch: ReadingsBatch): Generator<string> {
  const n = batch.channelIds.length;
  for (let from = 0; from < n; from += COPY_CHUNK_ROWS) {
    const to = Math.min(n, from + COPY_CHUNK_ROWS);
    let chunk = '';
    for (let i = from; i < to; i++) {
      chunk += `${batch.channelIds[i]}\t${new Date(batch.tsMs[i]!).toISOString()}\t${batch.values[i]}\t${batch.quality[i]}\n`;
    }
    yield chunk;
  }
}

/** Loads a large batch through COPY; call inside a transaction. Values must be finite. */
export async function copyReadings(client: pg.ClientBase, batch: ReadingsBatch, source: string): Promise<InsertOutcome> {
  const n = batch.channelIds.length;
  if (batch.tsMs.length !== n || batch.values.length !== n || batch.quality.length !== n) {
    throw new RangeError('readings batch arrays differ in length');
  }
  if (n === 0) return { inserted: 0, conflicts: 0, duplicates: 0 };
  await client.query(readingsBulkQueries.createStage);
  await pipeline(Readable.from(copyText(batch)), client.query(copyStreams.from(readingsBulkQueries.copyStage)));
  const r = await client.query<{ inserted: number; conflicts: number }>({ ...readingsBulkQueries.mergeStage, values: [source] });
  await client.query('truncate readings_stage');
  const row = r.rows[0]!;
  return { inserted: row.inserted, conflicts: row.conflicts, duplicates: n - row.inserted - row.conflicts };
}
