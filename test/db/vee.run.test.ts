import t from 'tap';
import { withTransaction } from '../../src/db/pool.js';
import { insertEdit } from '../../src/db/queries/edits.js';
import { insertReadings } from '../../src/db/queries/readings.js';
import { fetchEffectiveChannelSeries } from '../../src/db/queries/series-effective.js';
import { lockChannelForVee } from '../../src/db/queries/vee.js';
import { QUALITY_ACTUAL, QUALITY_EDITED, QUALITY_ESTIMATED } from '../../src/core/vee/quality.js';
import { runVee } from '../../src/vee/run.js';
import { eachBackend, insertTestChannel, type TestDb } from '../helpers/db.js';

const Q = 900_000;
const T0 = Date.UTC(2026, 0, 5); // a Monday
const DAYS = 35;
/** 15-minute kWh that depends only on the time of day: 1.0 at 00:00 rising by 0.1 per interval. */
const v = (i: number): number => 1 + (i % 96) / 10;
/** A 30-minute gap (linear) on day 33 and a 6-hour gap (like-day) on day 32. */
const LINEAR_GAP = [33 * 96 + 40, 33 * 96 + 41];
const LIKE_DAY_GAP = Array.from({ length: 24 }, (_, k) => 32 * 96 + 30 + k);
const MISSING = new Set([...LINEAR_GAP, ...LIKE_DAY_GAP]);

async function load(db: TestDb): Promise<number> {
  const ch = await insertTestChannel(db);
  const idx = Array.from({ length: DAYS * 96 }, (_, i) => i).filter((i) => !MISSING.has(i));
  await insertReadings(db.pool, { channelIds: idx.map(() => ch), tsMs: idx.map((i) => T0 + i * Q), values: idx.map(v), quality: idx.map(() => 0) }, 'test');
  return ch;
}

/** Every stored reading of the channel, bit for bit. */
async function rawDump(db: TestDb, ch: number): Promise<string> {
  const r = await db.pool.query(`select ts, encode(float8send(value), 'hex') as v, quality from readings where channel_id = $1 order by ts`, [ch]);
  return JSON.stringify(r.rows);
}

async function version(db: TestDb, ch: number): Promise<number> {
  const r = await db.pool.query<{ version: string }>(`select version from channel_versions where channel_id = $1`, [ch]);
  return Number(r.rows[0]?.version ?? 0);
}

const lastWeek = (ch: number) => ({ channelId: ch, fromMs: T0 + 28 * 96 * Q, toMs: T0 + DAYS * 96 * Q });

