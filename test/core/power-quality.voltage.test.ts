import t from 'tap';
import { ansiC84 } from '../../src/core/power-quality/ansi-c84.js';
import { en50160 } from '../../src/core/power-quality/en50160.js';
import { interruptionMask } from '../../src/core/power-quality/phases.js';
import { tenMinuteMeans } from '../../src/core/power-quality/ten-minute.js';
import { voltageUnbalance } from '../../src/core/power-quality/unbalance.js';
import { powerQuality } from '../../src/core/power-quality/analysis.js';
import type { IntervalSeries } from '../../src/core/series.js';

const MONDAY = Date.parse('2025-06-02T00:00:00Z'); // a Monday
const series = (values: number[], intervalMinutes: number, startMs = MONDAY): IntervalSeries => ({ startMs, intervalMinutes, values: Float64Array.from(values) });
const repeat = (...runs: [value: number, count: number][]): number[] => runs.flatMap(([v, c]) => Array<number>(c).fill(v));

t.test('ANSI C84.1 Range A and B shares on a synthetic week (120 V, hourly)', async (t) => {
  // 168 hours: 150 at 120 V; 6 at 113 V (below A's 114, inside B's 110); 6 at 127 V (above A's 126, inside B's
  // 127, limits inclusive); 4 at 109 V (below both); 2 at 128 V (above both).
  // Range A: within 150/168 = 0.892857 -> 0.8929; below (6 + 4)/168 = 0.059524 -> 0.0595; above (6 + 2)/168 = 0.047619 -> 0.0476.
  // Range B: within (150 + 6 + 6)/168 = 0.964286 -> 0.9643; below 4/168 = 0.0238; above 2/168 = 0.0119.
  const v = series(repeat([120, 150], [113, 6], [127, 6], [109, 4], [128, 2]), 60);
  const r = ansiC84([v], 120, interruptionMask([v], 120));
  t.strictSame(r, {
    intervals: 168,
    interruptedIntervals: 0,
    rangeA: { lowV: 114, highV: 126, withinShare: 0.8929, belowShare: 0.0595, aboveShare: 0.0476, perPhase: [{ withinShare: 0.8929 }] },
    rangeB: { lowV: 110, highV: 127, withinShare: 0.9643, belowShare: 0.0238, aboveShare: 0.0119, perPhase: [{ withinShare: 0.9643 }] },
  });
});

t.test('C84.1 on three phases: an interval is within when every phase is; interruptions are left out', async (t) => {
  // Nominal 277 V: Range A 263.15-290.85 V. i0 all 277 (in); i1 B at 260 (out: below); i2 all 5 V (interruption, left out);
  // i3 A missing, B and C 280 (in). Within 2 of 3 counted = 0.6667; below 1/3 = 0.3333.
  const a = series([277, 277, 5, NaN], 15);
  const b = series([277, 260, 5, 280], 15);
  const c = series([277, 277, 5, 280], 15);
  const r = ansiC84([a, b, c], 277, interruptionMask([a, b, c], 277));
  t.strictSame([r.intervals, r.interruptedIntervals, r.rangeA.withinShare, r.rangeA.belowShare, r.rangeA.aboveShare], [3, 1, 0.6667, 0.3333, 0]);
  t.strictSame(r.rangeA.perPhase, [{ withinShare: 1 }, { withinShare: 0.6667 }, { withinShare: 1 }]);
});

t.test('EN 50160: share of 10-minute means within ±10 % per week, compliant at 95 %', async (t) => {
  // 230 V: ±10 % = 207-253 V; +10/−15 % = 195.5-253 V. Two weeks of 10-minute values (1,008 each), UTC.
  // Week 1: 960 at 230 V, 48 at 200 V -> 960/1008 = 0.952381 >= 0.95: compliant; 200 >= 195.5: all within +10/−15 %.
  // Week 2: 950 at 230 V, 58 at 190 V -> 950/1008 = 0.942460 < 0.95: not compliant; 190 < 195.5.
  const v = series(repeat([230, 960], [200, 48], [230, 950], [190, 58]), 10);
  const r = en50160([v], 230, 'UTC');
  t.strictSame(r, {
    weekStartsOn: 'Monday',
    basisMinutes: 10,
    weeks: 2,
    compliantWeeks: 1,
    weekly: [
      { weekStart: '2025-06-02', values: 1008, withinShare: 0.9524, compliant: true, withinWideRange: true },
      { weekStart: '2025-06-09', values: 1008, withinShare: 0.9425, compliant: false, withinWideRange: false },
    ],
  });
});

