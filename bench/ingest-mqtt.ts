/**
 * `ingest.mqtt`: readings per second from a publisher through a real MQTT broker and the ingest worker
 * (ingest/mqtt/worker.ts, group commit in ingest/writer.ts) into the database, end to end: from the first
 * publish until the writer has committed the last reading. Each message is one day of 15-minute kWh of
 * one meter (96 readings), spread over 100 meters. Printed beside plain COPY FROM STDIN of as many rows
 * into fresh channels of the same database in the same run (load-bulk.ts `timeCopy`), with the ratio;
 * the target is that the MQTT path reaches half the COPY rate (`meetsTarget`).
 *
 * Broker: BENCH_MQTT_URL, else TEST_MQTT_URL, else whatever listens on 127.0.0.1:1883, else the embedded
 * aedes broker. On an external broker the worker runs BENCH_MQTT_CONNECTIONS connections in a share group
 * with a name unique to the run; aedes has no shared subscriptions, so there it runs one connection.
 * Client ids are unique per run and the worker's persistent sessions are wiped at the end, or the broker
 * would go on queueing for them.
 */
import net from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { importBundle } from '../src/db/bundle-store.js';
import { schemaStatus } from '../src/db/migrate.js';
import type { Database } from '../src/db/pool.js';
import { redactUrl } from '../src/log.js';
import { readingsTopic } from '../src/core/ingest/topic.js';
import { startEmbeddedBroker } from '../ingest/mqtt/embedded-broker.js';
import { startMqttIngest } from '../ingest/mqtt/worker.js';
import type { WriterStats } from '../ingest/writer.js';
import { benchBackends, describeError, openBenchDatabase, withTimeout, type Backend } from './backends.js';
import { attempt, mulberry32, round, timeCopy, type TypedBatch } from './load-bulk.js';
import type { Benchmark, BenchContext, BenchResult } from './registry.js';

const NAME = 'ingest.mqtt';
/** Flushes at once against a server (INGEST_FLUSH_CONCURRENCY's default; BENCH_FLUSH_CONCURRENCY overrides). */
const FLUSH_CONCURRENCY = Number(process.env.BENCH_FLUSH_CONCURRENCY ?? 2);
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const INTERVAL_MS = 15 * MINUTE_MS;
/** One day of 15-minute readings per message. */
const READINGS_PER_MESSAGE = DAY_MS / INTERVAL_MS;
const DEFAULT_ROWS = 200_000;
const METERS = 100;
const START_MS = Date.UTC(2024, 0, 1);
/** The worker's settings (INGEST_BATCH_MAX_ROWS default; flush as soon as the writer is idle). */
const MAX_BATCH_ROWS = 5_000;
const FLUSH_INTERVAL_MS = 0;
/** The target: the MQTT path at least this fraction of the COPY rate. */
const TARGET_RATIO = 0.5;

/** Publisher connections; messages go to them in turn. */
const PUBLISHERS = 2;
/** Publishes not yet acknowledged by the broker, over all publisher connections. */
const MAX_UNACKED = 500;
/**
 * Messages published but not yet committed. Far more than the worker holds at once (a few per
 * connection), so the publisher stays ahead; but under Mosquitto's default max_queued_messages (1000
 * per client), past which it drops QoS 1 messages that the publisher already had acknowledged.
 */
const MAX_UNCOMMITTED = 500;
/** How often the writer's committed count is looked at (in memory; no query). */
const POLL_MS = 2;

const PROBE_URL = 'mqtt://127.0.0.1:1883';
const PROBE_TIMEOUT_MS = 500;
const IDENTIFY_TIMEOUT_MS = 1_000;
/** A path slower than this counts as hung (as in load-bulk.ts). */
const SLOWEST_ROWS_PER_SEC = 1_000;
/** No reading committed for this long while some are outstanding: the path is stuck (or messages were dropped). */
const STALL_MS = 30_000;
const SETUP_TIMEOUT_MS = MINUTE_MS;
const READY_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 30_000;
const WIPE_TIMEOUT_MS = 15_000;

