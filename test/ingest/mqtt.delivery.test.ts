import t from 'tap';
import { readingsTopic, eventsTopic } from '../../src/core/ingest/topic.js';
import { eachBackend } from '../helpers/db.js';
import { eventually, publisher, testBroker } from '../helpers/mqtt.js';
import { countReadings, meterAccount, quarterHours, readingsMessage, worker } from '../helpers/ingest.js';

const broker = await testBroker();
t.teardown(() => broker.close());

t.test('the same message delivered twice is stored once', async (t) => {
  eachBackend(t, async (t, db) => {
    const meterId = await meterAccount(db, broker);
    const w = await worker(t, db, broker, { clientId: broker.unique('ingest') });
    const pub = await publisher(broker.url, broker.unique('pub'));
    t.teardown(() => pub.endAsync());
    const msg = readingsMessage(quarterHours('2026-01-05T10:00:00Z', 4).map((ts, i) => ({ channel: 'kwh_del', ts, value: 10 + i })));
    await pub.publishAsync(readingsTopic(meterId), msg, { qos: 1 });
    await pub.publishAsync(readingsTopic(meterId), msg, { qos: 1 });
    t.ok(await eventually(async () => w.writer.stats.inserted + w.writer.stats.duplicates >= 8), 'both deliveries processed');
    t.equal(await countReadings(db, meterId), 4);
    t.strictSame({ inserted: w.writer.stats.inserted, duplicates: w.writer.stats.duplicates, conflicts: w.writer.stats.conflicts }, { inserted: 4, duplicates: 4, conflicts: 0 });
    const rows = await db.pool.query(`select to_char(ts at time zone 'UTC', 'HH24:MI') as t, value, quality from readings order by ts`);
    t.strictSame(rows.rows, [
      { t: '10:00', value: 10, quality: 0 }, { t: '10:15', value: 11, quality: 0 }, { t: '10:30', value: 12, quality: 0 }, { t: '10:45', value: 13, quality: 0 },
    ]);
  });
});

t.test('a stored reading sent again with another value: a conflict row, the original unchanged', async (t) => {
  eachBackend(t, async (t, db) => {
    const meterId = await meterAccount(db, broker);
    const w = await worker(t, db, broker, { clientId: broker.unique('ingest') });
    const pub = await publisher(broker.url, broker.unique('pub'));
    t.teardown(() => pub.endAsync());
    await pub.publishAsync(readingsTopic(meterId), readingsMessage([{ channel: 'kwh_del', ts: '2026-01-05T10:15:00Z', value: 12.5 }]), { qos: 1 });
    t.ok(await eventually(async () => w.writer.stats.inserted === 1));
    await pub.publishAsync(readingsTopic(meterId), readingsMessage([{ channel: 'kwh_del', ts: '2026-01-05T10:15:00Z', value: 99, quality: 'estimated' }]), { qos: 1 });
    t.ok(await eventually(async () => w.writer.stats.conflicts === 1));
    t.strictSame((await db.pool.query('select value, quality from readings')).rows, [{ value: 12.5, quality: 0 }]);
    t.strictSame((await db.pool.query('select stored_value, incoming_value, incoming_quality, source from reading_conflicts')).rows,
      [{ stored_value: 12.5, incoming_value: 99, incoming_quality: 1, source: 'mqtt' }]);
  });
});