t.test('EN 50160 weeks are local and start on Monday', async (t) => {
  // Chicago (UTC-5 in June). 2025-06-08 is a Sunday: 10-minute values from Sunday 22:00 local (Mon 03:00Z) for
  // 4 hours = 24 values: 12 on Sunday (week of Monday 2025-06-02), 12 on Monday 2025-06-09.
  const v = series(Array<number>(24).fill(120), 10, Date.parse('2025-06-09T03:00:00Z'));
  t.strictSame(en50160([v], 120, 'America/Chicago').weekly.map((w) => [w.weekStart, w.values]), [['2025-06-02', 12], ['2025-06-09', 12]]);
});

t.test('10-minute means: finer data averaged on the 10-minute clock; gaps and interruptions', async (t) => {
  // 1-minute values from 00:00: window 1 = 5 x 230 + 5 x 200 -> mean 215; window 2: 4 present of 10 (< half) -> NaN;
  // window 3: 10 present but one flagged as an interruption -> NaN (IEC 61000-4-30 flagging).
  const values = [...repeat([230, 5], [200, 5]), ...repeat([230, 4], [NaN, 6]), ...repeat([230, 9], [0, 1])];
  const s = series(values, 1);
  const mask = interruptionMask([s], 230);
  const r = tenMinuteMeans(s, mask);
  t.equal(r.intervalMinutes, 10);
  t.equal(r.values[0], 215);
  t.ok(Number.isNaN(r.values[1]!) && Number.isNaN(r.values[2]!));
  // 5-minute data starting at 00:05 lands in windows 00:00 and 00:10.
  const five = tenMinuteMeans(series([230, 220, 240], 5, MONDAY + 5 * 60_000));
  t.strictSame([five.startMs, Array.from(five.values)], [MONDAY, [230, 230]]);
  // 15-minute data is used as it is.
  const q = tenMinuteMeans(series([230, 231], 15));
  t.strictSame([q.intervalMinutes, Array.from(q.values)], [15, [230, 231]]);
});

t.test('voltage unbalance: max deviation from the average over the average (NEMA / ANSI C84.1 Annex D)', async (t) => {
  // 10-minute values. i0: 230, 230, 220 -> average 226.667, largest deviation 6.667 -> 2.941 %.
  // i1: 240, 230, 220 -> average 230, deviation 10 -> 4.348 % (above the 3 % limit). i2: C missing -> not counted.
  const a = series([230, 240, 230], 10);
  const b = series([230, 230, 230], 10);
  const c = series([220, 220, NaN], 10);
  const u = voltageUnbalance([a, b, c], new Uint8Array(3));
  t.strictSame(u, {
    definition: 'NEMA MG 1 / ANSI C84.1 Annex D: max deviation from the average / average',
    limitPct: 3,
    maxPct: 4.35,
    maxAt: '2025-06-02T00:10:00Z',
    p95Pct: 4.35, // nearest rank: ceil(0.95 x 2) = 2nd of [2.94, 4.35]
    meanPct: 3.64, // (2.941 + 4.348) / 2 = 3.645 -> 3.64
    aboveLimitShare: 0.5,
    intervals: 2,
  });
  t.equal(voltageUnbalance([a, b], new Uint8Array(3)), null, 'two phases: no unbalance');
});

t.test('powerQuality: the CONTRACT fields', async (t) => {
  const v = series(repeat([230, 960], [200, 48]), 10);
  const r = powerQuality({ phases: [v], nominalV: 230, timeZone: 'UTC', thdPct: [series(Array<number>(1008).fill(2), 10)] });
  t.equal(r.voltage?.nominalV, 230);
  t.equal(r.voltage?.ansiRangeA.withinShare, 0.9524); // 960/1008 (200 V is below 218.5 V)
  t.strictSame([r.voltage?.en50160.weeks, r.voltage?.en50160.compliantWeeks], [1, 1]);
  t.strictSame([r.events?.sag.count, r.events?.undervoltage.count], [0, 1]); // 48 x 10 min at 0.87 pu: one undervoltage
  t.strictSame([r.harmonics?.maxThdPct, r.harmonics?.limitPct, r.harmonics?.compliant], [2, 8, true]); // 230 x √3 = 398 V: ≤ 1 kV
  t.strictSame(powerQuality({ phases: [], nominalV: 230, timeZone: 'UTC' }), { voltage: null, events: null, harmonics: null });
});
