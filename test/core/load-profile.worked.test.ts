import t from 'tap';
import { localCalendar } from '../../src/core/calendar.js';
import { loadProfile } from '../../src/core/load-profile.js';
import type { IntervalSeries } from '../../src/core/series.js';

// Worked by hand. Hourly data (kW = kWh) in UTC keeps the day shape at 24 slots.
const fill = (n: number, v: number | null): (number | null)[] => new Array<number | null>(n).fill(v);
const with_ = <T>(row: T[], at: number, v: T): T[] => row.map((x, i) => (i === at ? v : x));

t.test('weekday and weekend day of a month, 7x24 heat map, duration curve, baseload', async (t) => {
  // Friday 2026-01-02, Saturday 01-03, Sunday 01-04, hourly kWh:
  //   Friday:   1 every hour, 5 at 12:00
  //   Saturday: 2 every hour
  //   Sunday:   4 every hour, 03:00 missing
  const values = new Float64Array(72);
  values.fill(1, 0, 24);
  values[12] = 5;
  values.fill(2, 24, 48);
  values.fill(4, 48, 72);
  values[48 + 3] = NaN;
  const s: IntervalSeries = { startMs: Date.parse('2026-01-02T00:00:00Z'), intervalMinutes: 60, values };
  const p = loadProfile(s, localCalendar(s, 'UTC'), { durationPoints: 5, baseloadPercentile: 5 });

  t.equal(p.slotsPerDay, 24);
  t.strictSame(p.monthly, [{
    month: '2026-01',
    weekday: { kw: with_(fill(24, 1), 12, 5), samples: fill(24, 1) },
    // (2 + 4) / 2 = 3 kW with 2 samples; at 03:00 only Saturday's 2 kW.
    weekend: { kw: with_(fill(24, 3), 3, 2), samples: with_(fill(24, 2), 3, 1) },
  }]);
  t.strictSame(p.heatMap, {
    // rows: Sunday .. Saturday
    kw: [with_(fill(24, 4), 3, null), fill(24, null), fill(24, null), fill(24, null), fill(24, null), with_(fill(24, 1), 12, 5), fill(24, 2)],
    samples: [with_(fill(24, 1), 3, 0), fill(24, 0), fill(24, 0), fill(24, 0), fill(24, 0), fill(24, 1), fill(24, 1)],
  });
  // 71 present values, descending: 5 (rank 0), 4 x 23 (ranks 1..23), 2 x 24 (24..47), 1 x 23 (48..70).
  // Five points at ranks round(j x 70 / 4) = 0, 18 (17.5 rounds up), 35, 53 (52.5), 70; fraction (rank + 1) / 71.
  t.strictSame(p.durationCurve, [
    { kw: 5, fraction: 1 / 71 }, { kw: 4, fraction: 19 / 71 }, { kw: 2, fraction: 36 / 71 }, { kw: 1, fraction: 54 / 71 }, { kw: 1, fraction: 1 },
  ]);
  // 5th percentile: h = 70 x 0.05 = 3.5, between ascending ranks 3 and 4, both 1 kW -> 1 kW. Peak 5: ratio 5.
  t.strictSame(
    [p.samples, p.peakKw, p.baseloadPercentile, p.baseloadKw, p.peakToBaseRatio],
    [71, 5, 5, 1, 5],
  );
});

