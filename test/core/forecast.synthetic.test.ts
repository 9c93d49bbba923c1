import t from 'tap';
import { backtestDayAhead } from '../../src/core/forecast/day-ahead-backtest.js';
import { forecastFrame } from '../../src/core/forecast/frame.js';

/** mulberry32: a small seeded PRNG (public domain), so the noise is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates by Box–Muller. */
function gaussian(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** The known weekly shape, kWh per hour: workdays 100 with 180 from 08:00 to 18:00, Saturday 90/120 10:00–16:00, Sunday 80. */
function shape(dayOfWeek: number, hour: number): number {
  if (dayOfWeek === 0) return 80;
  if (dayOfWeek === 6) return hour >= 10 && hour < 16 ? 120 : 90;
  return hour >= 8 && hour < 18 ? 180 : 100;
}

const NOISE_SD_KWH = 8;
const WEEKS = 30;
// 2024-01-07 was a Sunday; UTC has no DST, so day and hour follow from the index.
const START_MS = Date.UTC(2024, 0, 7);

function series(seed: number): Float64Array {
  const noise = gaussian(seed);
  const n = WEEKS * 7 * 24;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = shape(Math.floor(i / 24) % 7, i % 24) + NOISE_SD_KWH * noise();
  return values;
}

t.test('weekly shape + Gaussian noise: the backtest CV(RMSE) comes within 15 % of the noise level and beats the naive baseline', async (t) => {
  // With the shape known exactly, the best possible CV(RMSE) is the noise sd over the mean. The model
  // estimates the shape from the weeks before each origin, so it lands a little above: each cell mean
  // carries its own noise (variance σ²/n_eff) and the variant is chosen on noisy validation errors.
  // Tolerance: at most 15 % above the noise level (and not below it by more than sampling error, 5 %).
  // The naive baseline's error is the difference of two noisy weeks, √2 times the noise level.
  for (const seed of [1, 2, 3]) {
    const values = series(seed);
    const frame = forecastFrame(START_MS, 60, values.length, 'UTC');
    const bt = backtestDayAhead(frame, values, undefined);
    const noiseLevel = NOISE_SD_KWH / bt.hourly.model.meanActual!;
    const cv = bt.hourly.model.cvrmse!;
    const naive = bt.hourly.baseline.cvrmse!;
    t.equal(bt.days.length, 56, 'eight weeks of origins');
    t.equal(bt.hourly.hours, 56 * 24);
    t.ok(cv >= 0.95 * noiseLevel && cv <= 1.15 * noiseLevel, `seed ${seed}: CV(RMSE) ${cv.toFixed(4)} vs noise level ${noiseLevel.toFixed(4)}`);
    t.ok(Math.abs(naive / noiseLevel - Math.SQRT2) < 0.15, `seed ${seed}: naive ${naive.toFixed(4)} ≈ √2 × noise level`);
    t.ok(cv <= 0.8 * naive, `seed ${seed}: model ${cv.toFixed(4)} at least 20 % below naive ${naive.toFixed(4)}`);
    t.ok(Math.abs(bt.hourly.model.nmbe!) < 0.01, `seed ${seed}: NMBE ${bt.hourly.model.nmbe!.toFixed(4)} within ±1 %`);
    // 80 % bands from the first four weeks hold 80 % of the last four, give or take sampling error.
    t.ok(Math.abs(bt.holdoutCoverage! - 0.8) < 0.05, `seed ${seed}: holdout coverage ${bt.holdoutCoverage!.toFixed(3)}`);
  }
});
