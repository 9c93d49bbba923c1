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

t.test('values come back bit for bit, in any storage order, over a long range', async (t) => {
  eachBackend(t, async (t, db) => {
    const id = await insertTestChannel(db);
    const t0 = Date.UTC(2025, 2, 1);
    const q = 900_000;
    const n = 5_000;
    // Inserted newest first so that storage order is not index order; values that text round-trips
    // could blur (0.1 + 0.2, 1e-300, negative, a large integer); every seventh interval missing.
    const tsMs: number[] = [];
    const values: number[] = [];
    for (let k = n - 1; k >= 0; k--) {
      if (k % 7 === 3) continue;
      tsMs.push(t0 + k * q);
      values.push(k % 4 === 0 ? 0.1 + 0.2 : k % 4 === 1 ? 1e-300 * k : k % 4 === 2 ? -k / 3 : 2 ** 52 + k);
    }
    await insertReadings(db.pool, { channelIds: tsMs.map(() => id), tsMs, values, quality: tsMs.map(() => 0) }, 'test');
    const s = await fetchChannelSeries(db.pool, id, 15, t0, t0 + n * q);
    t.equal(s.values.length, n);
    let mismatches = 0;
    for (let k = 0; k < n; k++) {
      const want = k % 7 === 3 ? Number.NaN : k % 4 === 0 ? 0.1 + 0.2 : k % 4 === 1 ? 1e-300 * k : k % 4 === 2 ? -k / 3 : 2 ** 52 + k;
      if (!Object.is(s.values[k], want)) mismatches++;
    }
    t.equal(mismatches, 0, 'every interval holds exactly what was stored, NaN where nothing was');
  });
});