const COUNT_READINGS = `select count(*)::int as n from readings where channel_id = any($1::int[])`;
const SELECT_CHANNELS = `select meter_id, id from channels where meter_id = any($1::text[]) and kind = 'kwh_del'`;

interface Broker {
  readonly url: string;
  /** What it is: `mosquitto version 2.0.11` (its $SYS/broker/version), `aedes (embedded)`, or `unknown`. */
  readonly name: string;
  /** Not the embedded aedes: shared subscriptions are used. */
  readonly external: boolean;
  /** Why the broker could not be reached; the MQTT path is then reported as failed without a try. */
  readonly error?: string | undefined;
  close(): Promise<void>;
}

/** The messages of a run and the same readings as a batch for COPY. */
interface Workload {
  readonly messages: number;
  readonly rows: number;
  readonly meters: number;
  /** Index into the account's meters, per message. */
  readonly meterOf: Uint16Array;
  readonly payloads: Buffer[];
  /** Meter index in `channelIds` (replaced by channel ids per account), ts and value per row. */
  readonly batch: TypedBatch;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/* ------------------------------------------------------------------------------------------------ */
/* Broker                                                                                            */

function listens(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The broker's $SYS/broker/version (Mosquitto publishes it retained), or undefined. */
async function identify(url: string, clientId: string): Promise<string | undefined> {
  const client = await mqtt.connectAsync(url, { clientId, clean: true, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5_000 });
  try {
    const version = new Promise<string>((resolve) => client.on('message', (_topic, payload) => resolve(payload.toString())));
    await client.subscribeAsync('$SYS/broker/version', { qos: 0 });
    return await withTimeout(version, IDENTIFY_TIMEOUT_MS, 'broker version').catch(() => undefined);
  } finally {
    await client.endAsync(true);
  }
}

async function openBroker(ctx: BenchContext, tag: string): Promise<Broker> {
  const url = ctx.mqttUrl ?? ((await listens('127.0.0.1', 1883, PROBE_TIMEOUT_MS)) ? PROBE_URL : undefined);
  if (url === undefined) {
    const embedded = await startEmbeddedBroker(ctx.log);
    return { url: embedded.url, name: 'aedes (embedded)', external: false, close: () => embedded.close() };
  }
  try {
    const name = (await withTimeout(identify(url, `kmbench-id-${tag}`), 10_000, 'connecting to the broker')) ?? 'unknown';
    return { url, name, external: true, close: async () => {} };
  } catch (err) {
    return { url, name: 'unreachable', external: true, error: `broker ${redactUrl(url)}: ${describeError(err)}`, close: async () => {} };
  }
}

/** Wipes persistent sessions: connect each client id with clean: true, disconnect. */
async function forgetSessions(url: string, clientIds: readonly string[]): Promise<void> {
  await Promise.all(clientIds.map(async (clientId) => {
    const c = await mqtt.connectAsync(url, { clientId, clean: true, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5_000 });
    await c.endAsync();
  }));
}

/* ------------------------------------------------------------------------------------------------ */
/* Data                                                                                              */

/**
 * `messages` messages in time-major order (day 0 of every meter, then day 1, ...), each one day of 96
 * quarter-hours of one meter, with a daytime commercial load (10-60 kWh per quarter-hour at noon) and
 * 5 % noise, rounded to Wh. The payload is what a meter publishes (CONTRACT.md "MQTT").
 */
function buildWorkload(messages: number, meterIds: readonly string[]): Workload {
  const meters = meterIds.length;
  const rows = messages * READINGS_PER_MESSAGE;
  const rand = mulberry32(20240101);
  const baseKwh = Array.from({ length: meters }, () => 10 + 50 * rand());
  const batch: TypedBatch = { channelIds: new Int32Array(rows), tsMs: new Float64Array(rows), values: new Float64Array(rows), quality: new Uint8Array(rows) };
  const meterOf = new Uint16Array(messages);
  const payloads: Buffer[] = [];
  for (let k = 0; k < messages; k++) {
    const m = k % meters;
    const dayMs = START_MS + Math.floor(k / meters) * DAY_MS;
    meterOf[k] = m;
    const readings: string[] = [];
    for (let i = 0; i < READINGS_PER_MESSAGE; i++) {
      const tsMs = dayMs + i * INTERVAL_MS;
      const hourOfDay = (i * INTERVAL_MS) / HOUR_MS;
      const shape = 0.4 + 0.6 * Math.max(0, Math.sin(((hourOfDay - 6) / 12) * Math.PI));
      const value = Math.round(baseKwh[m]! * shape * (0.95 + 0.1 * rand()) * 1000) / 1000;
      const row = k * READINGS_PER_MESSAGE + i;
      batch.channelIds[row] = m;
      batch.tsMs[row] = tsMs;
      batch.values[row] = value;
      readings.push(`{"channel":"kwh_del","ts":"${new Date(tsMs).toISOString().replace('.000Z', 'Z')}","value":${value}}`);
    }
    payloads.push(Buffer.from(`{"readings":[${readings.join(',')}]}`));
  }
  return { messages, rows, meters, meterOf, payloads, batch };
}

/** An account of `meterIds` meters with one 15-minute kWh channel each; returns the channel ids in order. */
async function createAccount(db: Database, accountId: string, meterIds: readonly string[]): Promise<number[]> {
  await importBundle(db, {
    id: accountId,
    name: `Benchmark ${accountId}`,
    sites: [{
      id: `${accountId}-site`, name: 'Benchmark site', timezone: 'UTC',
      meters: meterIds.map((id) => ({ id, protocol: 'mqtt', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }] })),
    }],
  }, 'bench');
  const res = await db.pool.query<{ meter_id: string; id: number }>(SELECT_CHANNELS, [meterIds]);
  const byMeter = new Map(res.rows.map((r) => [r.meter_id, r.id]));
  return meterIds.map((m) => {
    const id = byMeter.get(m);
    if (id === undefined) throw new Error(`meter ${m} has no kwh_del channel after import`);
    return id;
  });
}

