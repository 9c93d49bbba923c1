import t from 'tap';
import { localCalendar } from '../../src/core/calendar.js';
import { consumptionTotals, electricConsumption } from '../../src/core/consumption.js';
import type { IntervalSeries } from '../../src/core/series.js';

// Worked by hand; the arithmetic is in the comments. Instants are read with V8's Date.parse.
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad literal ${iso}`);
  return ms;
};

t.test('electric month with a gap: completeness below 1, null for the missing day, peak by hand', async (t) => {
  // America/Chicago, 15-minute kWh, from 2026-02-27 00:00 CST (-06:00) = 06:00Z, three local days:
  //   02-27: 96 intervals of 1 kWh, except 14:00 CST (index 56, 20:00Z) = 5 kWh  -> 95 + 5 = 100 kWh
  //   02-28: all missing (NaN)                                                     -> null, not 0
  //   03-01: first 48 intervals (00:00..11:45) 2 kWh, the rest missing            -> 96 kWh, half the day
  const values = new Float64Array(3 * 96).fill(NaN);
  values.fill(1, 0, 96);
  values[56] = 5;
  values.fill(2, 192, 240);
  const kwh: IntervalSeries = { startMs: at('2026-02-27T06:00:00Z'), intervalMinutes: 15, values };
  const cal = localCalendar(kwh, 'America/Chicago');
  const { peaks, ...doc } = electricConsumption(kwh, cal);
  t.strictSame(doc, {
    intervalMinutes: 15,
    daily: [
      { date: '2026-02-27', kwh: 100, present: 96, expected: 96, completeness: 1 },
      { date: '2026-02-28', kwh: null, present: 0, expected: 96, completeness: 0 },
      { date: '2026-03-01', kwh: 96, present: 48, expected: 96, completeness: 0.5 },
    ],
    monthly: [
      // February: 28 x 96 = 2,688 expected; 96 / 2688 = 0.035714 -> 0.0357. Peak 5 kWh x 60 / 15 = 20 kW at 14:00 CST.
      { month: '2026-02', kwh: 100, present: 96, expected: 2688, completeness: 0.0357, peakKw: 20, peakAt: '2026-02-27T20:00:00Z' },
      // March: 31 x 96 - 4 (DST on 03-08) = 2,972; 48 / 2972 = 0.016151 -> 0.0162. Every interval is 2 kWh = 8 kW;
      // on a tie the earliest interval is the peak: 03-01 00:00 CST = 06:00Z.
      { month: '2026-03', kwh: 96, present: 48, expected: 2972, completeness: 0.0162, peakKw: 8, peakAt: '2026-03-01T06:00:00Z' },
    ],
    annual: [
      // 2026: 35,040 expected; 144 / 35040 = 0.0041096 -> 0.0041.
      { year: 2026, kwh: 196, present: 144, expected: 35040, completeness: 0.0041, peakKw: 20, peakAt: '2026-02-27T20:00:00Z' },
    ],
  });
  t.strictSame(peaks, { monthly: Int32Array.of(56, 192), annual: Int32Array.of(56) });
});

t.test('gas: a present zero stays 0, a missing hour is not counted, months and years', async (t) => {
  // UTC, hourly therms from 2026-01-31 22:00: 0.5, NaN, 1.5 (02-01 00:00), 0, 2.0.
  const gas: IntervalSeries = { startMs: at('2026-01-31T22:00:00Z'), intervalMinutes: 60, values: Float64Array.of(0.5, NaN, 1.5, 0, 2) };
  t.strictSame(consumptionTotals(gas, localCalendar(gas, 'UTC')), {
    daily: [
      // 1 / 24 = 0.041667 -> 0.0417; 3 / 24 = 0.125.
      { date: '2026-01-31', quantity: 0.5, present: 1, expected: 24, completeness: 0.0417 },
      { date: '2026-02-01', quantity: 3.5, present: 3, expected: 24, completeness: 0.125 },
    ],
    monthly: [
      // 1 / 744 = 0.00134 -> 0.0013; 3 / 672 = 0.004464 -> 0.0045.
      { month: '2026-01', quantity: 0.5, present: 1, expected: 744, completeness: 0.0013 },
      { month: '2026-02', quantity: 3.5, present: 3, expected: 672, completeness: 0.0045 },
    ],
    // 4 / 8760 = 0.000457 -> 0.0005.
    annual: [{ year: 2026, quantity: 4, present: 4, expected: 8760, completeness: 0.0005 }],
  });
});

t.test('all missing: null totals and no peak', async (t) => {
  const s: IntervalSeries = { startMs: at('2026-06-01T00:00:00Z'), intervalMinutes: 60, values: Float64Array.of(NaN, NaN) };
  const { peaks, ...doc } = electricConsumption(s, localCalendar(s, 'UTC'));
  t.strictSame(doc, {
    intervalMinutes: 60,
    daily: [{ date: '2026-06-01', kwh: null, present: 0, expected: 24, completeness: 0 }],
    monthly: [{ month: '2026-06', kwh: null, present: 0, expected: 720, completeness: 0, peakKw: null, peakAt: null }],
    annual: [{ year: 2026, kwh: null, present: 0, expected: 8760, completeness: 0, peakKw: null, peakAt: null }],
  });
  t.strictSame(peaks, { monthly: Int32Array.of(-1), annual: Int32Array.of(-1) });
});

t.test('DST days: daily totals of 92 and 100 quarter-hours (America/New_York and Europe/London)', async (t) => {
  // 1 kWh in every quarter-hour from local midnight 2026-03-07 to midnight 03-10: 96 + 92 + 96 intervals.
  const spring: IntervalSeries = { startMs: at('2026-03-07T05:00:00Z'), intervalMinutes: 15, values: new Float64Array(96 + 92 + 96).fill(1) };
  t.strictSame(consumptionTotals(spring, localCalendar(spring, 'America/New_York')).daily, [
    { date: '2026-03-07', quantity: 96, present: 96, expected: 96, completeness: 1 },
    { date: '2026-03-08', quantity: 92, present: 92, expected: 92, completeness: 1 },
    { date: '2026-03-09', quantity: 96, present: 96, expected: 96, completeness: 1 },
  ]);
  // 2026-11-01 00:00 EDT = 04:00Z for 100 quarter-hours, then one more (11-02 00:00 EST = 05:00Z).
  const fall: IntervalSeries = { startMs: at('2026-11-01T04:00:00Z'), intervalMinutes: 15, values: new Float64Array(101).fill(1) };
  t.strictSame(consumptionTotals(fall, localCalendar(fall, 'America/New_York')).daily, [
    { date: '2026-11-01', quantity: 100, present: 100, expected: 100, completeness: 1 },
    { date: '2026-11-02', quantity: 1, present: 1, expected: 96, completeness: 0.0104 }, // 1 / 96 = 0.010417
  ]);
  // London 2026-10-25 (from 10-24T23:00Z), 0.5 kWh each: 100 x 0.5 = 50 kWh.
  const london: IntervalSeries = { startMs: at('2026-10-24T23:00:00Z'), intervalMinutes: 15, values: new Float64Array(100).fill(0.5) };
  t.strictSame(consumptionTotals(london, localCalendar(london, 'Europe/London')).daily, [
    { date: '2026-10-25', quantity: 50, present: 100, expected: 100, completeness: 1 },
  ]);
});

t.test('a calendar of another series is refused', async (t) => {
  const a: IntervalSeries = { startMs: at('2026-06-01T00:00:00Z'), intervalMinutes: 60, values: new Float64Array(3) };
  const b: IntervalSeries = { ...a, values: new Float64Array(4) };
  t.throws(() => consumptionTotals(b, localCalendar(a, 'UTC')), { code: 'KM_CORE_SHAPE' });
});
