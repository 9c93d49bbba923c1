import t from 'tap';
import { sumToInterval } from '../../src/core/series.js';

t.test('5-minute kWh summed to 15 minutes, a gap making its interval missing', async (t) => {
  const start = Date.UTC(2026, 0, 1);
  const s = { startMs: start, intervalMinutes: 5, values: Float64Array.from([1, 2, 3, 4, Number.NaN, 6, 7, 8, 9, 10]) };
  const out = sumToInterval(s, 15);
  // [1+2+3, 4+NaN+6, 7+8+9] = [6, NaN, 24]; the 10 alone is a partial trailing interval, dropped.
  t.equal(out.startMs, start);
  t.equal(out.intervalMinutes, 15);
  t.strictSame(Array.from(out.values), [6, Number.NaN, 24]);
  t.equal(sumToInterval(s, 5), s, 'the same interval is the series itself');
});

t.test('refuses what cannot be summed exactly', async (t) => {
  const s = { startMs: Date.UTC(2026, 0, 1), intervalMinutes: 10, values: new Float64Array(6) };
  t.throws(() => sumToInterval(s, 15), { code: 'KM_CORE_SHAPE' }, '15 is not a multiple of 10');
  t.throws(() => sumToInterval({ ...s, intervalMinutes: 15 }, 5), { code: 'KM_CORE_SHAPE' }, 'no splitting');
  t.throws(() => sumToInterval({ ...s, intervalMinutes: 5, startMs: Date.UTC(2026, 0, 1, 0, 5) }, 15), { code: 'KM_CORE_SHAPE' }, 'off the coarse grid');
});
