import type pg from 'pg';
import t from 'tap';
import { IngestWriter, splitRounds } from '../../ingest/writer.js';
import { eachBackend, insertTestChannel, type TestDb } from '../helpers/db.js';

const channel = (db: TestDb): Promise<number> => insertTestChannel(db);

const Q = 900_000;
const T0 = Date.UTC(2026, 0, 1);
const rows = (ch: number, from: number, n: number, value = (i: number) => i) => ({
  channelIds: Array(n).fill(ch), tsMs: Array.from({ length: n }, (_, i) => T0 + (from + i) * Q),
  values: Array.from({ length: n }, (_, i) => value(from + i)), quality: Array(n).fill(0),
});

t.test('splitRounds puts each (channel, ts) once per round, in arrival order', async (t) => {
  const r = splitRounds([
    { readings: { channelIds: [1, 1, 2], tsMs: [10, 20, 10], values: [1, 2, 3], quality: [0, 0, 0] } },
    { readings: { channelIds: [1, 1], tsMs: [10, 10], values: [4, 5], quality: [1, 0] } },
  ]);
  t.strictSame(r, [
    { channelIds: [1, 1, 2], tsMs: [10, 20, 10], values: [1, 2, 3], quality: [0, 0, 0] },
    { channelIds: [1], tsMs: [10], values: [4], quality: [1] },
    { channelIds: [1], tsMs: [10], values: [5], quality: [0] },
  ]);
});

t.test('group commit: requests submitted together share transactions; duplicates across them meet the first', async (t) => {
  eachBackend(t, async (t, db) => {
    const ch = await channel(db);
    const w = new IngestWriter(db.pool, db.log, { maxBatchRows: 1000, flushIntervalMs: 0, source: 'test' });
    await Promise.all(Array.from({ length: 50 }, (_, m) => w.submit({ readings: rows(ch, m * 10, 10) })));
    await w.submit({ readings: rows(ch, 0, 2, (i) => (i === 0 ? 0 : 77)) }); // one equal, one different
    await w.close();
    t.equal((await db.pool.query('select count(*)::int as n from readings')).rows[0].n, 500);
    t.strictSame({ inserted: w.stats.inserted, duplicates: w.stats.duplicates, conflicts: w.stats.conflicts }, { inserted: 500, duplicates: 1, conflicts: 1 });
    t.ok(w.stats.batches < 51, `50 concurrent requests went in ${w.stats.batches} transactions`);
  });
});

t.test('backpressure: submit waits while the queue is full', async (t) => {
  eachBackend(t, async (t, db) => {
    const ch = await channel(db);
    const w = new IngestWriter(db.pool, db.log, { maxBatchRows: 100, maxQueuedRows: 200, flushIntervalMs: 0, source: 'test' });
    let maxQueued = 0;
    const submits: Promise<void>[] = [];
    for (let m = 0; m < 30; m++) {
      submits.push(w.submit({ readings: rows(ch, m * 100, 100) }));
      maxQueued = Math.max(maxQueued, w.queuedRows);
    }
    await Promise.all(submits);
    await w.close();
    t.ok(maxQueued <= 200, `the queue never held more than maxQueuedRows (max seen ${maxQueued})`);
    t.equal((await db.pool.query('select count(*)::int as n from readings')).rows[0].n, 3000);
  });
});

t.test('a database that is down is waited for; nothing is lost', async (t) => {
  eachBackend(t, async (t, db) => {
    const ch = await channel(db);
    let failures = 3;
    // A pool whose first connections fail as an unreachable server would.
    const flaky = {
      connect: async () => {
        if (failures-- > 0) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        return db.pool.connect();
      },
    } as unknown as pg.Pool;
    const w = new IngestWriter(flaky, db.log, { maxBatchRows: 1000, flushIntervalMs: 0, source: 'test', maxRetryDelayMs: 50 });
    await w.submit({ readings: rows(ch, 0, 20) });
    await w.close();
    t.equal(w.stats.retries, 3);
    t.equal((await db.pool.query('select count(*)::int as n from readings')).rows[0].n, 20);
  });
});

t.test('a request that cannot be stored is dead-lettered; the others of its batch are stored', async (t) => {
  eachBackend(t, async (t, db) => {
    const ch = await channel(db);
    const w = new IngestWriter(db.pool, db.log, { maxBatchRows: 1000, flushIntervalMs: 50, source: 'test' });
    await Promise.all([
      w.submit({ readings: rows(ch, 0, 5) }),
      w.submit({ readings: rows(999_999, 0, 2) }), // no such channel: a foreign-key violation, not transient
      w.submit({ readings: rows(ch, 5, 5) }),
    ]);
    await w.close();
    t.equal((await db.pool.query('select count(*)::int as n from readings')).rows[0].n, 10);
    const letters = await db.pool.query<{ code: string; detail: string; payload: Buffer }>('select code, detail, payload from ingest_dead_letters order by id');
    t.strictSame(letters.rows.map((l) => l.code), ['KM_INGEST_STORE_FAILED', 'KM_INGEST_STORE_FAILED']);
    t.match(letters.rows[0]!.detail, /23503/);
    t.strictSame(JSON.parse(letters.rows[0]!.payload.toString()), { channelId: 999_999, ts: '2026-01-01T00:00:00.000Z', value: 0, quality: 0 });
  });
});

t.test('concurrent flushes never hold one channel twice: duplicates across them are no-ops or conflicts', async (t) => {
  eachBackend(t, async (t, db) => {
    const ch = await channel(db);
    const other = (await db.pool.query<{ id: number }>(`insert into channels (meter_id, position, kind, interval_minutes) values ('m', 1, 'kvarh_del', 15) returning id`)).rows[0]!.id;
    const w = new IngestWriter(db.pool, db.log, { maxBatchRows: 50, flushIntervalMs: 0, source: 'test', concurrency: 3 });
    const submits: Promise<void>[] = [];
    for (let m = 0; m < 40; m++) {
      submits.push(w.submit({ readings: rows(m % 2 ? other : ch, (m >> 1) * 10, 10) }));
      submits.push(w.submit({ readings: rows(m % 2 ? other : ch, (m >> 1) * 10, 10, (i) => (i % 10 === 0 ? -1 : i)) })); // redelivery, one value changed
    }
    await Promise.all(submits);
    await w.close();
    t.equal((await db.pool.query('select count(*)::int as n from readings')).rows[0].n, 400);
    t.strictSame({ inserted: w.stats.inserted, duplicates: w.stats.duplicates, conflicts: w.stats.conflicts }, { inserted: 400, duplicates: 360, conflicts: 40 });
    t.equal((await db.pool.query('select count(*)::int as n from reading_conflicts where incoming_value = -1')).rows[0].n, 40, 'every changed value is kept aside');
    t.equal((await db.pool.query('select count(*)::int as n from readings where value = -1')).rows[0].n, 0, 'no stored value was replaced');
  });
});
