import t from 'tap';
import { eachBackend, insertTestChannel } from '../helpers/db.js';
import { insertReadings } from '../../src/db/queries/readings.js';

/**
 * readings_hourly and readings_daily give the same answers on TimescaleDB (continuous aggregates,
 * real-time, partly refreshed) and on plain PostgreSQL (views). Expected values are worked by hand:
 * channel 1 gets 15-minute readings 1, 2, 3, ... from 2025-03-01T22:00Z for 12 intervals (3 hours).
 */
t.test('hourly and daily aggregates', async (t) => {
  eachBackend(t, async (t, db) => {
    const id = await insertTestChannel(db);
    const start = Date.UTC(2025, 2, 1, 22);
    const n = 12;
    const out = await insertReadings(db.pool, {
      channelIds: Array(n).fill(id), tsMs: Array.from({ length: n }, (_, i) => start + i * 15 * 60_000),
      values: Array.from({ length: n }, (_, i) => i + 1), quality: Array(n).fill(0),
    }, 'test');
    t.strictSame(out, { inserted: 12, conflicts: 0, duplicates: 0 });
    if (db.backend === 'embedded') {
      // Materialize part of the range so the answer mixes refreshed and real-time rows.
      await db.pool.query(`call refresh_continuous_aggregate('readings_hourly', '2025-03-01 22:00+00', '2025-03-01 23:00+00')`);
    }
    const hourly = await db.pool.query(
      `select to_char(bucket at time zone 'UTC', 'YYYY-MM-DD"T"HH24') as hour, sum, min, max, n::int as n
         from readings_hourly where channel_id = $1 order by bucket`, [id]);
    t.strictSame(hourly.rows, [
      { hour: '2025-03-01T22', sum: 10, min: 1, max: 4, n: 4 },
      { hour: '2025-03-01T23', sum: 26, min: 5, max: 8, n: 4 },
      { hour: '2025-03-02T00', sum: 42, min: 9, max: 12, n: 4 },
    ]);
    const daily = await db.pool.query(
      `select to_char(bucket at time zone 'UTC', 'YYYY-MM-DD') as day, sum, n::int as n from readings_daily where channel_id = $1 order by bucket`, [id]);
    t.strictSame(daily.rows, [{ day: '2025-03-01', sum: 36, n: 8 }, { day: '2025-03-02', sum: 42, n: 4 }]);
  });
});

t.test('the write path: a redelivered reading is a no-op, a different value is kept aside as a conflict', async (t) => {
  eachBackend(t, async (t, db) => {
    const id = await insertTestChannel(db);
    const ts = Date.UTC(2026, 0, 5, 10, 15);
    t.strictSame(await insertReadings(db.pool, { channelIds: [id, id], tsMs: [ts, ts + 900_000], values: [12.5, 13], quality: [0, 0] }, 'test'),
      { inserted: 2, conflicts: 0, duplicates: 0 });
    t.strictSame(await insertReadings(db.pool, { channelIds: [id, id], tsMs: [ts, ts + 900_000], values: [12.5, 99], quality: [0, 1] }, 'test'),
      { inserted: 0, conflicts: 1, duplicates: 1 });
    const stored = await db.pool.query(`select value, quality from readings where channel_id = $1 order by ts`, [id]);
    t.strictSame(stored.rows, [{ value: 12.5, quality: 0 }, { value: 13, quality: 0 }], 'stored values unchanged');
    const conflicts = await db.pool.query(`select stored_value, incoming_value, incoming_quality, source from reading_conflicts`);
    t.strictSame(conflicts.rows, [{ stored_value: 13, incoming_value: 99, incoming_quality: 1, source: 'test' }]);
  });
});
