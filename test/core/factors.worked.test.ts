import t from 'tap';
import { localCalendar } from '../../src/core/calendar.js';
import { electricConsumption } from '../../src/core/consumption.js';
import { loadFactors } from '../../src/core/load-factor.js';
import { powerFactors } from '../../src/core/power-factor.js';
import type { IntervalSeries } from '../../src/core/series.js';

// Worked by hand. With 60-minute intervals kW = kWh x 60 / 60 = kWh, which keeps the arithmetic short.
const START = Date.parse('2026-06-01T00:00:00Z');
/** 48 hourly values (two UTC days), NaN except those given as {index: value}. */
function hourly(given: Record<number, number>): IntervalSeries {
  const values = new Float64Array(48).fill(NaN);
  for (const [i, v] of Object.entries(given)) values[Number(i)] = v;
  return { startMs: START, intervalMinutes: 60, values };
}

// index:        0    1    2    3   24    25    26
// kWh:         30   30    0   20   40   NaN    10
// kvarh_del:    0   40    0   20   30     5   NaN
// interval PF:  1  0.6    -  .707 0.8     -     -      (30/50 = 0.6; 20/sqrt(800) = 0.707; 40/50 = 0.8; 0/0 undefined)
const KWH = hourly({ 0: 30, 1: 30, 2: 0, 3: 20, 24: 40, 26: 10 });
const KVARH = hourly({ 0: 0, 1: 40, 2: 0, 3: 20, 24: 30, 25: 5 });

t.test('load factor of a small month: kWh / (peak kW x present hours)', async (t) => {
  const cal = localCalendar(KWH, 'UTC');
  // kWh present at 0,1,2,3,24,26: 30 + 30 + 0 + 20 + 40 + 10 = 130 kWh over 6 present hours; peak 40 kW.
  // LF = 130 / (40 x 6) = 0.5417. June expects 720 hours: 6 / 720 = 0.00833 -> 0.0083; 2026: 6 / 8760 -> 0.0007.
  t.strictSame(loadFactors(electricConsumption(KWH, cal)), {
    monthly: [{ month: '2026-06', loadFactor: 130 / 240, hours: 6, completeness: 0.0083 }],
    annual: [{ year: 2026, loadFactor: 130 / 240, hours: 6, completeness: 0.0007 }],
  });
});

t.test('load factor: quarter-hours, a month without data, a month with no load', async (t) => {
  // UTC 15-minute kWh: 06-30 23:30 = 1, 23:45 = 2 | 07-01 00:00 and 00:15 missing.
  // June: 3 kWh over 2 x 0.25 = 0.5 h, peak 2 x 60 / 15 = 8 kW: LF = 3 / (8 x 0.5) = 0.75. July: null.
  const s: IntervalSeries = { startMs: Date.parse('2026-06-30T23:30:00Z'), intervalMinutes: 15, values: Float64Array.of(1, 2, NaN, NaN) };
  const lf = loadFactors(electricConsumption(s, localCalendar(s, 'UTC')));
  t.strictSame(lf.monthly, [
    { month: '2026-06', loadFactor: 0.75, hours: 0.5, completeness: 0.0007 }, // 2 / 2880 = 0.000694
    { month: '2026-07', loadFactor: null, hours: 0, completeness: 0 },
  ]);
  // Zero load all month: the peak is 0 kW and the load factor undefined (null), not NaN.
  const zero: IntervalSeries = { startMs: START, intervalMinutes: 60, values: Float64Array.of(0, 0) };
  t.strictSame(loadFactors(electricConsumption(zero, localCalendar(zero, 'UTC'))).monthly, [
    { month: '2026-06', loadFactor: null, hours: 2, completeness: 0.0028 }, // 2 / 720 = 0.00278
  ]);
});

t.test('power factor: lagging, at peak, share below 0.90', async (t) => {
  const cal = localCalendar(KWH, 'UTC');
  // Intervals with both: 0,1,2,3,24 (25 lacks kWh, 26 lacks kvarh). Sums: kWh 30+30+0+20+40 = 120,
  // kvarh 0+40+0+20+30 = 90 -> PF = 120 / sqrt(120^2 + 90^2) = 120 / 150 = 0.8, lagging (net >= 0).
  // Rated (PF defined): 4 (interval 2 has no load). Below 0.90: 0.6, 0.707, 0.8 -> 3 / 4 = 0.75.
  // The kW peak is interval 24 (40 kW): PF there = 40 / 50 = 0.8.
  const period = { powerFactor: 0.8, direction: 'lagging', atPeak: 0.8, belowThresholdShare: 0.75, intervals: 5, ratedIntervals: 4 };
  t.strictSame(powerFactors(KWH, KVARH, cal), {
    thresholdPf: 0.9,
    monthly: [{ month: '2026-06', ...period }],
    annual: [{ year: 2026, ...period }],
  });
  // A lower threshold: only 0.6 and 0.707 are below 0.75 -> 2 / 4 = 0.5.
  t.equal(powerFactors(KWH, KVARH, cal, { thresholdPf: 0.75 }).monthly[0]!.belowThresholdShare, 0.5);
});

t.test('power factor: leading when kvarh received exceeds delivered', async (t) => {
  const cal = localCalendar(KWH, 'UTC');
  // kvarh_rec:   0   80    0   60   40  -> net = del - rec: 0, -40, 0, -40, -10; sum -90.
  // PF = 120 / sqrt(120^2 + 90^2) = 0.8 leading. Interval PFs: 1, 0.6, -, 20/sqrt(2000) = 0.447, 40/sqrt(1700) = 0.970:
  // below 0.90: 2 of 4 rated = 0.5. At the peak (24): 40 / sqrt(40^2 + 10^2).
  const rec = hourly({ 0: 0, 1: 80, 2: 0, 3: 60, 24: 40 });
  const pf = powerFactors(KWH, KVARH, cal, { kvarhRec: rec });
  t.strictSame(pf.monthly, [{
    month: '2026-06', powerFactor: 0.8, direction: 'leading', atPeak: 40 / Math.sqrt(40 ** 2 + 10 ** 2),
    belowThresholdShare: 0.5, intervals: 5, ratedIntervals: 4,
  }]);
});

t.test('power factor: null without kvarh, and misaligned series are refused', async (t) => {
  const cal = localCalendar(KWH, 'UTC');
  t.strictSame(powerFactors(KWH, hourly({}), cal).monthly, [{
    month: '2026-06', powerFactor: null, direction: null, atPeak: null, belowThresholdShare: null, intervals: 0, ratedIntervals: 0,
  }]);
  const shorter: IntervalSeries = { ...KVARH, values: KVARH.values.subarray(0, 47) };
  t.throws(() => powerFactors(KWH, shorter, cal), { code: 'KM_CORE_SHAPE' });
  t.throws(() => powerFactors(KWH, KVARH, cal, { thresholdPf: 90 }), RangeError);
});
