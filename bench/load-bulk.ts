/**
 * `load.bulk`: how fast Keymeter's own write path stores readings, next to the fastest way PostgreSQL
 * loads them (COPY FROM STDIN), on the same database in the same run. One result line per backend; a
 * path that fails or hangs is reported in that line (`keymeterError`, `copyError`) with null figures.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import type pg from 'pg';
import { withTransaction } from '../src/db/pool.js';
import { schemaStatus } from '../src/db/migrate.js';
import { insertReadings, type ReadingsBatch } from '../src/db/queries/readings.js';
import { benchBackends, describeError, openBenchDatabase, withTimeout, type Backend } from './backends.js';
import type { Benchmark, BenchContext, BenchResult } from './registry.js';

const NAME = 'load.bulk';
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const INTERVAL_MS = 15 * MINUTE_MS;
/** 10,000 quarter-hours (about 104 days) per channel: 1,000,000 rows are 100 meters of one kWh channel. */
const CHANNEL_ROWS = 10_000;
const START_MS = Date.UTC(2024, 0, 1);
/** The ingest writer's flush size (INGEST_BATCH_MAX_ROWS default, STYLE §7). */
const BATCH_ROWS = 5_000;
const COPY_CHUNK_ROWS = 5_000;
/** A path slower than this counts as hung, so a stuck database cannot hold the benchmark forever. */
const SLOWEST_ROWS_PER_SEC = 1_000;
const SETUP_TIMEOUT_MS = MINUTE_MS;
const SOURCE = 'bench';

// Setup rows are written directly, a few set-based statements for all meters, rather than through a bundle.
const INSERT_ACCOUNT = `insert into accounts (id, name) values ('bench', 'Benchmark account')`;
const INSERT_SITE = `insert into sites (id, account_id, position, name, timezone)
                     values ('bench-site', 'bench', 0, 'Benchmark site', 'UTC')`;
const INSERT_METERS = `insert into meters (id, site_id, position)
                       select id, 'bench-site', pos::int from unnest($1::text[]) with ordinality as m(id, pos)`;
const INSERT_CHANNELS = `insert into channels (meter_id, position, kind, unit, interval_minutes)
                         select id, 0, 'kwh_del', 'kWh', 15 from unnest($1::text[]) as m(id)
                         returning meter_id, id`;
const COUNT_READINGS = `select count(*)::int as n from readings where channel_id = any($1::int[])`;
const COPY_READINGS = `copy readings (channel_id, ts, value, quality) from stdin`;

/** A batch held in typed arrays (STYLE §8), so a slice is a view and not a copy. */
export interface TypedBatch extends ReadingsBatch {
  channelIds: Int32Array;
  tsMs: Float64Array;
  values: Float64Array;
  quality: Uint8Array;
}

async function createChannels(pool: pg.Pool, prefix: string, count: number): Promise<number[]> {
  const meterIds = Array.from({ length: count }, (_, i) => `bench-${prefix}-${String(i).padStart(4, '0')}`);
  await pool.query(INSERT_METERS, [meterIds]);
  const res = await pool.query<{ meter_id: string; id: number }>(INSERT_CHANNELS, [meterIds]);
  const byMeter = new Map(res.rows.map((r) => [r.meter_id, r.id]));
  return meterIds.map((m) => byMeter.get(m)!);
}

/** Separate channels for each path so that neither meets the other's rows. */
async function createChannelSets(pool: pg.Pool, rows: number): Promise<{ keymeter: number[]; copy: number[] }> {
  await pool.query(INSERT_ACCOUNT);
  await pool.query(INSERT_SITE);
  const channels = Math.ceil(rows / CHANNEL_ROWS);
  return { keymeter: await createChannels(pool, 'k', channels), copy: await createChannels(pool, 'c', channels) };
}

/** Small deterministic PRNG (mulberry32) so that every run writes the same values. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `rows` quarter-hour kWh readings over `channelIds`, in time-major order (every channel's reading for one
 * interval, then the next interval), the order in which live ingest gathers them. Values follow a daytime
 * commercial load (10-60 kWh per quarter-hour at noon) with 5 % noise, rounded to Wh as meters report.
 */
function generateReadings(channelIds: readonly number[], rows: number): TypedBatch {
  const n = channelIds.length;
  const out: TypedBatch = { channelIds: new Int32Array(rows), tsMs: new Float64Array(rows), values: new Float64Array(rows), quality: new Uint8Array(rows) };
  const rand = mulberry32(20240101);
  const baseKwh = Array.from({ length: n }, () => 10 + 50 * rand());
  for (let i = 0; i < rows; i++) {
    const c = i % n;
    const tsMs = START_MS + Math.floor(i / n) * INTERVAL_MS;
    const hourOfDay = (tsMs % (24 * HOUR_MS)) / HOUR_MS;
    const shape = 0.4 + 0.6 * Math.max(0, Math.sin(((hourOfDay - 6) / 12) * Math.PI));
    out.channelIds[i] = channelIds[c]!;
    out.tsMs[i] = tsMs;
    out.values[i] = Math.round(baseKwh[c]! * shape * (0.95 + 0.1 * rand()) * 1000) / 1000;
  }
  return out;
}

function withChannels(batch: TypedBatch, from: readonly number[], to: readonly number[]): TypedBatch {
  const map = new Map(from.map((id, i) => [id, to[i]!]));
  return { ...batch, channelIds: Int32Array.from(batch.channelIds, (id) => map.get(id)!) };
}

