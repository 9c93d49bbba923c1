import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { readingsTopic } from '../../src/core/ingest/topic.js';
import { startEmbedded } from '../../src/db/embedded/index.js';
import { backends, createTestDb } from '../helpers/db.js';
import { keymeter, startKeymeter, stop, tempDir } from '../helpers/cli.js';
import { eventually, publisher, testBroker } from '../helpers/mqtt.js';
import { quarterHours, readingsMessage } from '../helpers/ingest.js';

/**
 * The worker is killed with SIGKILL in the middle of a stream of 50,000 readings, then restarted:
 * every reading is stored, none twice. The publisher keeps going while the worker is dead; the
 * persistent session holds what it misses, and whatever the dead worker had not acknowledged comes
 * again (MQTT 3.1.1 §4.4) and is stored once.
 */
const broker = await testBroker();
t.teardown(() => broker.close());

const MESSAGES = 521; // 521 x 96 = 50,016 readings
const PER_MESSAGE = 96;
const TOTAL = MESSAGES * PER_MESSAGE;

async function countEmbedded(dir: string): Promise<number> {
  const e = await startEmbedded({ dataDir: dir });
  const c = new pg.Client({ connectionString: e.url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>('select count(*)::int as n from readings')).rows[0]!.n;
  } finally {
    await c.end();
    await e.close();
  }
}

for (const backend of backends()) {
  t.test(`SIGKILL mid-stream and restart (${backend})`, async (t) => {
    const dir = await tempDir(t);
    const meterId = broker.unique('m');
    const clientId = broker.unique('ingest');
    t.teardown(() => broker.forgetSessions([clientId]));
    const env: NodeJS.ProcessEnv = { MQTT_URL: broker.url, KEYMETER_MQTT_CLIENT_ID: clientId, LOG_LEVEL: 'info', DB_POOL_MAX: '2' };
    let count: () => Promise<number>;
    if (backend === 'postgres') {
      const db = await createTestDb('postgres');
      t.teardown(() => db.close());
      env.DATABASE_URL = db.url;
      count = async () => (await db.pool.query<{ n: number }>('select count(*)::int as n from readings')).rows[0]!.n;
    } else {
      env.KEYMETER_DATA_DIR = dir; // the embedded database lives inside the worker process: it is killed too
      count = async () => -1; // read after the run, when the data dir is free
    }
    const bundle = path.join(dir, 'bundle.json');
    await writeFile(bundle, JSON.stringify({ id: broker.unique('a'), name: 'A', sites: [{ id: broker.unique('s'), name: 'S', timezone: 'UTC', meters: [{ id: meterId, channels: [{ kind: 'kwh_del' }] }] }] }));
    t.equal((await keymeter(['import', 'account', bundle], env)).code, 0);

    const ready = /mqtt connected and subscribed/;
    const w1 = await startKeymeter(['ingest', 'mqtt'], env, ready);
    t.teardown(() => { if (w1.child.exitCode === null) w1.child.kill('SIGKILL'); });
    const pub = await publisher(broker.url, broker.unique('pub'));
    t.teardown(() => pub.endAsync());
    const start = Date.UTC(2024, 0, 1);
    let killed = false;
    for (let m = 0; m < MESSAGES; m++) {
      const from = new Date(start + m * PER_MESSAGE * 15 * 60_000).toISOString();
      await pub.publishAsync(readingsTopic(meterId), readingsMessage(quarterHours(from, PER_MESSAGE).map((ts, i) => ({ channel: 'kwh_del', ts, value: m * 1000 + i }))), { qos: 1 });
      if (!killed && m === Math.floor(MESSAGES / 3)) {
        // Let the worker get well into the stream, then kill it without warning.
        await eventually(async () => /"inserted"|mqtt connected/.test(w1.output()), 5_000);
        await new Promise((r) => setTimeout(r, 300));
        w1.child.kill('SIGKILL');
        killed = true;
      }
    }
    t.ok(killed);
    await new Promise<void>((r) => (w1.child.exitCode !== null || w1.child.signalCode !== null ? r() : w1.child.once('exit', () => r())));
    t.equal(w1.child.signalCode, 'SIGKILL');
    if (backend === 'postgres') t.ok((await count()) < TOTAL, 'the first worker did not get everything');

    if (backend === 'postgres') {
      const w2 = await startKeymeter(['ingest', 'mqtt'], env, ready);
      t.teardown(() => { if (w2.child.exitCode === null) w2.child.kill('SIGKILL'); });
      t.ok(await eventually(async () => (await count()) === TOTAL, 120_000), 'every reading stored after the restart');
      t.equal(await stop(w2.child, 'SIGTERM'), 0, 'the restarted worker drains and exits 0 on SIGTERM');
    } else {
      // The database lives inside the worker, so it is counted between runs: restart, let it drain the
      // session for a while, stop it cleanly, count; until everything is there (or no progress is made).
      let last = -1;
      for (let round = 1; round <= 8; round++) {
        const w = await startKeymeter(['ingest', 'mqtt'], env, ready);
        t.teardown(() => { if (w.child.exitCode === null) w.child.kill('SIGKILL'); });
        await new Promise((r) => setTimeout(r, 8_000));
        t.equal(await stop(w.child, 'SIGTERM'), 0, `round ${round}: the worker drains and exits 0 on SIGTERM`);
        const n = await countEmbedded(dir);
        if (n === TOTAL || n === last) break;
        last = n;
      }
    }
    let client: pg.Client;
    let closeEmbedded = async () => undefined as void;
    if (backend === 'postgres') {
      client = new pg.Client({ connectionString: env.DATABASE_URL });
    } else {
      const e = await startEmbedded({ dataDir: dir });
      closeEmbedded = () => e.close();
      client = new pg.Client({ connectionString: e.url });
    }
    await client.connect();
    try {
      const r = await client.query<{ n: number; distinct_ts: number; conflicts: number; s: string }>(
        `select count(*)::int as n, count(distinct ts)::int as distinct_ts,
                (select count(*)::int from reading_conflicts) as conflicts, sum(value)::text as s from readings`);
      // sum over m < 521, i < 96 of (1000 m + i) = 96,000 * (520 * 521 / 2) + 521 * (95 * 96 / 2)
      const expectedSum = 96_000 * ((520 * 521) / 2) + 521 * ((95 * 96) / 2);
      t.strictSame(r.rows[0], { n: TOTAL, distinct_ts: TOTAL, conflicts: 0, s: String(expectedSum) }, 'all 50,016 readings, once each, with their values');
    } finally {
      await client.end();
      await closeEmbedded();
    }
  });
}