t.test('a VEE pass flags and estimates beside the readings, never touching them', async (t) => {
  eachBackend(t, async (t, db) => {
    const ch = await load(db);
    const before = await rawDump(db, ch);
    const conflictsBefore = (await db.pool.query(`select count(*)::int as n from reading_conflicts`)).rows[0].n;
    const v0 = await version(db, ch);
    const [result] = await runVee(db.pool, lastWeek(ch));
    t.match(result, { channelId: ch, flagsWritten: 2, flagsDeleted: 0, estimatesWritten: 26, estimatesDeleted: 0 });
    t.equal(await rawDump(db, ch), before, 'raw readings byte-identical after estimation');
    t.equal((await db.pool.query(`select count(*)::int as n from reading_conflicts`)).rows[0].n, conflictsBefore, 'no conflict rows either');
    t.equal(await version(db, ch), v0 + 2, 'the flags write and the estimates write each raised the channel version');

    // The gap flags sit on the readings that end the gaps.
    const flags = await db.pool.query(`select ts, rule, detail from reading_flags where channel_id = $1 order by ts`, [ch]);
    t.strictSame(flags.rows.map((f) => [f.ts.getTime(), f.rule, f.detail]), [
      [T0 + (32 * 96 + 54) * Q, 'gap', { missingIntervals: 24, from: new Date(T0 + (32 * 96 + 30) * Q).toISOString().replace('.000Z', 'Z') }],
      [T0 + (33 * 96 + 42) * Q, 'gap', { missingIntervals: 2, from: new Date(T0 + (33 * 96 + 40) * Q).toISOString().replace('.000Z', 'Z') }],
    ]);

    // Linear: between v(39) = 4.9 and v(42) = 5.2, 5.0 and 5.1. Like-day: every day has the same shape, so
    // the profile is v itself and the scale 1.
    const eff = await fetchEffectiveChannelSeries(db.pool, ch, 15, T0 + 28 * 96 * Q, T0 + DAYS * 96 * Q);
    const at = (i: number) => i - 28 * 96;
    const methods = await db.pool.query<{ method: string; n: number }>(`select method, count(*)::int as n from reading_estimates where channel_id = $1 group by method order by method`, [ch]);
    t.strictSame(methods.rows, [{ method: 'like_day', n: 24 }, { method: 'linear', n: 2 }]);
    t.ok(Math.abs(eff.series.values[at(LINEAR_GAP[0]!)]! - 5.0) < 1e-9 && Math.abs(eff.series.values[at(LINEAR_GAP[1]!)]! - 5.1) < 1e-9, 'linear estimates');
    t.ok(LIKE_DAY_GAP.every((i) => Math.abs(eff.series.values[at(i)]! - v(i)) < 1e-9), 'like-day estimates follow the daily shape');
    t.ok([...MISSING].every((i) => eff.quality[at(i)] === QUALITY_ESTIMATED), 'marked estimated');
    t.equal(eff.quality[at(LINEAR_GAP[0]! - 1)], QUALITY_ACTUAL);
    t.equal(eff.series.values.filter((x) => Number.isNaN(x)).length, 0, 'no interval of the last week is missing in the effective series');

    // Run again over the same data: nothing changes, the version stays.
    const vAfter = await version(db, ch);
    const [again] = await runVee(db.pool, lastWeek(ch));
    t.match(again, { flagsWritten: 0, flagsDeleted: 0, estimatesWritten: 0, estimatesDeleted: 0 });
    t.equal(await version(db, ch), vAfter, 'an idempotent re-run leaves cached analyses valid');
  });
});

t.test('a raw reading that arrives later supersedes the estimate of its interval', async (t) => {
  eachBackend(t, async (t, db) => {
    const ch = await load(db);
    await runVee(db.pool, lastWeek(ch));
    const [i0, i1] = LINEAR_GAP as [number, number];
    const ts0 = T0 + i0 * Q;
    // The meter sends the first missing interval after all, with a value unlike the estimate (5.0).
    await insertReadings(db.pool, { channelIds: [ch], tsMs: [ts0], values: [7], quality: [0] }, 'test');
    const eff = await fetchEffectiveChannelSeries(db.pool, ch, 15, ts0, ts0 + 2 * Q);
    t.equal(eff.series.values[0], 7, 'the reading wins');
    t.ok(Math.abs(eff.series.values[1]! - 5.1) < 1e-9, 'the other interval keeps its estimate');
    t.strictSame(Array.from(eff.quality), [QUALITY_ACTUAL, QUALITY_ESTIMATED]);
    const kept = await db.pool.query(`select value, method from reading_estimates where channel_id = $1 and ts = to_timestamp($2::float8 / 1000)`, [ch, ts0]);
    t.strictSame(kept.rows, [{ value: 5, method: 'linear' }], 'the superseded estimate is kept beside the reading');
    // The runner's pass for that batch re-estimates what is still missing: one interval between 7 and
    // 5.2, and the like-day gap of the day before, whose 24-hour scale window after it now holds the 7.
    const v1 = await version(db, ch);
    const [r] = await runVee(db.pool, { channelId: ch, fromMs: ts0, toMs: ts0 + 1 });
    t.match(r, { estimatesWritten: 1 + 24, estimatesDeleted: 0 });
    t.ok((await version(db, ch)) > v1);
    const after = await fetchEffectiveChannelSeries(db.pool, ch, 15, ts0, ts0 + 2 * Q);
    t.ok(after.series.values[0] === 7 && Math.abs(after.series.values[1]! - 6.1) < 1e-9, `re-estimated linearly: ${after.series.values[1]}`);
    t.equal(T0 + i1 * Q, ts0 + Q);
  });
});