function slice(batch: TypedBatch, start: number, end: number): TypedBatch {
  return {
    channelIds: batch.channelIds.subarray(start, end),
    tsMs: batch.tsMs.subarray(start, end),
    values: batch.values.subarray(start, end),
    quality: batch.quality.subarray(start, end),
  };
}

async function verifyCount(pool: pg.Pool, channelIds: readonly number[], expected: number, what: string): Promise<void> {
  const res = await pool.query<{ n: number }>(COUNT_READINGS, [channelIds]);
  const n = res.rows[0]!.n;
  if (n !== expected) throw new Error(`${what}: ${n} rows stored for its channels, ${expected} written`);
}

/** Keymeter's write path: `insertReadings`, one transaction per batch. Returns elapsed seconds. */
async function timeKeymeter(pool: pg.Pool, batch: TypedBatch, channelIds: readonly number[]): Promise<number> {
  const rows = batch.channelIds.length;
  let inserted = 0;
  const startMs = performance.now();
  for (let start = 0; start < rows; start += BATCH_ROWS) {
    const part = slice(batch, start, Math.min(rows, start + BATCH_ROWS));
    inserted += (await withTransaction(pool, (client) => insertReadings(client, part, SOURCE))).inserted;
  }
  const seconds = (performance.now() - startMs) / 1000;
  if (inserted !== rows) throw new Error(`keymeter path: ${inserted} rows reported inserted, ${rows} written`);
  await verifyCount(pool, channelIds, rows, 'keymeter path');
  return seconds;
}

/** Text-format COPY lines, COPY_CHUNK_ROWS at a time. */
function* copyChunks(batch: TypedBatch): Generator<string> {
  const rows = batch.channelIds.length;
  for (let start = 0; start < rows; start += COPY_CHUNK_ROWS) {
    let chunk = '';
    for (let i = start; i < Math.min(rows, start + COPY_CHUNK_ROWS); i++) {
      chunk += `${batch.channelIds[i]}\t${new Date(batch.tsMs[i]!).toISOString()}\t${batch.values[i]}\t${batch.quality[i]}\n`;
    }
    yield chunk;
  }
}

/** Plain COPY FROM STDIN of the whole batch in one statement. Returns elapsed seconds. */
export async function timeCopy(pool: pg.Pool, batch: TypedBatch, channelIds: readonly number[]): Promise<number> {
  const startMs = performance.now();
  await withTransaction(pool, (client) => pipeline(Readable.from(copyChunks(batch)), client.query(copyStreams.from(COPY_READINGS))));
  const seconds = (performance.now() - startMs) / 1000;
  await verifyCount(pool, channelIds, batch.channelIds.length, 'COPY path');
  return seconds;
}

export const round = (x: number | null, digits: number): number | null => (x === null ? null : Number(x.toFixed(digits)));

/** Runs one path within the deadline for `rows`; a failure is returned as its description. */
export async function attempt(what: string, rows: number, run: () => Promise<number>): Promise<{ seconds: number | null; error?: string }> {
  const deadlineMs = Math.max(MINUTE_MS, (rows / SLOWEST_ROWS_PER_SEC) * 1000);
  try {
    return { seconds: await withTimeout(run(), deadlineMs, `${what} path`) };
  } catch (err) {
    return { seconds: null, error: describeError(err) };
  }
}

async function measure(ctx: BenchContext, backend: Backend): Promise<BenchResult> {
  const rows = ctx.rows;
  const db = await openBenchDatabase(backend, ctx);
  try {
    const setup = async () => ({ status: await schemaStatus(db.pool), channels: await createChannelSets(db.pool, rows) });
    const { status, channels } = await withTimeout(setup(), SETUP_TIMEOUT_MS, 'setup');
    const data = generateReadings(channels.keymeter, rows);
    const keymeter = await attempt('keymeter', rows, () => timeKeymeter(db.pool, data, channels.keymeter));
    const copyData = withChannels(data, channels.keymeter, channels.copy);
    const copy = await attempt('COPY', rows, () => timeCopy(db.pool, copyData, channels.copy));
    const keymeterRate = keymeter.seconds === null ? null : rows / keymeter.seconds;
    const copyRate = copy.seconds === null ? null : rows / copy.seconds;
    return {
      name: NAME,
      backend,
      unit: 'rows/s',
      value: round(keymeterRate, 0),
      rows,
      batchRows: BATCH_ROWS,
      timescaledb: status.timescaledb,
      keymeterSeconds: round(keymeter.seconds, 3),
      copyRowsPerSec: round(copyRate, 0),
      copySeconds: round(copy.seconds, 3),
      ratio: keymeterRate === null || copyRate === null ? null : round(keymeterRate / copyRate, 3),
      keymeterError: keymeter.error, // undefined (no error) is left out of the JSON line
      copyError: copy.error,
    };
  } finally {
    await db.close();
  }
}

export const loadBulk: Benchmark = {
  name: NAME,
  description: `BENCH_ROWS readings through insertReadings (${BATCH_ROWS}-row transactions) vs COPY FROM STDIN, per backend`,
  async *run(ctx) {
    for (const backend of benchBackends(ctx)) yield await measure(ctx, backend);
  },
};
