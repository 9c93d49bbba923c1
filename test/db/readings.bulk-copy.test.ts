import t from 'tap';
import { copyReadings } from '../../src/db/queries/readings-bulk.js';
import { insertReadings } from '../../src/db/queries/readings.js';
import { withTransaction } from '../../src/db/pool.js';
import { eachBackend, insertTestChannel } from '../helpers/db.js';

t.test('the bulk path: COPY into staging, then the same rules as a batch', async (t) => {
  eachBackend(t, async (t, db) => {
    const id = await insertTestChannel(db);
    const t0 = Date.UTC(2025, 0, 1);
    const q = 900_000;
    await insertReadings(db.pool, { channelIds: [id], tsMs: [t0], values: [5], quality: [0] }, 'test');
    const n = 30_000;
    const ts = Array.from({ length: n }, (_, i) => t0 + i * q);
    const values = ts.map((_, i) => (i === 0 ? 7 : i)); // the first collides with the stored 5
    // Two extra staged rows for the same interval: one equal to its first occurrence, one different.
    const batch = { channelIds: [...Array(n).fill(id), id, id], tsMs: [...ts, t0 + q, t0 + 2 * q], values: [...values, 1, 99], quality: [...Array(n).fill(0), 0, 1] };
    const out = await withTransaction(db.pool, (c) => copyReadings(c, batch, 'file'));
    t.strictSame(out, { inserted: n - 1, conflicts: 2, duplicates: 1 });
    const r = await db.pool.query(`select count(*)::int as n, sum(value) as s from readings`);
    // stored: 5 at t0, then 1 .. n-1
    t.strictSame(r.rows[0], { n, s: 5 + ((n - 1) * n) / 2 });
    t.strictSame((await db.pool.query(`select stored_value, incoming_value, incoming_quality, source from reading_conflicts order by incoming_value`)).rows,
      [{ stored_value: 5, incoming_value: 7, incoming_quality: 0, source: 'file' }, { stored_value: 2, incoming_value: 99, incoming_quality: 1, source: 'file' }]);
    const again = await withTransaction(db.pool, (c) => copyReadings(c, { channelIds: [id], tsMs: [t0 + q], values: [1], quality: [0] }, 'file'));
    t.strictSame(again, { inserted: 0, conflicts: 0, duplicates: 1 }, 'the staging table is empty again for the next load');
  });
});
