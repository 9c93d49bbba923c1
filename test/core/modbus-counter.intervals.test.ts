import fc from 'fast-check';
import t from 'tap';
import { IntervalGrid } from '../../src/core/ingest/interval-grid.js';
import { advanceCounter, type CounterOptions, type CounterReset, type CounterTrack, type EnergyInterval } from '../../src/core/modbus/counter-intervals.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 10, 0);
const grid15 = new IntervalGrid(15, 'UTC');
const opts: CounterOptions = { grid: grid15, actualMaxGapMs: 2.5 * MIN, interpolateMaxGapMs: 60 * MIN };
const iso = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** Runs samples through a fresh track; returns the intervals (start as HH:MM) and resets. */
function run(samples: [number, number][], modulus = Infinity, o = opts): { intervals: [string, number, boolean][]; resets: CounterReset[] } {
  let track: CounterTrack | null = null;
  const out: EnergyInterval[] = [];
  const resets: CounterReset[] = [];
  for (const [tMs, value] of samples) {
    const step = advanceCounter(track, { tMs, value, modulus }, o, out);
    track = step.track;
    if (step.reset) resets.push(step.reset);
  }
  return { intervals: out.map((e) => [iso(e.startMs), e.value, e.estimated]), resets };
}

const everyMinute = (fromMs: number, n: number, kwhAt: (k: number) => number): [number, number][] =>
  Array.from({ length: n }, (_, k) => [fromMs + k * MIN, kwhAt(k)]);

t.test('a known ramp gives exact intervals (15 kW: 3.75 kWh per quarter hour)', async (t) => {
  const r = run(everyMinute(T0, 46, (k) => 1000 + 0.25 * k));
  t.strictSame(r.intervals, [['10:00', 3.75, false], ['10:15', 3.75, false], ['10:30', 3.75, false]]);
  t.strictSame(r.resets, []);
});

t.test('polls between boundaries: the counter is interpolated at each boundary', async (t) => {
  // Samples at :07:30, :08:30, ... with a 12 kW ramp: 0.2 kWh a minute, 3 kWh a quarter hour.
  const r = run(everyMinute(T0 + 7.5 * MIN, 40, (k) => 500 + 0.2 * k));
  t.strictSame(r.intervals, [['10:15', 3, false], ['10:30', 3, false]], 'the first partial interval has no start value and is not emitted');
});

t.test('the energy of changing load lands in the right intervals', async (t) => {
  // 10 kW until 10:15, then 30 kW: 2.5 kWh then 7.5 kWh.
  const r = run(everyMinute(T0, 31, (k) => (k <= 15 ? k * (10 / 60) : 2.5 + (k - 15) * (30 / 60))));
  t.strictSame(r.intervals, [['10:00', 2.5, false], ['10:15', 7.5, false]]);
});

t.test('rollover: a 32-bit Wh counter wraps and the interval is still right', async (t) => {
  const modulusKwh = 2 ** 32 / 1000; // acc32 Wh with scale factor 0, in kWh
  const start = modulusKwh - 1; // 1 kWh below the wrap
  const r = run(everyMinute(T0, 16, (k) => (start + 0.25 * k) % modulusKwh), modulusKwh);
  t.strictSame(r.intervals, [['10:00', 3.75, false]]);
  t.strictSame(r.resets, []);
});

t.test('reset: never negative, never huge; the intervals around it are missing, then it carries on', async (t) => {
  const samples = everyMinute(T0, 46, (k) => (k < 20 ? 800_000 + 0.25 * k : 0.25 * (k - 20) + 0.1));
  const r = run(samples, 2 ** 32 / 1000);
  t.strictSame(r.resets, [{ fromTMs: T0 + 19 * MIN, toTMs: T0 + 20 * MIN, before: 800_004.75, after: 0.1 }]);
  t.strictSame(r.intervals, [['10:00', 3.75, false], ['10:30', 3.75, false]], '10:15-10:30 spans the reset and is left missing');
  t.ok(r.intervals.every(([, v]) => v >= 0 && v < 10));
});

