import t from 'tap';
import type { IntervalSeries } from '../../src/core/series.js';
import { sumAligned, transformerLoading } from '../../src/core/transformer-loading.js';

const START_MS = Date.UTC(2025, 0, 6); // 2025-01-06T00:00Z
const series = (values: number[], intervalMinutes = 15): IntervalSeries => ({ startMs: START_MS, intervalMinutes, values: Float64Array.from(values) });

t.test('1,500 kVA with kWh and kvarh', async (t) => {
  // 15-minute intervals on a 1,500 kVA transformer:
  //   i0: 100 kWh, 0 kvarh   -> 400 kW, 0 kvar         -> 400 kVA   -> 26.667 %
  //   i1..i3: 400 kWh, 300 kvarh -> 1,600 kW, 1,200 kvar -> 2,000 kVA -> 133.333 % (each)
  //   i4: kWh missing, i5: kvarh missing -> both skipped; completeness 4 / 6
  // peak 133.33 % at i1 (first of the tie) = 00:15Z; hours overloaded 3 x 0.25 h = 0.75 h;
  // average (26.667 + 3 x 133.333) / 4 = 426.667 / 4 = 106.667 %
  const kwh = series([100, 400, 400, 400, NaN, 200]);
  const kvarh = series([0, 300, 300, 300, 10, NaN]);
  t.strictSame(transformerLoading(kwh, kvarh, 1500), {
    peakLoadPct: 133.33,
    peakAt: '2025-01-06T00:15:00Z',
    hoursOverloaded: 0.75,
    averageLoadPct: 106.67,
    completeness: 4 / 6,
  });
});

t.test('without kvarh the load is the kW; exactly 100 % is not overloaded', async (t) => {
  // 400 kWh / 15 min -> 1,600 kW -> 106.667 %; 375 kWh -> 1,500 kW -> 100 % (not above 100)
  // average (106.667 + 100) / 2 = 103.333 %
  t.strictSame(transformerLoading(series([400, 375]), undefined, 1500), {
    peakLoadPct: 106.67,
    peakAt: '2025-01-06T00:00:00Z',
    hoursOverloaded: 0.25,
    averageLoadPct: 103.33,
    completeness: 1,
  });
});

t.test('hourly intervals: kW equals kWh', async (t) => {
  // 1,200 kWh in 60 min -> 1,200 kW on 1,000 kVA -> 120 %, 1 hour overloaded
  t.strictSame(transformerLoading(series([1200], 60), undefined, 1000), {
    peakLoadPct: 120, peakAt: '2025-01-06T00:00:00Z', hoursOverloaded: 1, averageLoadPct: 120, completeness: 1,
  });
});

t.test('no data', async (t) => {
  const none = { peakLoadPct: null, peakAt: null, hoursOverloaded: 0, averageLoadPct: null };
  t.strictSame(transformerLoading(series([NaN, NaN]), undefined, 1500), { ...none, completeness: 0 });
  t.strictSame(transformerLoading(series([]), undefined, 1500), { ...none, completeness: 0 });
});

t.test('bad input', async (t) => {
  t.throws(() => transformerLoading(series([1]), undefined, 0), RangeError);
  t.throws(() => transformerLoading(series([1]), series([1, 2]), 1500), { code: 'KM_CORE_SHAPE' });
});

t.test('sumAligned adds meters; a missing interval in any meter is missing in the sum', async (t) => {
  const sum = sumAligned([series([1, 2, NaN, 4]), series([10, NaN, 30, 40])]);
  t.strictSame({ startMs: sum.startMs, intervalMinutes: sum.intervalMinutes, values: [...sum.values].map((v) => (Number.isNaN(v) ? 'NaN' : v)) },
    { startMs: START_MS, intervalMinutes: 15, values: [11, 'NaN', 'NaN', 44] });
  // Two meters of 200 kWh + 150 kvarh each -> 400 kWh + 300 kvarh -> 2,000 kVA on 1,500 kVA -> 133.33 %
  const kwh = sumAligned([series([200]), series([200])]);
  const kvarh = sumAligned([series([150]), series([150])]);
  t.equal(transformerLoading(kwh, kvarh, 1500).peakLoadPct, 133.33);
  const input = series([1, 2]);
  sumAligned([input, input]);
  t.strictSame([...input.values], [1, 2], 'inputs are left alone');
  t.throws(() => sumAligned([]), RangeError);
  t.throws(() => sumAligned([series([1]), series([1], 5)]), { code: 'KM_CORE_SHAPE' });
});
