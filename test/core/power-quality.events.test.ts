import t from 'tap';
import { ieee1159Events } from '../../src/core/power-quality/ieee1159-events.js';
import type { IntervalSeries } from '../../src/core/series.js';

// IEEE 1159 Table 2: sag 0.1-0.9 pu and swell 1.1-1.8 pu up to 1 minute; interruption < 0.1 pu;
// undervoltage 0.8-0.9 pu and overvoltage 1.1-1.2 pu for more than 1 minute. Nominal 120 V:
// 0.9 pu = 108 V, 1.1 pu = 132 V, 0.1 pu = 12 V.
const START = Date.parse('2025-06-02T00:00:00Z');
const N = 80;
const minute = (i: number): string => new Date(START + i * 60_000).toISOString().replace('.000Z', 'Z');
/** A 1-minute phase at 120 V with the given minutes changed. */
const phase = (changes: Record<number, number> = {}): IntervalSeries => {
  const values = new Float64Array(N).fill(120);
  for (const [i, v] of Object.entries(changes)) values[Number(i)] = v;
  return { startMs: START, intervalMinutes: 1, values };
};

t.test('a sag and a swell, their long-duration kin, and an interruption, from 1-minute averages', async (t) => {
  // min 10: A 100 V (0.8333 pu) for one 1-minute interval -> sag (1 min is not more than 1 min)
  // min 20-22: B 100 V for 3 minutes -> undervoltage, 3 min
  // min 30: C 135 V (1.125 pu) for 1 minute -> swell; min 40-41: C 135 V for 2 minutes -> overvoltage
  // min 50-51: all phases 5 V (0.0417 pu) -> interruption, 2 min
  // min 60: A 11 V but B and C normal -> not an interruption: a sag of 11/120 = 0.0917 pu
  const a = phase({ 10: 100, 50: 5, 51: 5, 60: 11 });
  const b = phase({ 20: 100, 21: 100, 22: 100, 50: 5, 51: 5 });
  const c = phase({ 30: 135, 40: 135, 41: 135, 50: 5, 51: 5 });
  const r = ieee1159Events([a, b, c], 120);
  t.strictSame(r.list.map((e) => [e.kind, (e.startMs - START) / 60_000, e.durationMinutes, e.magnitudePu, e.basis]), [
    ['sag', 10, 1, 0.8333, 'average'],
    ['undervoltage', 20, 3, 0.8333, 'average'],
    ['swell', 30, 1, 1.125, 'average'],
    ['overvoltage', 40, 2, 1.125, 'average'],
    ['interruption', 50, 2, 0.0417, 'average'],
    ['sag', 60, 1, 0.0917, 'average'],
  ]);
  t.strictSame(r.sag, { count: 2, worstPu: 0.0917, worstV: 11, worstAt: minute(60), longestMinutes: 1 });
  t.strictSame(r.swell, { count: 1, worstPu: 1.125, worstV: 135, worstAt: minute(30), longestMinutes: 1 });
  t.strictSame(r.undervoltage, { count: 1, worstPu: 0.8333, worstV: 100, worstAt: minute(20), longestMinutes: 3 });
  t.strictSame(r.overvoltage, { count: 1, worstPu: 1.125, worstV: 135, worstAt: minute(40), longestMinutes: 2 });
  t.strictSame(r.interruption, { count: 1, worstPu: 0.0417, worstV: 5, worstAt: minute(50), longestMinutes: 2 });
});

t.test('sags and swells inside an interval, from its minimum and maximum', async (t) => {
  // Averages all 120 V. Minimum: A dips to 60 V (0.5 pu) in minute 5 and 6 -> one sag (consecutive), duration unknown;
  // every phase's minimum below 12 V in minute 15 -> an interruption shorter than the interval.
  // Maximum: B reaches 150 V (1.25 pu) in minute 25 -> a swell.
  const avg = [phase(), phase(), phase()];
  const minimum = [phase({ 5: 60, 6: 70, 15: 3 }), phase({ 15: 2 }), phase({ 15: 4 })];
  const maximum = [phase(), phase({ 25: 150 }), phase()];
  const r = ieee1159Events(avg, 120, { minimum, maximum });
  t.strictSame(r.list.map((e) => [e.kind, (e.startMs - START) / 60_000, (e.endMs - START) / 60_000, e.durationMinutes, e.magnitudeV, e.basis]), [
    ['sag', 5, 7, null, 60, 'min-max'],
    ['interruption', 15, 16, null, 2, 'min-max'],
    ['swell', 25, 26, null, 150, 'min-max'],
  ]);
  t.equal(r.sag.longestMinutes, null, 'no known duration');
});

t.test('a missing interval ends a run; 15-minute data makes every run long-duration', async (t) => {
  const a = phase({ 10: 100, 11: NaN, 12: 100 });
  t.strictSame(ieee1159Events([a], 120).list.map((e) => [e.kind, e.durationMinutes]), [['sag', 1], ['sag', 1]]);
  // One 15-minute interval at 105 V (0.875 pu) lasts 15 min > 1 min: undervoltage.
  const q: IntervalSeries = { startMs: START, intervalMinutes: 15, values: Float64Array.of(120, 105, 120) };
  t.strictSame(ieee1159Events([q], 120).list.map((e) => [e.kind, e.durationMinutes, e.magnitudePu]), [['undervoltage', 15, 0.875]]);
});
