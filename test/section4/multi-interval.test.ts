import t from 'tap';
import { importBundle } from '../../src/db/bundle-store.js';
import { insertReadings } from '../../src/db/queries/readings.js';
import { buildSection4 } from '../../src/section4/build.js';
import { eachBackend } from '../helpers/db.js';

/**
 * Meters at different intervals in one account: two 15-minute meters, a 5-minute one (summed up to 15
 * minutes) and an hourly one (left out and named). On 2026-01-01 (UTC site), each 15-minute meter reads
 * 1 kWh per interval (96 intervals) and the 5-minute meter 0.5 kWh per 5 minutes, 2.0 kWh in the
 * 12:00-12:05 slot. Day kWh = 96 + 96 + (288 x 0.5 + 1.5) = 337.5. Peak: the 12:00 interval holds
 * 1 + 1 + (2 + 0.5 + 0.5) = 5 kWh = 20 kW.
 */
t.test('a finer meter is summed up to the common interval; a coarser one is named', async (t) => {
  eachBackend(t, async (t, db) => {
    await importBundle(db, {
      id: 'mi', name: 'Mixed intervals',
      sites: [{ id: 'mi-1', name: 'Site', timezone: 'UTC', meters: [
        { id: 'a', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }] },
        { id: 'b', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }] },
        { id: 'c', channels: [{ kind: 'kwh_del', intervalMinutes: 5 }] },
        { id: 'd', channels: [{ kind: 'kwh_del', intervalMinutes: 60 }] },
      ] }],
    }, 'test');
    const ch = await db.pool.query<{ id: number; meter_id: string }>(`select id, meter_id from channels where meter_id in ('a', 'b', 'c', 'd')`);
    const id = (m: string) => ch.rows.find((r) => r.meter_id === m)!.id;
    const t0 = Date.UTC(2026, 0, 1);
    const write = (meter: string, minutes: number, n: number, value: (i: number) => number) => {
      const ts = Array.from({ length: n }, (_, i) => t0 + i * minutes * 60_000);
      return insertReadings(db.pool, { channelIds: ts.map(() => id(meter)), tsMs: ts, values: ts.map((_, i) => value(i)), quality: ts.map(() => 0) }, 'test');
    };
    await write('a', 15, 96, () => 1);
    await write('b', 15, 96, () => 1);
    await write('c', 5, 288, (i) => (i === 144 ? 2 : 0.5));
    await write('d', 60, 24, () => 100);
    const doc = await buildSection4(db.pool, 'mi', { from: '2026-01-01', to: '2026-01-01' }, Date.UTC(2026, 5, 1));
    const electric = doc.consumption as { electric: { intervalMinutes: number; meters: string[]; metersAtOtherIntervals?: string[]; daily: { kwh: number }[]; monthly: { kwh: number; peakKw: number; peakAt: string }[] } };
    t.equal(electric.electric.intervalMinutes, 15);
    t.strictSame(electric.electric.meters, ['a', 'b', 'c']);
    t.strictSame(electric.electric.metersAtOtherIntervals, ['d']);
    t.equal(electric.electric.daily[0]!.kwh, 337.5);
    t.strictSame({ kwh: electric.electric.monthly[0]!.kwh, peakKw: electric.electric.monthly[0]!.peakKw, peakAt: electric.electric.monthly[0]!.peakAt }, { kwh: 337.5, peakKw: 20, peakAt: '2026-01-01T12:00:00Z' });
  });
});
