import t from 'tap';
import { readingsTopic } from '../../src/core/ingest/topic.js';
import { VeeRunner } from '../../src/vee/runner.js';
import { IngestWriter, committedRanges } from '../../ingest/writer.js';
import { eachBackend, insertTestChannel, type TestDb } from '../helpers/db.js';
import { eventually, publisher, testBroker } from '../helpers/mqtt.js';
import { meterAccount, quarterHours, readingsMessage, worker } from '../helpers/ingest.js';

const Q = 900_000;
const T0 = Date.UTC(2026, 0, 5);

async function flagsOf(db: TestDb, channelId: number): Promise<[string, string][]> {
  const r = await db.pool.query<{ ts: Date; rule: string }>(`select ts, rule from reading_flags where channel_id = $1 order by ts, rule`, [channelId]);
  return r.rows.map((x) => [x.ts.toISOString(), x.rule]);
}

t.test('committedRanges: per channel, the span of interval starts a batch carried', async (t) => {
  t.strictSame(committedRanges([
    { channelIds: [1, 2, 1, 1], tsMs: [30, 10, 10, 20], values: [0, 0, 0, 0], quality: [0, 0, 0, 0] },
    { channelIds: [1], tsMs: [50], values: [0], quality: [0] },
  ]), [{ channelId: 1, fromMs: 10, toMs: 51 }, { channelId: 2, fromMs: 10, toMs: 11 }]);
});

t.test('the writer feeds the runner after commit; the spike of a batch is flagged, the ack never waits for it', async (t) => {
  eachBackend(t, async (t, db) => {
    const ch = await insertTestChannel(db);
    const runner = new VeeRunner(db.pool, db.log, { settleMs: 60_000 });
    const w = new IngestWriter(db.pool, db.log, { maxBatchRows: 1000, flushIntervalMs: 0, source: 'test', onCommitted: (r) => runner.notify(r) });
    t.teardown(() => runner.close());
    // Three hours of 10 kWh, one spike of 100 at 01:00.
    const n = 12;
    const values = Array.from({ length: n }, (_, i) => (i === 4 ? 100 : 10));
    await w.submit({ readings: { channelIds: Array(n).fill(ch), tsMs: Array.from({ length: n }, (_, i) => T0 + i * Q), values, quality: Array(n).fill(0) } });
    t.equal(runner.stats.passes, 0, 'submit resolved (the ack) before any VEE work');
    t.equal(runner.pendingChannels, 1, 'the committed range is queued');
    await runner.idle();
    t.strictSame(await flagsOf(db, ch), [[new Date(T0 + 4 * Q).toISOString(), 'spike']]);
    // A batch of duplicates stores nothing and queues nothing.
    await w.submit({ readings: { channelIds: [ch], tsMs: [T0], values: [10], quality: [0] } });
    t.equal(runner.pendingChannels, 0);
    await w.close();
  });
});

const broker = await testBroker();
t.teardown(() => broker.close());

t.test('a spike arriving over MQTT is flagged by the worker-fed runner', async (t) => {
  eachBackend(t, async (t, db) => {
    const meterId = await meterAccount(db, broker);
    const runner = new VeeRunner(db.pool, db.log, { settleMs: 10 });
    t.teardown(() => runner.close());
    const w = await worker(t, db, broker, { clientId: broker.unique('ingest'), onCommitted: (r) => runner.notify(r) });
    const pub = await publisher(broker.url, broker.unique('pub'));
    t.teardown(() => pub.endAsync());
    const ts = quarterHours('2026-01-05T10:00:00Z', 12);
    await pub.publishAsync(readingsTopic(meterId), readingsMessage(ts.map((x, i) => ({ channel: 'kwh_del', ts: x, value: i === 7 ? 250 : 12.5 }))), { qos: 1 });
    t.ok(await eventually(async () => w.writer.stats.inserted === 12), 'stored');
    const ch = (await db.pool.query<{ id: number }>(`select id from channels where meter_id = $1 and kind = 'kwh_del'`, [meterId])).rows[0]!.id;
    t.ok(await eventually(async () => (await flagsOf(db, ch)).length > 0), 'flagged in the background');
    await runner.idle();
    t.strictSame(await flagsOf(db, ch), [['2026-01-05T11:45:00.000Z', 'spike']]);
  });
});
