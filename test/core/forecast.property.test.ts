import fc from 'fast-check';
import t from 'tap';
import { forecastDay } from '../../src/core/forecast/day-ahead.js';
import { forecastFrame, historyView } from '../../src/core/forecast/frame.js';
import { accuracy } from '../../src/core/forecast/metrics.js';

const positive = fc.double({ min: 0.5, max: 1000, noNaN: true });
const pairs = fc.array(fc.tuple(positive, positive), { minLength: 2, maxLength: 200 });

t.test('metrics: CV(RMSE) ≥ |NMBE| (an RMS is at least the absolute mean), both scale-free, zero for a perfect forecast', async (t) => {
  fc.assert(fc.property(pairs, fc.double({ min: 0.01, max: 100, noNaN: true }), (ps, k) => {
    const y = ps.map(([a]) => a);
    const f = ps.map(([, b]) => b);
    const m = accuracy(y, f);
    const scaled = accuracy(y.map((v) => v * k), f.map((v) => v * k));
    const perfect = accuracy(y, y);
    return m.cvrmse! >= Math.abs(m.nmbe!) - 1e-12
      && Math.abs(scaled.cvrmse! - m.cvrmse!) <= 1e-9 * Math.max(1, m.cvrmse!)
      && Math.abs(scaled.nmbe! - m.nmbe!) <= 1e-9 * Math.max(1, Math.abs(m.nmbe!))
      && perfect.cvrmse === 0 && perfect.nmbe === 0 && perfect.mape === 0;
  }));
});

t.test('no leakage: any poison after any origin leaves the day-ahead forecast bit-identical', async (t) => {
  // Hourly data in Europe/London over 80 days (crosses the 2026-03-29 change); the wobble makes it non-trivial.
  const startMs = Date.UTC(2026, 0, 5);
  const n = 80 * 24;
  const frame = forecastFrame(startMs, 60, n, 'Europe/London', ['2026-01-26']);
  const load = Float64Array.from({ length: n }, (_, i) => 50 + 30 * Math.sin((2 * Math.PI * (i % 24)) / 24) + ((i * 7919) % 17) - (i % 168 < 48 ? 20 : 0));
  const temperatureC = Float64Array.from({ length: n }, (_, i) => 8 + 5 * Math.sin((2 * Math.PI * i) / 24) + ((i * 104729) % 7) / 2);
  const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 78 }),
    fc.constantFrom(1e9, -1e9, Number.NaN, 0, Infinity),
    fc.boolean(),
    (day, poison, withTemperature) => {
      const origin = frame.dayStart[day]!;
      const dirtyLoad = load.slice();
      dirtyLoad.fill(poison, origin);
      const dirtyTemp = temperatureC.slice();
      dirtyTemp.fill(poison, origin);
      const a = forecastDay(historyView(frame, load, withTemperature ? temperatureC : undefined, origin), day);
      const b = forecastDay(historyView(frame, dirtyLoad, withTemperature ? dirtyTemp : undefined, origin), day);
      return bytes(a.kwh).equals(bytes(b.kwh)) && a.levelRatio === b.levelRatio && JSON.stringify(a.config) === JSON.stringify(b.config);
    },
  ), { numRuns: 40 });
});
