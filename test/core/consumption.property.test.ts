import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { localCalendar } from '../../src/core/calendar.js';
import { consumptionTotals } from '../../src/core/consumption.js';
import type { IntervalSeries } from '../../src/core/series.js';

const MINUTE_MS = 60_000;
const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/Santiago'];
const FROM_MS = Date.UTC(2019, 0, 1);
const SPAN_MS = 8 * 365 * 24 * 60 * MINUTE_MS;

/**
 * Quarter-kWh values (k x 0.25, k < 4000; at most 3,000 of them) or NaN: every partial sum is exact in binary floating point,
 * so totals must agree to the last bit whatever the order of summation.
 */
const value = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 3999 }).map((k) => k / 4) }, { weight: 1, arbitrary: fc.constant(NaN) });
const seriesArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  intervalMinutes: fc.constantFrom(5, 15, 30, 60),
  startFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  values: fc.array(value, { maxLength: 3000, size: 'max' }),
}).map(({ zone, intervalMinutes, startFraction, values }) => {
  const stepMs = intervalMinutes * MINUTE_MS;
  const startMs = FROM_MS + Math.floor((startFraction * SPAN_MS) / stepMs) * stepMs;
  return { zone, series: { startMs, intervalMinutes, values: Float64Array.from(values) } satisfies IntervalSeries };
});

/** Sum and count of the present (non-NaN) values. */
function present(values: Float64Array): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    sum += v;
    count++;
  }
  return { sum, count };
}
/** Unit totals summed by key (null + null stays null). */
function rollUp(rows: { key: string; quantity: number | null; present: number }[]): Map<string, { quantity: number | null; present: number }> {
  const out = new Map<string, { quantity: number | null; present: number }>();
  for (const r of rows) {
    const o = out.get(r.key) ?? { quantity: null, present: 0 };
    out.set(r.key, { quantity: r.quantity === null ? o.quantity : (o.quantity ?? 0) + r.quantity, present: o.present + r.present });
  }
  return out;
}

t.test('monthly totals sum to the total of the present values; daily re-bucketed per month equals monthly', async (t) => {
  fc.assert(fc.property(seriesArb, ({ zone, series }) => {
    const totals = consumptionTotals(series, localCalendar(series, zone));
    const all = present(series.values);

    const monthSum = totals.monthly.reduce((a, m) => a + (m.quantity ?? 0), 0);
    const monthPresent = totals.monthly.reduce((a, m) => a + m.present, 0);
    assert.equal(monthSum, all.sum);
    assert.equal(monthPresent, all.count);
    assert.equal(totals.annual.reduce((a, y) => a + (y.quantity ?? 0), 0), all.sum);

    // Days grouped by the 'YYYY-MM' prefix of their date, independent of the calendar's own indexes.
    const byMonth = rollUp(totals.daily.map((d) => ({ key: d.date.slice(0, 7), quantity: d.quantity, present: d.present })));
    assert.deepEqual(byMonth, new Map(totals.monthly.map((m) => [m.month, { quantity: m.quantity, present: m.present }])));
    const byYear = rollUp(totals.monthly.map((m) => ({ key: m.month.slice(0, 4), quantity: m.quantity, present: m.present })));
    assert.deepEqual(byYear, new Map(totals.annual.map((y) => [String(y.year), { quantity: y.quantity, present: y.present }])));

    // A unit has null exactly when nothing in it is present; completeness in [0, 1] and never invents data.
    for (const u of [...totals.daily, ...totals.monthly, ...totals.annual]) {
      assert.equal(u.quantity === null, u.present === 0);
      assert.ok(u.present <= u.expected && u.completeness >= 0 && u.completeness <= 1);
    }
    // Months expect every interval of the whole month: each day's expected adds up inside its month,
    // and a month's expected is at least the sum over the days the series touches.
    const dayExpected = rollUp(totals.daily.map((d) => ({ key: d.date.slice(0, 7), quantity: d.expected, present: 0 })));
    for (const m of totals.monthly) assert.ok((dayExpected.get(m.month)?.quantity ?? 0) <= m.expected);
  }), { numRuns: 150 });
  t.pass('property held');
});
