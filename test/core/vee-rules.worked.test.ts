import t from 'tap';
import type { IntervalSeries } from '../../src/core/series.js';
import { gapFlags, missingRuns } from '../../src/core/vee/gaps.js';
import { kwhKwFlags } from '../../src/core/vee/kwh-kw.js';
import { negativeFlags } from '../../src/core/vee/negative.js';
import { registerSumFlags } from '../../src/core/vee/register-sums.js';
import { spikeFlags } from '../../src/core/vee/spikes.js';
import { rulesFor, validateSeries } from '../../src/core/vee/validate.js';
import { zeroRunFlags } from '../../src/core/vee/zero-runs.js';

// Each VEE rule on a synthetic series, the expectation worked by hand in the comments.
const T0 = Date.UTC(2026, 0, 5); // 2026-01-05T00:00Z
const Q = 15 * 60_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const series = (values: number[], intervalMinutes = 15, startMs = T0): IntervalSeries => ({ startMs, intervalMinutes, values: Float64Array.from(values) });
const fill = (n: number, v: number): number[] => Array<number>(n).fill(v);

t.test('gap: the reading after missing intervals is flagged with their count and start', async (t) => {
  // Indexes 2, 3 missing before 4; index 5 missing before 6; the trailing NaN is data not yet received.
  const s = series([1, 2, NaN, NaN, 5, NaN, 7, NaN]);
  t.strictSame(gapFlags(s), [
    { index: 4, rule: 'gap', detail: { missingIntervals: 2, from: iso(T0 + 2 * Q) } },
    { index: 6, rule: 'gap', detail: { missingIntervals: 1, from: iso(T0 + 5 * Q) } },
  ]);
  t.strictSame(missingRuns(s.values), [{ start: 2, length: 2, closed: true }, { start: 5, length: 1, closed: true }, { start: 7, length: 1, closed: false }]);
  // A leading gap is measured from the last reading before the series: T0 - 2q .. T0 + 2q leaves
  // T0 - q, T0, T0 + q missing (3); without that reading its length is unknown and nothing is flagged.
  const lead = series([NaN, NaN, 3]);
  t.strictSame(gapFlags(lead, T0 - 2 * Q), [{ index: 2, rule: 'gap', detail: { missingIntervals: 3, from: iso(T0 - Q) } }]);
  t.strictSame(gapFlags(lead), []);
  t.strictSame(gapFlags(series([NaN, 3]), T0 - Q), [{ index: 1, rule: 'gap', detail: { missingIntervals: 1, from: iso(T0) } }]);
});

t.test('spike: far above the rolling median of its 16 neighbours', async (t) => {
  // Flat 10 kWh: median m = 10, MAD = 0, level = 10; s = max(0, 0.5 x 10, 0.1 x 10) = 5, so a spike is
  // above m + 4 x 5 = 30. 100 is one; 30 exactly is not; 30.5 is.
  const v = fill(40, 10);
  v[20] = 100;
  t.strictSame(spikeFlags(series(v)), [{ index: 20, rule: 'spike', detail: { median: 10, threshold: 30 } }]);
  v[20] = 30;
  t.strictSame(spikeFlags(series(v)), []);
  v[20] = 30.5;
  t.equal(spikeFlags(series(v)).length, 1);
  // Two spikes side by side: each one's 16 neighbours hold one 100 and fifteen 10s, median 10.
  v[20] = 100;
  v[21] = 100;
  t.strictSame(spikeFlags(series(v)).map((f) => f.index), [20, 21]);
  // A step that stays (10 -> 100 kWh) is a change of load, not a spike: at the first 100 the neighbours
  // are eight 10s and eight 100s, m = 55, s >= 0.5 x 55 = 27.5, threshold 55 + 110 = 165 > 100.
  t.strictSame(spikeFlags(series([...fill(20, 10), ...fill(20, 100)])), []);
  // A dip is not a spike (upward only).
  const dip = fill(40, 10);
  dip[20] = 0;
  t.strictSame(spikeFlags(series(dip)), []);
  // Fewer than 8 present neighbours: no verdict (7 readings, 6 neighbours).
  t.strictSame(spikeFlags(series([10, 10, 10, 100, 10, 10, 10])), []);
  // Noise widens the band: neighbours alternate 8 and 12 (m = 10, MAD = 2, 1.4826 x 2 = 2.97 < 5), so
  // s stays 5 and 29 passes while 31 does not.
  const noisy: number[] = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 8 : 12));
  noisy[21] = 29;
  t.strictSame(spikeFlags(series(noisy)), []);
  noisy[21] = 31;
  t.strictSame(spikeFlags(series(noisy)).map((f) => f.index), [21]);
});

t.test('negative: energy below zero', async (t) => {
  t.strictSame(negativeFlags(series([1, -0.5, 0, NaN, 2, -0])), [{ index: 1, rule: 'negative', detail: { value: -0.5 } }]);
});