/* ------------------------------------------------------------------------------------------------ */
/* MQTT path                                                                                         */

interface MqttOutcome {
  seconds: number;
  publishSeconds: number;
  stats: WriterStats;
}

/**
 * Publishes every message (QoS 1) with at most MAX_UNACKED awaiting their PUBACK and at most
 * MAX_UNCOMMITTED not yet committed (`committed()` messages). Resolves with the time of the last PUBACK.
 */
async function publishAll(clients: readonly MqttClient[], topics: readonly string[], work: Workload, committed: () => number, signal: AbortSignal): Promise<number> {
  let unacked = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const settle = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  signal.addEventListener('abort', settle, { once: true });
  const check = (): void => {
    if (failure) throw failure;
    if (signal.aborted) throw new Error('publishing aborted');
  };
  for (let k = 0; k < work.messages; k++) {
    while (unacked >= MAX_UNACKED) {
      await new Promise<void>((resolve) => (wake = resolve));
      check();
    }
    while (k - committed() >= MAX_UNCOMMITTED) {
      await sleep(POLL_MS);
      check();
    }
    check();
    unacked++;
    clients[k % clients.length]!.publishAsync(topics[work.meterOf[k]!]!, work.payloads[k]!, { qos: 1 }).then(
      () => {
        unacked--;
        settle();
      },
      (err: unknown) => {
        failure ??= err instanceof Error ? err : new Error(String(err));
        unacked--;
        settle();
      },
    );
  }
  while (unacked > 0) {
    await new Promise<void>((resolve) => (wake = resolve));
    check();
  }
  check();
  return performance.now();
}

/** Resolves with the time at which `inserted()` reached `total`; rejects when it stops moving for STALL_MS. */
async function committedAll(inserted: () => number, total: number, signal: AbortSignal): Promise<number> {
  let last = -1;
  let lastChangeMs = performance.now();
  for (;;) {
    const n = inserted();
    const now = performance.now();
    if (n >= total) return now;
    if (n !== last) {
      last = n;
      lastChangeMs = now;
    } else if (now - lastChangeMs > STALL_MS) {
      throw new Error(`no reading committed for ${STALL_MS / 1000} s at ${n} of ${total} rows ` +
        '(messages lost, e.g. dropped by the broker past max_queued_messages, or a stuck writer)');
    }
    if (signal.aborted) throw new Error('waiting for commits aborted');
    await sleep(POLL_MS);
  }
}

