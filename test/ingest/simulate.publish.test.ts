import t from 'tap';
import { publishRange, runLive } from '../../ingest/simulate/mqtt-publisher.js';
import type { MeterSpec } from '../../ingest/simulate/profile.js';
import { eachBackend } from '../helpers/db.js';
import { eventually, publisher, testBroker } from '../helpers/mqtt.js';
import { countReadings, meterAccount, worker } from '../helpers/ingest.js';

const broker = await testBroker();
t.teardown(() => broker.close());

/**
 * The simulator through the real path: a backfill and live ticks published to the broker are stored
 * by the ingest worker; live intervals that overlap the backfill are the same values (no conflicts).
 */
t.test('simulate: backfill and live ticks through MQTT into the database', async (t) => {
  eachBackend(t, async (t, db) => {
    const meterId = await meterAccount(db, broker, [{ kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'v_a', intervalMinutes: 60 }]);
    const w = await worker(t, db, broker, { clientId: broker.unique('ingest') });
    const pub = await publisher(broker.url, broker.unique('sim'));
    t.teardown(() => pub.endAsync());
    const spec: MeterSpec = {
      meterId, commodity: 'electric', timezone: 'America/Chicago', peakKw: 800, profile: 'office', outages: false,
      channels: [{ kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'v_a', intervalMinutes: 60 }],
    };
    const start = Date.UTC(2026, 0, 5, 6); // 00:00 in Chicago
    const end = start + 2 * 86_400_000;
    const sent = await publishRange(pub, [spec], start, end);
    t.strictSame({ readings: sent.readings, events: sent.events }, { readings: 2 * 96 + 2 * 24, events: 0 }, 'two local days: 192 quarter-hours and 48 hours');
    t.ok(await eventually(async () => (await countReadings(db, meterId)) === 240));

    // Live: the clock moves 30 minutes past the end; the first tick republishes from `sinceMs` an hour back.
    let now = end + 30 * 60_000;
    const stop = new AbortController();
    const live = runLive(pub, [spec], { tickMs: 10, nowMs: () => now, signal: stop.signal, sinceMs: end - 60 * 60_000, onTick: () => { now += 15 * 60_000; } });
    t.ok(await eventually(async () => (await countReadings(db, meterId)) >= 240 + 4, 20_000), 'new intervals arrive live');
    stop.abort();
    await live;
    t.ok(await eventually(async () => w.writer.stats.duplicates >= 4), 'the overlapping hour came again');
    t.equal(w.writer.stats.conflicts, 0, 'and had the same values: deterministic simulator');
  });
});