t.test('a message mixing valid and invalid readings: the valid stored, the invalid dead-lettered with the reason', async (t) => {
  eachBackend(t, async (t, db) => {
    const meterId = await meterAccount(db, broker);
    const w = await worker(t, db, broker, { clientId: broker.unique('ingest') });
    const pub = await publisher(broker.url, broker.unique('pub'));
    t.teardown(() => pub.endAsync());
    const future = new Date(Math.ceil((Date.now() + 86_400_000) / 900_000) * 900_000).toISOString();
    const payload = '{"readings": [' + [
      '{"channel": "kwh_del", "ts": "2026-01-05T10:00:00Z", "value": 1.5}',
      '{"channel": "kwh_del", "ts": "2026-01-05T10:07:00Z", "value": 2}',
      '{"channel": "kvarh_del", "ts": "2026-01-05T10:00:00Z", "value": 3}',
      '{"channel": "kwh_del", "ts": "2026-01-05T10:15:00Z", "value": 1e999}',
      `{"channel": "kwh_del", "ts": "${future}", "value": 4}`,
      '{"channel": "kwh_del", "ts": "2026-01-05 10:30", "value": 5}',
      '{"channel": "kwh_del", "ts": 1767608100000, "value": 6, "quality": "estimated"}',
    ].join(',') + ']}';
    await pub.publishAsync(readingsTopic(meterId), payload, { qos: 1 });
    await pub.publishAsync(readingsTopic(meterId), '{"readings": [', { qos: 1 });
    const ghost = broker.unique('ghost');
    await pub.publishAsync(readingsTopic(ghost), readingsMessage([{ channel: 'kwh_del', ts: '2026-01-05T10:00:00Z', value: 1 }]), { qos: 1 });
    await pub.publishAsync(eventsTopic(meterId), JSON.stringify({ events: [{ type: 'power_off', ts: '2026-01-05T11:00:00Z' }, { type: 'power_on', ts: '2026-01-05T11:42:10Z' }] }), { qos: 1 });
    t.ok(await eventually(async () => w.writer.stats.deadLetters >= 7 && w.writer.stats.events === 2));
    t.strictSame((await db.pool.query(`select to_char(ts at time zone 'UTC', 'HH24:MI') as t, value, quality from readings order by ts`)).rows,
      [{ t: '10:00', value: 1.5, quality: 0 }, { t: '10:15', value: 6, quality: 1 }], 'the valid readings are stored (epoch ms 1767608100000 = 10:15Z)');
    const letters = await db.pool.query<{ code: string; detail: string; meter_id: string; topic_or_unit: string; payload: Buffer }>(
      // Filtered by meter: on a shared broker this worker also hears other test files' meters.
      `select code, detail, meter_id, topic_or_unit, payload from ingest_dead_letters where meter_id = any($1) order by id`, [[meterId, ghost]]);
    t.strictSame(letters.rows.map((l) => l.code).sort(), [
      'KM_INGEST_BAD_JSON', 'KM_INGEST_BAD_TIMESTAMP', 'KM_INGEST_FUTURE', 'KM_INGEST_NOT_FINITE', 'KM_INGEST_OFF_GRID',
      'KM_INGEST_UNKNOWN_CHANNEL', 'KM_INGEST_UNKNOWN_METER',
    ]);
    const byCode = new Map(letters.rows.map((l) => [l.code, l]));
    t.match(byCode.get('KM_INGEST_OFF_GRID')!.detail, /^readings\[1\]\.ts/);
    t.match(byCode.get('KM_INGEST_UNKNOWN_CHANNEL')!.detail, /^readings\[2\]/);
    t.equal(byCode.get('KM_INGEST_OFF_GRID')!.topic_or_unit, readingsTopic(meterId));
    t.match(byCode.get('KM_INGEST_BAD_JSON')!.payload.toString(), '{"readings": [');
    t.strictSame((await db.pool.query(`select type, to_char(ts at time zone 'UTC', 'HH24:MI:SS') as t from meter_events order by ts`)).rows,
      [{ type: 'power_off', t: '11:00:00' }, { type: 'power_on', t: '11:42:10' }]);
  });
});

t.test('a message published while the worker is down is stored when it comes back (persistent session)', async (t) => {
  eachBackend(t, async (t, db) => {
    const meterId = await meterAccount(db, broker);
    const clientId = broker.unique('ingest');
    const first = await worker(t, db, broker, { clientId });
    await first.close();
    const pub = await publisher(broker.url, broker.unique('pub'));
    t.teardown(() => pub.endAsync());
    await pub.publishAsync(readingsTopic(meterId), readingsMessage(quarterHours('2026-02-01T00:00:00Z', 96).map((ts, i) => ({ channel: 'kwh_del', ts, value: i }))), { qos: 1 });
    t.equal(await countReadings(db, meterId), 0, 'nothing stored while down');
    const second = await worker(t, db, broker, { clientId });
    t.ok(await eventually(async () => (await countReadings(db, meterId)) === 96), 'stored after the restart');
    t.equal(second.writer.stats.inserted, 96);
  });
});

