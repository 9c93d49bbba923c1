import t from 'tap';
import { fetchChannelSeries } from '../../src/db/queries/series.js';
import { insertReadings } from '../../src/db/queries/readings.js';
import { eachBackend, insertTestChannel } from '../helpers/db.js';

t.test('a channel comes back as an aligned series with NaN for missing intervals', async (t) => {
  eachBackend(t, async (t, db) => {
    const id = await insertTestChannel(db);
    const t0 = Date.UTC(2026, 0, 5);
    const q = 900_000;
    // Intervals 0, 1, 3 present; 2 missing; one reading before the range, one after.
    await insertReadings(db.pool, { channelIds: [id, id, id, id, id], tsMs: [t0 - q, t0, t0 + q, t0 + 3 * q, t0 + 5 * q], values: [9, 1.5, 2.25, 4, 9], quality: [0, 0, 0, 0, 0] }, 'test');
    const s = await fetchChannelSeries(db.pool, id, 15, t0, t0 + 5 * q);
    t.equal(s.startMs, t0);
    t.equal(s.intervalMinutes, 15);
    t.strictSame(Array.from(s.values), [1.5, 2.25, Number.NaN, 4, Number.NaN]);
    const empty = await fetchChannelSeries(db.pool, id, 15, t0 + 10 * q, t0 + 12 * q);
    t.strictSame(Array.from(empty.values), [Number.NaN, Number.NaN]);
  });
});
