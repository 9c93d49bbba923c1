import type pg from 'pg';

/**
 * Readings write path: one set-based statement per batch (STYLE §6, GW `unnest` over typed arrays).
 * A reading already stored with the same value is a no-op (idempotent redelivery, MQTT v5.0 §4.3.2);
 * with another value the stored one stays and both values go to reading_conflicts.
 * The snapshot of `readings r` is the one before this statement, so rows inserted by it are excluded
 * explicitly. Callers pass each (channel, ts) at most once per batch (the writer de-duplicates).
 */
/**
 * The `inserted`, `conflicts` and `versioned` steps every readings write shares, after an `incoming` CTE
 * with (channel_id, ts, value, quality): new readings are inserted, equal ones are no-ops, different ones
 * go to reading_conflicts with the stored value, and the channels that got readings have their version
 * raised (PostgreSQL runs every data-modifying WITH step to completion, read or not). `sourceParam` is the placeholder of the source text.
 * @internal
 */
export function mergeIncomingCtes(sourceParam: string): string {
  return `inserted as (
           insert into readings (channel_id, ts, value, quality)
           select channel_id, ts, value, quality from incoming
           on conflict (channel_id, ts) do nothing
           returning channel_id, ts
         ), conflicts as (
           insert into reading_conflicts (channel_id, ts, stored_value, incoming_value, incoming_quality, source)
           select i.channel_id, i.ts, r.value, i.value, i.quality, ${sourceParam}::text
             from incoming i
             join readings r on r.channel_id = i.channel_id and r.ts = i.ts
            where r.value is distinct from i.value
              and not exists (select 1 from inserted x where x.channel_id = i.channel_id and x.ts = i.ts)
              -- The same conflicting value again (a redelivery, a re-imported file) is already kept aside.
              and not exists (select 1 from reading_conflicts k where k.channel_id = i.channel_id and k.ts = i.ts and k.incoming_value = i.value)
           returning 1
         ), versioned as (
           -- migrations/0005: raise the version of every channel that got a reading. Sorted, so two
           -- writers lock the version rows in the same order.
           insert into channel_versions (channel_id, version)
           select channel_id, 1 from inserted group by channel_id order by channel_id
           on conflict (channel_id) do update set version = channel_versions.version + 1
           returning 1
         )`;
}

export const insertReadingsBatch = {
  name: 'readings.insert_batch',
  text: `with incoming as (
           select * from unnest($1::int[], $2::timestamptz[], $3::float8[], $4::smallint[])
                      as t(channel_id, ts, value, quality)
         ), ${mergeIncomingCtes('$5')}
         select (select count(*) from inserted)::int as inserted, (select count(*) from conflicts)::int as conflicts`,
} as const;

/** A batch as a struct of arrays (STYLE §8): index i of each array is one reading. */
export interface ReadingsBatch {
  channelIds: Int32Array | number[];
  /** Interval start, epoch ms UTC. */
  tsMs: Float64Array | number[];
  values: Float64Array | number[];
  /** Quality codes (reading_quality: 0 actual, 1 estimated). */
  quality: Uint8Array | number[];
}

export interface InsertOutcome {
  inserted: number;
  conflicts: number;
  /** Same (channel, ts) and same value as stored, or a conflict already kept aside with this value: nothing written. */
  duplicates: number;
}

/** Writes one batch in the caller's transaction (or autocommit). */
export async function insertReadings(client: pg.ClientBase | pg.Pool, batch: ReadingsBatch, source: string): Promise<InsertOutcome> {
  const n = batch.channelIds.length;
  if (batch.tsMs.length !== n || batch.values.length !== n || batch.quality.length !== n) {
    throw new RangeError('readings batch arrays differ in length');
  }
  if (n === 0) return { inserted: 0, conflicts: 0, duplicates: 0 };
  const ts = new Array<string>(n);
  for (let i = 0; i < n; i++) ts[i] = new Date(batch.tsMs[i]!).toISOString();
  const res = await client.query<{ inserted: number; conflicts: number }>({
    ...insertReadingsBatch,
    values: [Array.from(batch.channelIds), ts, Array.from(batch.values), Array.from(batch.quality), source],
  });
  const row = res.rows[0]!;
  return { inserted: row.inserted, conflicts: row.conflicts, duplicates: n - row.inserted - row.conflicts };
}