t.test('the effective series: edit > reading > estimate, with the quality mask', async (t) => {
  eachBackend(t, async (t, db) => {
    const ch = await insertTestChannel(db);
    // Intervals 0..5: 0 actual, 1 sent by the meter as estimated, 2 missing with a VEE estimate, 3 a
    // reading with a (superseded) estimate, 4 a reading edited twice, 5 missing but edited.
    await insertReadings(db.pool, { channelIds: [ch, ch, ch, ch], tsMs: [T0, T0 + Q, T0 + 3 * Q, T0 + 4 * Q], values: [1, 2, 4, 5], quality: [0, 1, 0, 0] }, 'test');
    await db.pool.query(`insert into reading_estimates (channel_id, ts, value, method) values ($1, to_timestamp($2::float8 / 1000), 3, 'linear'), ($1, to_timestamp($3::float8 / 1000), 40, 'linear')`, [ch, T0 + 2 * Q, T0 + 3 * Q]);
    const v0 = await version(db, ch);
    const edit = (from: number, values: number[]) => withTransaction(db.pool, async (c) => {
      await lockChannelForVee(c, ch);
      return insertEdit(c, { channelId: ch, fromMs: T0 + from * Q, toMs: T0 + (from + values.length) * Q, reason: 'test', actor: 'test', tsMs: values.map((_, k) => T0 + (from + k) * Q), values });
    });
    t.match(await edit(4, [50]), { version: 1, intervals: 1 });
    t.match(await edit(4, [55, 66]), { version: 2, intervals: 2 });
    t.equal(await version(db, ch), v0 + 2, 'each edit raised the channel version');
    const eff = await fetchEffectiveChannelSeries(db.pool, ch, 15, T0, T0 + 7 * Q);
    t.strictSame(Array.from(eff.series.values), [1, 2, 3, 4, 55, 66, NaN]);
    t.strictSame(Array.from(eff.quality).slice(0, 6), [QUALITY_ACTUAL, QUALITY_ESTIMATED, QUALITY_ESTIMATED, QUALITY_ACTUAL, QUALITY_EDITED, QUALITY_EDITED]);
    const raw = await db.pool.query(`select value from readings where channel_id = $1 order by ts`, [ch]);
    t.strictSame(raw.rows.map((r) => r.value), [1, 2, 4, 5], 'the raw readings are unchanged');
  });
});

t.test('a pass that only flags (a voltage: no estimates) raises the version once; kw passes re-check the kWh channel', async (t) => {
  eachBackend(t, async (t, db) => {
    const va = await insertTestChannel(db, 'v_a');
    const n = 40;
    await insertReadings(db.pool, { channelIds: Array(n).fill(va), tsMs: Array.from({ length: n }, (_, i) => T0 + i * Q), values: Array.from({ length: n }, (_, i) => (i === 20 ? 2400 : 240)), quality: Array(n).fill(0) }, 'test');
    const v0 = await version(db, va);
    const [r] = await runVee(db.pool, { channelId: va, fromMs: T0, toMs: T0 + n * Q });
    t.match(r, { flagsWritten: 1, estimatesWritten: 0 });
    t.equal(await version(db, va), v0 + 1, 'the flags write raised the version');

    // kWh of 10 (40 kW) and a kW channel reading 40 except one interval at 60: the kW pass runs the
    // kWh channel's rules too, and rule kwh_kw flags that kWh interval.
    const kwh = await insertTestChannel(db, 'kwh_del');
    const kw = await insertTestChannel(db, 'kw');
    await insertReadings(db.pool, { channelIds: Array(n).fill(kwh), tsMs: Array.from({ length: n }, (_, i) => T0 + i * Q), values: Array(n).fill(10), quality: Array(n).fill(0) }, 'test');
    await insertReadings(db.pool, { channelIds: Array(n).fill(kw), tsMs: Array.from({ length: n }, (_, i) => T0 + i * Q), values: Array.from({ length: n }, (_, i) => (i === 7 ? 60 : 40)), quality: Array(n).fill(0) }, 'test');
    const results = await runVee(db.pool, { channelId: kw, fromMs: T0 + 7 * Q, toMs: T0 + 7 * Q + 1 });
    t.strictSame(results.map((x) => x.channelId), [kw, kwh]);
    const flags = await db.pool.query(`select channel_id, ts, rule, detail from reading_flags where channel_id = $1`, [kwh]);
    t.strictSame(flags.rows.map((f) => [f.ts.getTime(), f.rule, f.detail]), [[T0 + 7 * Q, 'kwh_kw', { demandKw: 40, averageKw: 60 }]]);
  });
});