t.test('a float counter has no modulus: any drop is a reset', async (t) => {
  const r = run([[T0, 100], [T0 + MIN, 99.5]], Infinity);
  t.equal(r.resets.length, 1);
});

t.test('silent for three polls: intervals across the gap are estimated, then actual again', async (t) => {
  const samples = everyMinute(T0, 61, (k) => 0.25 * k).filter(([tMs]) => tMs < T0 + 14 * MIN || tMs > T0 + 16 * MIN + 1);
  // The polls of 10:14, 10:15 and 10:16 are missing: 10:13 to 10:17 is 4 minutes, so the 10:15 boundary is an estimate.
  const r = run(samples);
  t.strictSame(r.intervals, [['10:00', 3.75, true], ['10:15', 3.75, true], ['10:30', 3.75, false], ['10:45', 3.75, false]]);
});

t.test('missing samples (NaN) change nothing', async (t) => {
  const samples = everyMinute(T0, 16, (k) => 0.25 * k).map(([tMs, v], k): [number, number] => [tMs, k % 3 === 1 ? NaN : v]);
  t.strictSame(run(samples).intervals, [['10:00', 3.75, false]]);
});

t.test('a gap over an hour is not interpolated: those intervals stay missing', async (t) => {
  const before = everyMinute(T0, 2, (k) => 0.25 * k);
  const after = everyMinute(T0 + 2 * 60 * MIN, 16, (k) => 30 + 0.25 * k);
  t.strictSame(run([...before, ...after]).intervals, [['12:00', 3.75, false]]);
});

t.test('an old or repeated sample is ignored', async (t) => {
  const quarterHourly = { ...opts, actualMaxGapMs: 15 * MIN };
  t.strictSame(run([[T0, 0], [T0 + 15 * MIN, 3], [T0 + 15 * MIN, 4], [T0 + 10 * MIN, 1], [T0 + 30 * MIN, 6]], Infinity, quarterHourly).intervals, [['10:00', 3, false], ['10:15', 3, false]]);
});

t.test('hourly intervals on the local grid of a half-hour zone (Asia/Kolkata, +05:30)', async (t) => {
  const grid = new IntervalGrid(60, 'Asia/Kolkata');
  const r = run(everyMinute(Date.UTC(2026, 0, 5, 4, 0), 121, (k) => k), Infinity, { ...opts, grid });
  t.strictSame(r.intervals.map(([s, v]) => [s, v]), [['04:30', 60]], 'local 10:00-11:00 is 04:30Z-05:30Z');
});

t.test('property: the intervals sum to the counter difference between the first and last boundary', async (t) => {
  fc.assert(fc.property(
    fc.array(fc.record({ dtS: fc.integer({ min: 20, max: 200 }), dWh: fc.integer({ min: 0, max: 5000 }) }), { minLength: 2, maxLength: 200 }),
    (steps) => {
      let tMs = T0 + 17_000;
      let wh = 0;
      const samples: [number, number][] = [[tMs, 0]];
      for (const s of steps) {
        tMs += s.dtS * 1000;
        wh += s.dWh;
        samples.push([tMs, wh / 1000]);
      }
      const r = run(samples, Infinity, { ...opts, actualMaxGapMs: Infinity, interpolateMaxGapMs: Infinity });
      const total = r.intervals.reduce((a, [, v]) => a + v, 0);
      if (r.intervals.length === 0) return true;
      // Boundary values by linear interpolation, computed independently.
      const at = (b: number): number => {
        for (let i = 1; i < samples.length; i++) {
          const [t1, v1] = samples[i - 1]!;
          const [t2, v2] = samples[i]!;
          if (b >= t1 && b <= t2) return v1 + ((v2 - v1) * (b - t1)) / (t2 - t1);
        }
        throw new Error('boundary outside samples');
      };
      const first = Date.parse(`2026-01-05T${r.intervals[0]![0]}:00Z`);
      const last = Date.parse(`2026-01-05T${r.intervals.at(-1)![0]}:00Z`) + 15 * MIN;
      return Math.abs(total - (at(last) - at(first))) < 1e-6 && r.intervals.every(([, v]) => v >= 0);
    },
  ));
  t.pass('holds for 100 random sample series');
});