t.test('zero_run: 4 hours of zeros on a channel that is usually not zero', async (t) => {
  // 15-minute data: a run needs 240 / 15 = 16 zeros, and at least 96 other readings of which <= 5 % zero.
  const v = fill(300, 5);
  v.fill(0, 100, 116); // 16 zeros: flagged, every one
  const flags = zeroRunFlags(series(v));
  t.equal(flags.length, 16);
  t.strictSame(flags[0], { index: 100, rule: 'zero_run', detail: { runIntervals: 16, runFrom: iso(T0 + 100 * Q) } });
  t.equal(flags[15]!.index, 115);
  // 15 zeros (3 h 45 min): too short.
  const short = fill(300, 5);
  short.fill(0, 100, 115);
  t.strictSame(zeroRunFlags(series(short)), []);
  // A missing interval ends a run: 8 zeros, NaN, 8 zeros.
  const broken = fill(300, 5);
  broken.fill(0, 100, 117);
  broken[108] = NaN;
  t.strictSame(zeroRunFlags(series(broken)), []);
  // A channel that is often zero (export of a solar site: zero half of each day): other zeros ~ 50 % > 5 %.
  const solar = Array.from({ length: 5 * 96 }, (_, i) => (i % 96 < 48 ? 0 : 3));
  t.strictSame(zeroRunFlags(series(solar)), []);
  // A meter that reported zeros for two days among 5 days of load is still usually not zero: flagged.
  const dead = fill(5 * 96, 5);
  dead.fill(0, 96, 3 * 96);
  t.equal(zeroRunFlags(series(dead)).length, 192);
  // Too little else to judge by (95 other readings < 96).
  t.strictSame(zeroRunFlags(series([...fill(16, 0), ...fill(95, 5)])), []);
  // Hourly data: 4 zeros make 4 hours.
  t.equal(zeroRunFlags(series([...fill(30, 5), ...fill(4, 0), ...fill(30, 5)], 60)).length, 4);
});

t.test('kwh_kw: kWh x 60 / interval against the average kW', async (t) => {
  // 10 kWh in 15 minutes = 40 kW. Tolerance max(5 % of the larger, 0.05 kW):
  //   41.9 -> |40 - 41.9| = 1.9 <= 2.095: fine; 42.5 -> 2.5 > 2.125: flagged; 30 -> 10 > 2: flagged;
  //   the missing kWh interval is not judged.
  const kwh = series([10, 10, 10, 10, NaN]);
  const kw = series([40, 41.9, 42.5, 30, 40]);
  t.strictSame(kwhKwFlags(kwh, kw), [
    { index: 2, rule: 'kwh_kw', detail: { demandKw: 40, averageKw: 42.5 } },
    { index: 3, rule: 'kwh_kw', detail: { demandKw: 40, averageKw: 30 } },
  ]);
  // Near zero the absolute 0.05 kW applies: 0.01 kWh = 0.04 kW against 0 kW passes.
  t.strictSame(kwhKwFlags(series([0.01]), series([0])), []);
  // 5-minute kW averaged over each 15-minute kWh interval: (39 + 40 + 41) / 3 = 40 fine; a missing kW
  // interval: not judged; 30 kW throughout: flagged.
  const kw5 = series([39, 40, 41, 39, NaN, 41, 30, 30, 30], 5);
  t.strictSame(kwhKwFlags(series([10, 10, 10]), kw5).map((f) => [f.index, f.detail]), [[2, { demandKw: 40, averageKw: 30 }]]);
  t.throws(() => kwhKwFlags(series([10], 15), series([40], 10)), { code: 'KM_CORE_SHAPE' }, '10-minute kW does not divide 15-minute kWh');
});

t.test('register_sum: interval sums between register reads against the register advance', async (t) => {
  // 8 intervals of 2.5 kWh. Reads: 1000 at T0, 1010 at T0 + 4q (sum 10 = delta 10: fine), 1030 at
  // T0 + 8q (sum 10 vs delta 20: flagged on the span's last interval, index 7).
  const kwh = series(fill(8, 2.5));
  const reads = { tsMs: Float64Array.from([T0, T0 + 4 * Q, T0 + 8 * Q]), valueKwh: Float64Array.from([1000, 1010, 1030]) };
  t.strictSame(registerSumFlags(kwh, reads), [
    { index: 7, rule: 'register_sum', detail: { from: iso(T0 + 4 * Q), to: iso(T0 + 8 * Q), intervalSumKwh: 10, registerDeltaKwh: 20 } },
  ]);
  // Within the whole-kWh resolution: delta 10.9 against 10 passes (|0.9| <= max(0.109, 1)).
  t.strictSame(registerSumFlags(kwh, { tsMs: Float64Array.from([T0, T0 + 4 * Q]), valueKwh: Float64Array.from([0, 10.9]) }), []);
  // A span with a missing interval, or a read off the grid, is not judged.
  const gappy = series([2.5, NaN, 2.5, 2.5]);
  t.strictSame(registerSumFlags(gappy, { tsMs: Float64Array.from([T0, T0 + 4 * Q]), valueKwh: Float64Array.from([0, 99]) }), []);
  t.strictSame(registerSumFlags(kwh, { tsMs: Float64Array.from([T0 + 60_000, T0 + 4 * Q]), valueKwh: Float64Array.from([0, 99]) }), []);
});

t.test('validateSeries runs the rules of the channel kind, ordered by reading', async (t) => {
  t.strictSame(rulesFor({ kind: 'v_a' }), ['gap', 'spike', 'zero_run'], 'no negative rule for a voltage');
  t.strictSame(rulesFor({ kind: 'kwh_del' }), ['gap', 'spike', 'negative', 'zero_run']);
  const kw = series(fill(40, 40));
  t.strictSame(rulesFor({ kind: 'kwh_del', kw }), ['gap', 'spike', 'negative', 'zero_run', 'kwh_kw']);
  // 40 intervals of 10 kWh (= 40 kW): index 5 is -1 (negative and, against 40 kW, kwh_kw); index 20 is
  // 100 (a spike, and kwh_kw); index 30 missing (gap flagged on 31).
  const v = fill(40, 10);
  v[5] = -1;
  v[20] = 100;
  v[30] = NaN;
  const flags = validateSeries({ kind: 'kwh_del', series: series(v), kw });
  t.strictSame(flags.map((f) => [f.index, f.rule]), [[5, 'negative'], [5, 'kwh_kw'], [20, 'spike'], [20, 'kwh_kw'], [31, 'gap']]);
});