t.test('baseload percentile interpolates between ranks; duration curve is descending', async (t) => {
  // 15-minute kWh 1.75, 0.75, NaN, 2.25, 0.25, 1.25 -> kW x 4: 7, 3, -, 9, 1, 5. Ascending: 1, 3, 5, 7, 9.
  const s: IntervalSeries = { startMs: Date.parse('2026-05-04T00:00:00Z'), intervalMinutes: 15, values: Float64Array.of(1.75, 0.75, NaN, 2.25, 0.25, 1.25) };
  const cal = localCalendar(s, 'UTC');
  // p = 12.5: h = 4 x 0.125 = 0.5 -> 1 + 0.5 x (3 - 1) = 2 kW; peak 9 -> ratio 4.5.
  const p = loadProfile(s, cal, { durationPoints: 3, baseloadPercentile: 12.5 });
  t.strictSame([p.baseloadKw, p.peakKw, p.peakToBaseRatio, p.samples], [2, 9, 4.5, 5]);
  // Ranks round(j x 4 / 2) = 0, 2, 4 of the descending 9, 7, 5, 3, 1.
  t.strictSame(p.durationCurve, [{ kw: 9, fraction: 0.2 }, { kw: 5, fraction: 0.6 }, { kw: 1, fraction: 1 }]);
  // With the default 200 points all five are kept. p = 25: h = 1 -> 3 kW; p = 50: h = 2 -> 5 kW.
  t.strictSame(loadProfile(s, cal, { baseloadPercentile: 25 }).durationCurve.map((d) => d.kw), [9, 7, 5, 3, 1]);
  t.equal(loadProfile(s, cal, { baseloadPercentile: 25 }).baseloadKw, 3);
  t.equal(loadProfile(s, cal, { baseloadPercentile: 50 }).baseloadKw, 5);
  t.equal(loadProfile(s, cal).baseloadKw, 1 + (4 * 5 / 100) * 2); // default p = 5: h = 0.2 -> 1 + 0.2 x 2
});

t.test('DST days are averaged by local clock time (America/New_York)', async (t) => {
  // Sunday 2026-11-01 from 00:00 EDT (04:00Z), 100 quarter-hours of 1 kWh (4 kW), except the second
  // 01:00..01:45 (EST, indexes 8..11) at 3 kWh (12 kW). Slots 4..7 (01:00..01:45) get two samples each:
  // (4 + 12) / 2 = 8 kW; every other slot one sample of 4 kW. Heat map Sunday 01:00: 8 samples, 8 kW.
  const fall = new Float64Array(100).fill(1);
  fall.fill(3, 8, 12);
  const s: IntervalSeries = { startMs: Date.parse('2026-11-01T04:00:00Z'), intervalMinutes: 15, values: fall };
  const p = loadProfile(s, localCalendar(s, 'America/New_York'));
  const slots = fill(96, 4);
  slots.fill(8, 4, 8);
  const samples = fill(96, 1);
  samples.fill(2, 4, 8);
  t.strictSame(p.monthly, [{ month: '2026-11', weekday: { kw: fill(96, null), samples: fill(96, 0) }, weekend: { kw: slots, samples } }]);
  t.strictSame([p.heatMap.kw[0]![1], p.heatMap.samples[0]![1], p.heatMap.samples[0]![2]], [8, 8, 4]);

  // Sunday 2026-03-08: 92 quarter-hours of 1 kWh; 02:00..02:45 (slots 8..11) never occur, so no samples.
  const spring: IntervalSeries = { startMs: Date.parse('2026-03-08T05:00:00Z'), intervalMinutes: 15, values: new Float64Array(92).fill(1) };
  const q = loadProfile(spring, localCalendar(spring, 'America/New_York'));
  const springKw = fill(96, 4);
  springKw.fill(null, 8, 12);
  const springN = fill(96, 1);
  springN.fill(0, 8, 12);
  t.strictSame(q.monthly[0]!.weekend, { kw: springKw, samples: springN });
  t.strictSame([q.heatMap.kw[0]![2], q.heatMap.samples[0]![2]], [null, 0]);
});

t.test('no data: nulls and empty curve', async (t) => {
  const s: IntervalSeries = { startMs: Date.parse('2026-05-04T00:00:00Z'), intervalMinutes: 60, values: Float64Array.of(NaN) };
  const p = loadProfile(s, localCalendar(s, 'UTC'));
  t.strictSame([p.samples, p.peakKw, p.baseloadKw, p.peakToBaseRatio, p.durationCurve], [0, null, null, null, []]);
  t.throws(() => loadProfile(s, localCalendar(s, 'UTC'), { durationPoints: 1 }), RangeError);
});