async function timeMqtt(db: Database, ctx: BenchContext, broker: Broker, connections: number, tag: string, work: Workload,
  meterIds: readonly string[], channelIds: readonly number[], deadlineMs: number): Promise<MqttOutcome> {
  const clientId = `kmbench-ingest-${tag}`;
  const group = broker.external ? `kmbench-${tag}` : undefined;
  const workerIds = Array.from({ length: connections }, (_, i) => (i === 0 ? clientId : `${clientId}-${i}`));
  const topics = meterIds.map(readingsTopic);
  const abort = new AbortController();
  const publishers: MqttClient[] = [];
  const ingest = await startMqttIngest(db.pool, ctx.log, {
    url: broker.url, clientId, group, connections, maxBatchRows: MAX_BATCH_ROWS, flushIntervalMs: FLUSH_INTERVAL_MS,
    concurrency: db.embedded ? 1 : FLUSH_CONCURRENCY,
  });
  const stats = ingest.writer.stats;
  try {
    await withTimeout(ingest.ready, READY_TIMEOUT_MS, 'ingest worker connect and subscribe');
    for (let i = 0; i < PUBLISHERS; i++) {
      publishers.push(await mqtt.connectAsync(broker.url, { clientId: `kmbench-pub-${tag}-${i}`, clean: true, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000 }));
    }
    const committedMessages = () => Math.floor((stats.inserted + stats.duplicates) / READINGS_PER_MESSAGE);
    const startMs = performance.now();
    const [lastAckMs, endMs] = await withTimeout(Promise.all([
      publishAll(publishers, topics, work, committedMessages, abort.signal),
      committedAll(() => stats.inserted, work.rows, abort.signal),
    ]), deadlineMs, 'MQTT path').catch((err: unknown) => {
      throw new Error(`${stats.inserted} of ${work.rows} rows committed`, { cause: err });
    });
    const stored = (await db.pool.query<{ n: number }>(COUNT_READINGS, [channelIds])).rows[0]!.n;
    if (stored !== work.rows) throw new Error(`MQTT path: ${stored} rows stored for its channels, ${work.rows} published (writer reported ${stats.inserted} inserted)`);
    return { seconds: (endMs - startMs) / 1000, publishSeconds: (lastAckMs - startMs) / 1000, stats: { ...stats } };
  } finally {
    abort.abort();
    const problems: string[] = [];
    await withTimeout(ingest.close(), CLOSE_TIMEOUT_MS, 'closing the ingest worker').catch((err: unknown) => problems.push(describeError(err)));
    await Promise.allSettled(publishers.map((p) => p.endAsync(true)));
    await withTimeout(forgetSessions(broker.url, workerIds), WIPE_TIMEOUT_MS, 'wiping the worker sessions').catch((err: unknown) => problems.push(describeError(err)));
    for (const p of problems) process.stderr.write(`bench ${NAME}: ${p}\n`);
  }
}

/* ------------------------------------------------------------------------------------------------ */

