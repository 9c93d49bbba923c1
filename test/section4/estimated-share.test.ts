import t from 'tap';
import { importBundle } from '../../src/db/bundle-store.js';
import { insertReadings } from '../../src/db/queries/readings.js';
import { buildSection4 } from '../../src/section4/build.js';
import { createAnalysisCache } from '../../src/section4/analysis.js';
import { runVee } from '../../src/vee/run.js';
import { eachBackend } from '../helpers/db.js';

/**
 * VEE estimates reach Section 4: a day of 15-minute kWh at 10 kWh per interval with a one-hour gap
 * (intervals 40-43). Before VEE the day has 92 intervals, 920 kWh, completeness 92/96 = 0.9583. VEE
 * fills the gap by linear interpolation between 10 and 10 (4 x 10 kWh), so the day has 96 intervals,
 * 960 kWh, completeness 1 and an estimated share of 4/96 = 0.0417. The cache sees the estimates through
 * the channel version VEE raises.
 */
t.test('estimated intervals count in the totals and in estimatedShare', async (t) => {
  eachBackend(t, async (t, db) => {
    await importBundle(db, { id: 'est', name: 'Est', sites: [{ id: 'est-1', name: 'S', timezone: 'UTC', meters: [{ id: 'em', channels: [{ kind: 'kwh_del' }] }] }] }, 'test');
    const id = (await db.pool.query<{ id: number }>(`select id from channels where meter_id = 'em'`)).rows[0]!.id;
    const t0 = Date.UTC(2026, 0, 1);
    const ts = Array.from({ length: 96 }, (_, i) => i).filter((i) => i < 40 || i > 43).map((i) => t0 + i * 900_000);
    await insertReadings(db.pool, { channelIds: ts.map(() => id), tsMs: ts, values: ts.map(() => 10), quality: ts.map(() => 0) }, 'test');
    const cache = createAnalysisCache(8);
    const period = { from: '2026-01-01', to: '2026-01-01' };
    const before = await buildSection4(db.pool, 'est', period, Date.UTC(2026, 5, 1), { cache });
    t.strictSame((before.consumption as any).electric.daily[0], { date: '2026-01-01', kwh: 920, completeness: 0.9583, estimatedShare: 0 });
    await runVee(db.pool, { channelId: id, fromMs: t0, toMs: t0 + 86_400_000 });
    const after = await buildSection4(db.pool, 'est', period, Date.UTC(2026, 5, 1), { cache });
    t.strictSame((after.consumption as any).electric.daily[0], { date: '2026-01-01', kwh: 960, completeness: 1, estimatedShare: 0.0417 });
    const raw = await db.pool.query<{ n: number }>(`select count(*)::int as n from readings where channel_id = $1`, [id]);
    t.equal(raw.rows[0]!.n, 92, 'the raw readings are untouched');
  });
});
