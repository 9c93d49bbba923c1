import t from 'tap';
import { copyReadings } from '../../src/db/queries/readings-bulk.js';
import { insertReadings } from '../../src/db/queries/readings.js';
import { withTransaction } from '../../src/db/pool.js';
import { eachBackend, insertTestChannel } from '../helpers/db.js';

/**
 * A conflicting value is kept aside once: sent again (an MQTT redelivery, a re-imported file) it is not
 * recorded a second time and counts as a duplicate; another conflicting value is recorded. Both the
 * batch and the bulk path.
 */
t.test('a conflict is recorded once per distinct incoming value', async (t) => {
  eachBackend(t, async (t, db) => {
    const id = await insertTestChannel(db);
    const t0 = Date.UTC(2025, 0, 1);
    const one = (value: number) => ({ channelIds: [id], tsMs: [t0], values: [value], quality: [0] });
    t.strictSame(await insertReadings(db.pool, one(5), 'mqtt'), { inserted: 1, conflicts: 0, duplicates: 0 });
    t.strictSame(await insertReadings(db.pool, one(7), 'mqtt'), { inserted: 0, conflicts: 1, duplicates: 0 });
    t.strictSame(await insertReadings(db.pool, one(7), 'mqtt'), { inserted: 0, conflicts: 0, duplicates: 1 }, 'the same conflict again');
    t.strictSame(await withTransaction(db.pool, (c) => copyReadings(c, one(7), 'file')), { inserted: 0, conflicts: 0, duplicates: 1 }, 'and through the bulk path');
    t.strictSame(await withTransaction(db.pool, (c) => copyReadings(c, one(8), 'file')), { inserted: 0, conflicts: 1, duplicates: 0 }, 'a new value is a new conflict');
    // In one staged load: the first occurrence meets the stored value, a later different one is a staged conflict.
    const staged = { channelIds: [id, id], tsMs: [t0 + 900_000, t0 + 900_000], values: [1, 2], quality: [0, 0] };
    t.strictSame(await withTransaction(db.pool, (c) => copyReadings(c, staged, 'file')), { inserted: 1, conflicts: 1, duplicates: 0 });
    t.strictSame(await withTransaction(db.pool, (c) => copyReadings(c, staged, 'file')), { inserted: 0, conflicts: 0, duplicates: 2 }, 'the same file again');
    const rows = await db.pool.query('select ts, stored_value, incoming_value, source from reading_conflicts order by id');
    t.strictSame(rows.rows.map((r) => [r.stored_value, r.incoming_value, r.source]), [[5, 7, 'mqtt'], [5, 8, 'file'], [1, 2, 'file']]);
    t.strictSame((await db.pool.query('select value from readings order by ts')).rows, [{ value: 5 }, { value: 1 }], 'stored values unchanged');
  });
});