t.test('two workers in one share group: every reading stored once, and both took part', { skip: broker.kind === 'aedes' && 'aedes has no shared subscriptions (set TEST_MQTT_URL to a Mosquitto broker)' }, async (t) => {
  eachBackend(t, async (t, db) => {
    const meterId = await meterAccount(db, broker);
    const group = broker.unique('g');
    const a = await worker(t, db, broker, { clientId: broker.unique('wa'), group, connections: 2 });
    const b = await worker(t, db, broker, { clientId: broker.unique('wb'), group, connections: 2 });
    const pub = await publisher(broker.url, broker.unique('pub'));
    t.teardown(() => pub.endAsync());
    const n = 40; // messages of 96 readings: 3,840 readings over 40 days
    for (let m = 0; m < n; m++) {
      const day = new Date(Date.UTC(2025, 0, 1 + m)).toISOString();
      await pub.publishAsync(readingsTopic(meterId), readingsMessage(quarterHours(day, 96).map((ts, i) => ({ channel: 'kwh_del', ts, value: m + i / 100 }))), { qos: 1 });
    }
    t.ok(await eventually(async () => (await countReadings(db, meterId)) === n * 96), 'every reading stored');
    t.equal(a.writer.stats.inserted + b.writer.stats.inserted, n * 96, 'each reading inserted exactly once');
    t.ok(a.writer.stats.inserted > 0 && b.writer.stats.inserted > 0, `both workers took messages (${a.writer.stats.inserted} / ${b.writer.stats.inserted})`);
  });
});

t.test('a meter or channel added while the worker runs is accepted without a restart', async (t) => {
  eachBackend(t, async (t, db) => {
    const meterId = await meterAccount(db, broker);
    const w = await worker(t, db, broker, { clientId: broker.unique('ingest') });
    const pub = await publisher(broker.url, broker.unique('pub'));
    t.teardown(() => pub.endAsync());
    const late = broker.unique('late');
    const msg = readingsMessage([{ channel: 'kwh_del', ts: '2026-01-05T10:00:00Z', value: 1 }]);
    await pub.publishAsync(readingsTopic(late), msg, { qos: 1 });
    t.ok(await eventually(async () => w.writer.stats.deadLetters >= 1), 'unknown at first: dead-lettered');
    await meterAccountWith(db, late);
    await pub.publishAsync(readingsTopic(late), msg, { qos: 1 });
    t.ok(await eventually(async () => (await countReadings(db, late)) === 1), 'stored once the meter exists');
    // A new channel on a meter the worker already knows.
    await pub.publishAsync(readingsTopic(meterId), readingsMessage([{ channel: 'kwh_del', ts: '2026-01-05T10:00:00Z', value: 1 }]), { qos: 1 });
    t.ok(await eventually(async () => (await countReadings(db, meterId)) === 1));
    await db.pool.query(`insert into channels (meter_id, position, kind, interval_minutes) values ($1, 1, 'kvarh_del', 15)`, [meterId]);
    await pub.publishAsync(readingsTopic(meterId), readingsMessage([{ channel: 'kvarh_del', ts: '2026-01-05T10:00:00Z', value: 0.4 }]), { qos: 1 });
    t.ok(await eventually(async () => (await countReadings(db, meterId)) === 2), 'the new channel is accepted');
  });
});

async function meterAccountWith(db: Parameters<typeof meterAccount>[0], meterId: string): Promise<void> {
  const { importBundle } = await import('../../src/db/bundle-store.js');
  await importBundle(db, { id: `${meterId}-acct`, name: 'Late', sites: [{ id: `${meterId}-site`, name: 'S', timezone: 'UTC', meters: [{ id: meterId, channels: [{ kind: 'kwh_del' }] }] }] }, 'test');
}