async function measure(ctx: BenchContext, backend: Backend, broker: Broker, tag: string): Promise<BenchResult> {
  const messages = Math.max(1, Math.round((ctx.rowsOverride ?? DEFAULT_ROWS) / READINGS_PER_MESSAGE));
  const meters = Math.min(METERS, messages);
  const connections = broker.external ? ctx.mqttConnections : 1;
  const runTag = `${tag}-${backend}`;
  const mqttMeters = Array.from({ length: meters }, (_, i) => `kmbench-${runTag}-m${String(i).padStart(3, '0')}`);
  const copyMeters = Array.from({ length: meters }, (_, i) => `kmbench-${runTag}-c${String(i).padStart(3, '0')}`);
  const db = await openBenchDatabase(backend, ctx);
  try {
    const setup = async () => ({
      status: await schemaStatus(db.pool),
      mqttChannels: await createAccount(db, `kmbench-${runTag}-mqtt`, mqttMeters),
      copyChannels: await createAccount(db, `kmbench-${runTag}-copy`, copyMeters),
    });
    const { status, mqttChannels, copyChannels } = await withTimeout(setup(), SETUP_TIMEOUT_MS, 'setup');
    const work = buildWorkload(messages, mqttMeters);
    const rows = work.rows;
    const deadlineMs = Math.max(MINUTE_MS, (rows / SLOWEST_ROWS_PER_SEC) * 1000);

    let outcome: MqttOutcome | undefined;
    let mqttError: string | undefined;
    try {
      if (broker.error !== undefined) throw new Error(broker.error);
      // The outer bound is a safety net: timeMqtt keeps to deadlineMs and then closes the worker.
      const run = timeMqtt(db, ctx, broker, connections, runTag, work, mqttMeters, mqttChannels, deadlineMs);
      outcome = await withTimeout(run, READY_TIMEOUT_MS + deadlineMs + CLOSE_TIMEOUT_MS + WIPE_TIMEOUT_MS + MINUTE_MS, 'MQTT path');
    } catch (err) {
      mqttError = describeError(err);
    }

    const copyBatch: TypedBatch = { ...work.batch, channelIds: Int32Array.from(work.batch.channelIds, (m) => copyChannels[m]!) };
    const copy = await attempt('COPY', rows, () => timeCopy(db.pool, copyBatch, copyChannels));

    const mqttRate = outcome === undefined ? null : rows / outcome.seconds;
    const copyRate = copy.seconds === null ? null : rows / copy.seconds;
    const ratio = mqttRate === null || copyRate === null ? null : mqttRate / copyRate;
    const stats = outcome?.stats;
    return {
      name: NAME,
      backend,
      unit: 'rows/s',
      value: round(mqttRate, 0),
      rows,
      messages,
      readingsPerMessage: READINGS_PER_MESSAGE,
      meters,
      connections,
      publishers: PUBLISHERS,
      broker: broker.name,
      brokerUrl: redactUrl(broker.url),
      timescaledb: status.timescaledb,
      seconds: round(outcome?.seconds ?? null, 3),
      publishSeconds: round(outcome?.publishSeconds ?? null, 3),
      copyRowsPerSec: round(copyRate, 0),
      copySeconds: round(copy.seconds, 3),
      ratio: round(ratio, 3),
      targetRatio: TARGET_RATIO,
      meetsTarget: ratio === null ? null : ratio >= TARGET_RATIO,
      batches: stats?.batches ?? null,
      rowsPerBatch: stats === undefined || stats.batches === 0 ? null : round(stats.inserted / stats.batches, 1),
      maxBatchRows: MAX_BATCH_ROWS,
      duplicates: stats?.duplicates ?? null,
      deadLetters: stats?.deadLetters ?? null, // other publishers on a shared broker can add a few
      retries: stats?.retries ?? null,
      mqttError, // undefined (no error) is left out of the JSON line
      copyError: copy.error,
    };
  } finally {
    await db.close();
  }
}

export const ingestMqtt: Benchmark = {
  name: NAME,
  description: `MQTT publisher -> broker -> ingest worker -> database, rows/s end to end (${READINGS_PER_MESSAGE} readings a message, BENCH_ROWS default ${DEFAULT_ROWS}) vs COPY FROM STDIN, per backend`,
  async *run(ctx) {
    const tag = `${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
    const broker = await withTimeout(openBroker(ctx, tag), SETUP_TIMEOUT_MS, 'opening the MQTT broker');
    try {
      for (const backend of benchBackends(ctx)) yield await measure(ctx, backend, broker, tag);
    } finally {
      await withTimeout(broker.close(), CLOSE_TIMEOUT_MS, 'closing the embedded broker').catch((err: unknown) => process.stderr.write(`bench ${NAME}: ${describeError(err)}\n`));
    }
  },
};
