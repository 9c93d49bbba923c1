import t from 'tap';
import { harmonics } from '../../src/core/power-quality/harmonics.js';
import { thdLimitPct } from '../../src/core/power-quality/limits.js';
import type { IntervalSeries } from '../../src/core/series.js';

const MONDAY = Date.parse('2025-06-02T00:00:00Z');
const tenMinutes = (values: number[]): IntervalSeries => ({ startMs: MONDAY, intervalMinutes: 10, values: Float64Array.from(values) });
const repeat = (...runs: [value: number, count: number][]): number[] => runs.flatMap(([v, c]) => Array<number>(c).fill(v));

t.test('IEEE 519-2014 Table 1 THD limits by bus voltage', async (t) => {
  // ≤ 1 kV: 8 %; 1 kV < V ≤ 69 kV: 5 %; 69 kV < V ≤ 161 kV: 2.5 %; above 161 kV: 1.5 %.
  const cases: [number, number][] = [[208, 8], [480, 8], [1000, 8], [1001, 5], [12_470, 5], [69_000, 5], [69_001, 2.5], [138_000, 2.5], [161_000, 2.5], [230_000, 1.5]];
  for (const [v, limit] of cases) t.equal(thdLimitPct(v), limit, `${v} V`);
  t.throws(() => thdLimitPct(0), RangeError);
});

t.test('max and weekly 95th percentile against the limit', async (t) => {
  // Week 1 (1,008 ten-minute values): 1,000 at 3 %, 8 at 9 %. Nearest rank ceil(0.95 x 1008) = 958th -> 3 %.
  // Week 2: 908 at 3 %, 100 at 6 % -> the 958th value is 6 %.
  // The worst phase counts: phase B is 0.5 points above A throughout.
  const a = tenMinutes(repeat([3, 1000], [9, 8], [3, 908], [6, 100]));
  const b = tenMinutes(Array.from(a.values, (x) => x + 0.5));
  // 480 V: limit 8 % -> both weeks comply (3.5 and 6.5).
  const lv = harmonics([a, b], 480, 'UTC')!;
  t.strictSame([lv.maxThdPct, lv.maxAt, lv.limitPct, lv.individualLimitPct, lv.compliant], [9.5, '2025-06-08T22:40:00Z', 8, 5, true]);
  t.strictSame(lv.weekly, [
    { weekStart: '2025-06-02', values: 1008, p95ThdPct: 3.5, compliant: true },
    { weekStart: '2025-06-09', values: 1008, p95ThdPct: 6.5, compliant: true },
  ]);
  // Over both weeks (2,016 values): rank ceil(0.95 x 2016) = 1916; 1,908 values are 3.5, the next 100 are 6.5 -> 6.5.
  t.equal(lv.p95ThdPct, 6.5);
  // 12.47 kV: limit 5 % -> week 2 fails.
  const mv = harmonics([a, b], 12_470, 'UTC')!;
  t.strictSame([mv.limitPct, mv.compliant, mv.weekly.map((w) => w.compliant)], [5, false, [true, false]]);
  t.equal(harmonics([tenMinutes([NaN, NaN])], 480, 'UTC'), null, 'no THD values');
});
