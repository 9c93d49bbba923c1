import t from 'tap';
import { insertReadings } from '../../src/db/queries/readings.js';
import { insertEvents } from '../../src/db/queries/ingest.js';
import { eachBackend, type TestDb } from '../helpers/db.js';
import { buildTestApp } from '../helpers/app.js';

const Q = 900_000;
/** Monday 2026-01-05 00:00 UTC: the sites below are on UTC, so their local weeks start here. */
const MONDAY = Date.UTC(2026, 0, 5);

async function write(db: TestDb, meterId: string, kind: string, n: number, value: (i: number) => number): Promise<void> {
  const id = (await db.pool.query<{ id: number }>(`select id from channels where meter_id = $1 and kind = $2`, [meterId, kind])).rows[0]!.id;
  const ts = Array.from({ length: n }, (_, i) => MONDAY + i * Q);
  await insertReadings(db.pool, { channelIds: ts.map(() => id), tsMs: ts, values: ts.map((_, i) => value(i)), quality: ts.map(() => 0) }, 'test');
}

const site = (id: string, extra: Record<string, unknown>) => ({ id, name: id, timezone: 'UTC', ...extra });

t.test('power quality, transformer thermal loading and reliability, worked by hand', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    const put = (id: string, bundle: Record<string, unknown>) => app.inject({ method: 'PUT', url: `/v1/accounts/${id}/bundle`, headers: admin, payload: { id, name: id, ...bundle } });
    t.equal((await put('eng-a', {
      sites: [site('eng-a-1', {
        nominalVoltage: 120,
        meters: [{ id: 'pq-1', channels: ['v_a', 'v_b', 'v_c', 'thd_v_a'].map((kind) => ({ kind, intervalMinutes: 15 })) },
                 { id: 'tr-m', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }] }],
        transformers: [{ id: 'tx', kva: 100, cooling: 'ONAN', ambientC: 30, meterIds: ['tr-m'], thermal: { topOilRiseC: 55, hotSpotGradientC: 25 } }],
        powerQuality: { requirements: ['ride-through'], equipment: [{ kind: 'UPS', kva: 50 }] },
      })],
    })).statusCode, 201);
    t.equal((await put('eng-b', { sites: [site('eng-b-1', { meters: [{ id: 'b-m', channels: [{ kind: 'kwh_del' }] }], transformers: [{ id: 'tx', kva: 50 }] })] })).statusCode, 201);

    // One week of 15-minute phase voltages (672 intervals): 120 V, except phase a at 112 V in every
    // tenth interval (i = 0, 10, ..., 670: 68 intervals). THD 3 %, one interval at 9 %.
    await write(db, 'pq-1', 'v_a', 672, (i) => (i % 10 === 0 ? 112 : 120));
    await write(db, 'pq-1', 'v_b', 672, () => 120);
    await write(db, 'pq-1', 'v_c', 672, () => 120);
    await write(db, 'pq-1', 'thd_v_a', 672, (i) => (i === 300 ? 9 : 3));
    const pq = await app.inject({ method: 'GET', url: '/v1/sites/eng-a-1/power-quality?from=2026-01-05&to=2026-01-11', headers: await keyFor('rep', ['eng-a']) });
    t.equal(pq.statusCode, 200);
    const p = pq.json();
    t.equal(p.meterId, 'pq-1');
    // ANSI C84.1 Range A at 120 V: 114-126 V. 112 V is out: (672 - 68) / 672 = 0.898810 -> 0.8988.
    // Range B: 110-127 V, everything in.
    t.strictSame([p.voltage.ansiRangeA.lowV, p.voltage.ansiRangeA.highV, p.voltage.ansiRangeA.withinShare], [114, 126, 0.8988]);
    t.equal(p.voltage.ansiRangeB.withinShare, 1);
    // EN 50160: +/-10 % is 108-132 V; every value inside, one week, compliant.
    t.strictSame([p.voltage.en50160.weeks, p.voltage.en50160.compliantWeeks], [1, 1]);
    // Unbalance (NEMA): average (112 + 120 + 120) / 3 = 117.333, max deviation 5.333 -> 4.545 % -> 4.55.
    t.equal(p.voltage.unbalance.maxPct, 4.55);
    // IEEE 1159: 112 / 120 = 0.933 pu is no sag (< 0.9) and no undervoltage (0.8-0.9).
    t.strictSame(['sag', 'swell', 'interruption', 'undervoltage', 'overvoltage'].map((k) => p.events[k].count), [0, 0, 0, 0, 0]);
    // IEEE 519 at 120 x sqrt(3) = 207.8 V (below 1 kV): 8 % limit; max 9 %, 95th percentile 3 %: compliant.
    t.strictSame([p.harmonics.limitPct, p.harmonics.maxThdPct, p.harmonics.p95ThdPct, p.harmonics.compliant], [8, 9, 3, true]);
    t.strictSame(p.requirements, ['ride-through']);

    // Transformer: 100 kVA, 25 kWh per 15 minutes = 100 kW (K = 1, no kvarh) for two days. At K = 1
    // the rises are the rated ones: 30 + 55 + 25 = 110 C hot spot, F_AA = exp(15000/383 - 15000/383) = 1,
    // so F_EQA = 1 and the loss of life equals the 48 hours.
    await write(db, 'tr-m', 'kwh_del', 192, () => 25);
    const tx = await app.inject({ method: 'GET', url: '/v1/transformers/tx/loading?from=2026-01-05&to=2026-01-06&site=eng-a-1', headers: admin });
    t.equal(tx.statusCode, 200);
    const x = tx.json();
    t.strictSame([x.loading.peakLoadPct, x.loading.hoursOverloaded], [100, 0]);
    t.ok(Math.abs(x.thermal.equivalentAgingFactor - 1) < 1e-9, 'F_EQA = 1 at 110 C');
    t.ok(Math.abs(x.thermal.lossOfLifeHours - 48) < 1e-6, '48 hours of life used in 48 hours');
    t.ok(Math.abs(x.thermal.peakHotSpotC - 110) < 1e-9);
    t.equal(x.hourly.hotSpotC.length, 48);
    t.ok(x.hourly.hotSpotC.every((v: number) => v === 110));
    t.equal((await app.inject({ method: 'GET', url: '/v1/transformers/tx/loading', headers: admin })).statusCode, 409, 'two sites have a tx: the admin must say which');
    t.equal((await app.inject({ method: 'GET', url: '/v1/transformers/tx/loading?from=2026-01-05&to=2026-01-06', headers: await keyFor('rep', ['eng-a']) })).statusCode, 200, "a rep sees only their account's tx");
    t.equal((await app.inject({ method: 'GET', url: '/v1/transformers/tx/loading?site=eng-b-1', headers: await keyFor('rep', ['eng-a']) })).statusCode, 403);
    t.equal((await app.inject({ method: 'GET', url: '/v1/transformers/none/loading', headers: admin })).statusCode, 404);

    // Reliability over the two accounts (one customer each): account a's service meter (pq-1, the first
    // electric meter) is off 10:00-10:04 (4 min, momentary) and 12:00-12:06 (6 min, sustained).
    // SAIFI = 1 / 2 = 0.5, SAIDI = 6 / 2 = 3 min, CAIDI = 3 / 0.5 = 6 min, MAIFI = MAIFI_E = 1 / 2 = 0.5.
    const at = (h: number, m: number) => MONDAY + (h * 60 + m) * 60_000;
    await insertEvents(db.pool, [
      { meterId: 'pq-1', tsMs: at(10, 0), type: 'power_off', source: 'test' }, { meterId: 'pq-1', tsMs: at(10, 4), type: 'power_on', source: 'test' },
      { meterId: 'pq-1', tsMs: at(12, 0), type: 'power_off', source: 'test' }, { meterId: 'pq-1', tsMs: at(12, 6), type: 'power_on', source: 'test' },
    ]);
    const rel = await app.inject({ method: 'GET', url: '/v1/reliability?from=2026-01-05&to=2026-01-05', headers: admin });
    t.equal(rel.statusCode, 200);
    const r = rel.json();
    t.strictSame(r.accounts, ['eng-a', 'eng-b']);
    t.strictSame([r.customersServed, r.indices.saifi, r.indices.saidi, r.indices.caidi, r.indices.maifi, r.indices.maifiE], [2, 0.5, 3, 6, 0.5, 0.5]);
    const wider = (await app.inject({ method: 'GET', url: '/v1/reliability?from=2026-01-05&to=2026-01-05&customersServed=10', headers: admin })).json();
    t.strictSame([wider.indices.saifi, wider.indices.saidi], [0.1, 0.6], 'divided by the customers served');
    const repRel = (await app.inject({ method: 'GET', url: '/v1/reliability?from=2026-01-05&to=2026-01-05', headers: await keyFor('rep', ['eng-b']) })).json();
    t.strictSame([repRel.accounts, repRel.indices.saifi], [['eng-b'], 0], "a rep's view counts only their accounts");
  });
});
