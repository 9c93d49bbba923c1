import t from 'tap';
import { withTransaction } from '../../src/db/pool.js';
import { insertReadings } from '../../src/db/queries/readings.js';
import { copyReadings } from '../../src/db/queries/readings-bulk.js';
import { analyseSeries, createAnalysisCache } from '../../src/section4/analysis.js';
import { buildSection4 } from '../../src/section4/build.js';
import { readBundle } from '../../src/db/queries/bundle-read.js';
import { importBundle } from '../../src/db/bundle-store.js';
import { eachBackend, type TestDb } from '../helpers/db.js';

const T0 = Date.UTC(2026, 0, 1);
const Q = 900_000;
const NOW = Date.UTC(2026, 2, 15);
const PERIOD = { from: '2026-01-01', to: '2026-01-31' };

async function setup(db: TestDb): Promise<{ kwh: number; kvarh: number }> {
  await importBundle(db, {
    id: 'c', name: 'Cache Co',
    sites: [{ id: 'c-1', name: 'Site', timezone: 'UTC', meters: [{ id: 'cm', channels: [{ kind: 'kwh_del' }, { kind: 'kvarh_del' }] }],
      transformers: [{ id: 'ct', kva: 50, meterIds: ['cm'] }] }],
  }, 'test');
  const ch = await db.pool.query<{ id: number; kind: string }>(`select id, kind from channels where meter_id = 'cm'`);
  const id = (k: string) => ch.rows.find((r) => r.kind === k)!.id;
  return { kwh: id('kwh_del'), kvarh: id('kvarh_del') };
}

const one = (channel: number, ms: number, value: number) => ({ channelIds: [channel], tsMs: [ms], values: [value], quality: [0] });
const versionOf = async (db: TestDb, channel: number) =>
  (await db.pool.query<{ v: string }>(`select coalesce((select version from channel_versions where channel_id = $1), 0)::text as v`, [channel])).rows[0]!.v;

t.test('a channel version rises with each write that adds readings, and only then', async (t) => {
  eachBackend(t, async (t, db) => {
    const { kwh, kvarh } = await setup(db);
    t.equal(await versionOf(db, kwh), '0', 'never written');
    await insertReadings(db.pool, one(kwh, T0, 10), 'test');
    t.equal(await versionOf(db, kwh), '1');
    t.equal(await versionOf(db, kvarh), '0', 'another channel is untouched');
    await insertReadings(db.pool, one(kwh, T0, 10), 'test');
    t.equal(await versionOf(db, kwh), '1', 'a duplicate changes nothing');
    await insertReadings(db.pool, one(kwh, T0, 99), 'test');
    t.equal(await versionOf(db, kwh), '1', 'a conflict is kept aside and changes no reading');
    await withTransaction(db.pool, (c) => copyReadings(c, { channelIds: [kwh, kvarh, kwh], tsMs: [T0 + Q, T0, T0 + 2 * Q], values: [1, 2, 3], quality: [0, 0, 0] }, 'test'));
    t.strictSame([await versionOf(db, kwh), await versionOf(db, kvarh)], ['2', '1'], 'the bulk path raises each channel once per write');
    await t.rejects(withTransaction(db.pool, async (c) => {
      await insertReadings(c, one(kwh, T0 + 5 * Q, 1), 'test');
      throw new Error('abort');
    }), /abort/);
    t.equal(await versionOf(db, kwh), '2', 'a rolled-back write leaves the version');
  });
});

t.test('a cached analysis is reused until a write changes its data, and equals a fresh one', async (t) => {
  eachBackend(t, async (t, db) => {
    const { kwh, kvarh } = await setup(db);
    const ts = Array.from({ length: 96 }, (_, i) => T0 + i * Q);
    await insertReadings(db.pool, { channelIds: ts.map(() => kwh), tsMs: ts, values: ts.map(() => 10), quality: ts.map(() => 0) }, 'test');
    await insertReadings(db.pool, { channelIds: ts.map(() => kvarh), tsMs: ts, values: ts.map(() => 5), quality: ts.map(() => 0) }, 'test');
    const cache = createAnalysisCache(8)!;
    const bundle = (await readBundle(db.pool, 'c'))!;
    const end = Date.UTC(2026, 1, 1);
    const a1 = await analyseSeries(db.pool, bundle, 'UTC', T0, end, cache);
    const a2 = await analyseSeries(db.pool, bundle, 'UTC', T0, end, cache);
    t.equal(a2, a1, 'the second call is served from the cache');
    t.ok(Object.isFrozen(a1.electric) && Object.isFrozen(a1.electric.monthly), 'cached analyses are frozen');
    t.strictSame(await analyseSeries(db.pool, bundle, 'UTC', T0, end), a1, 'the cached analysis equals an uncached one');

    const cachedDoc = await buildSection4(db.pool, 'c', PERIOD, NOW, { cache });
    t.strictSame(cachedDoc, await buildSection4(db.pool, 'c', PERIOD, NOW), 'the document is the same with and without the cache');
    t.equal((cachedDoc.consumption as any).electric.monthly[0].kwh, 960);

    // New readings (40 kWh and 30 kvarh in one interval of day 2) must show at once: 960 + 40 kWh,
    // peak 40 x 4 = 160 kW, 97 of 31 x 96 = 2,976 intervals (0.0326); the transformer's peak becomes
    // sqrt(160^2 + 120^2) = 200 kVA = 400 % of 50 kVA (it was sqrt(40^2 + 20^2) = 44.72 kVA, 89.44 %).
    const before = await buildSection4(db.pool, 'c', PERIOD, NOW, { cache });
    t.equal((before.transformers as any)[0].peakLoadPct, 89.44);
    await insertReadings(db.pool, { channelIds: [kwh, kvarh], tsMs: [T0 + 100 * Q, T0 + 100 * Q], values: [40, 30], quality: [0, 0] }, 'test');
    const after = await buildSection4(db.pool, 'c', PERIOD, NOW, { cache });
    t.strictSame((after.consumption as any).electric.monthly[0], { month: '2026-01', kwh: 1000, peakKw: 160, peakAt: '2026-01-02T01:00:00Z', completeness: 0.0326, estimatedShare: 0 });
    t.equal((after.transformers as any)[0].peakLoadPct, 400, 'the transformer loading is recomputed too');
    t.not(await analyseSeries(db.pool, bundle, 'UTC', T0, end, cache), a1, 'the old entry is not served');

    // A different range or zone is a different entry.
    const other = await analyseSeries(db.pool, bundle, 'America/New_York', T0, end, cache);
    t.not(other, a1);
  });
});
