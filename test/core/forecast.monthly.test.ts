import t from 'tap';
import { forecast } from '../../src/core/forecast/forecast.js';
import { forecastFrame, historyView } from '../../src/core/forecast/frame.js';
import { backtestMonthly } from '../../src/core/forecast/monthly-backtest.js';
import { fitMonthly, forecastMonths } from '../../src/core/forecast/monthly.js';

t.test('fitMonthly: seasonal means plus a within-month trend reproduce an exact seasonal + linear series', async (t) => {
  // y_t = s[moy] + 2 t for 36 months from January: the fit must return s and slope 2 exactly.
  const s = [50, 45, 40, 35, 40, 60, 80, 85, 60, 40, 42, 48];
  const labels = Array.from({ length: 36 }, (_, i) => `${2022 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  const y = Float64Array.from(labels, (_, i) => s[i % 12]! + 2 * i);
  const fit = fitMonthly(y, labels);
  t.equal(fit.kind, 'seasonal-trend');
  t.equal(fit.points, 36);
  t.ok(Math.abs(fit.slopePerMonth - 2) < 1e-12, `slope ${fit.slopePerMonth}`);
  // Month 40 (May of the fourth year): 40 + 2 × 40 = 120.
  t.ok(Math.abs(fit.predict(40, 4) - 120) < 1e-9, `${fit.predict(40, 4)}`);
});

t.test('fitMonthly: under 24 points no trend; without every month of the year, the last 3 months level', async (t) => {
  const labels = Array.from({ length: 14 }, (_, i) => `${2022 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  const y = Float64Array.from(labels, (_, i) => 10 + i);
  const seasonal = fitMonthly(y, labels);
  t.equal(seasonal.kind, 'seasonal');
  t.equal(seasonal.slopePerMonth, 0);
  t.equal(seasonal.predict(24, 0), (10 + 22) / 2); // January: months 0 and 12 had 10 and 22
  const short = fitMonthly(y.subarray(0, 5), labels.slice(0, 5));
  t.equal(short.kind, 'level');
  t.equal(short.predict(9, 9), (12 + 13 + 14) / 3);
  t.equal(fitMonthly(new Float64Array([Number.NaN]), ['2022-01']).kind, 'none');
});

t.test('forecast monthly: 12 months after the origin, kWh = mean kW × the month hours (DST aware), exact on a noiseless series', async (t) => {
  // Hourly kWh in America/New_York from 2023-01-01 00:00 local (05:00Z), 3 years: each hour of calendar
  // month t (0-based from Jan 2023) holds s[moy] + 0.5 t kWh, so a month's mean kW is that value.
  const s = [50, 45, 40, 35, 40, 60, 80, 85, 60, 40, 42, 48];
  const startMs = Date.UTC(2023, 0, 1, 5);
  const frame = forecastFrame(startMs, 60, 3 * 8760 + 24, 'America/New_York');
  const n = frame.monthStart[36]!; // up to 2026-01-01 00:00 local
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = frame.cal.monthIndex[i]!;
    values[i] = s[m % 12]! + 0.5 * m;
  }
  const f = forecast({ startMs, intervalMinutes: 60, values }, { timeZone: 'America/New_York' });
  t.strictSame(f.monthly.map((m) => m.month), ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
  // 2026-03 (month 38) has 743 hours (spring forward): (40 + 19) × 743 = 43,837; 2026-11 (month 46): (42 + 23) × 721 = 46,865.
  t.equal(f.monthly[2]!.kwh, 59 * 743);
  t.equal(f.monthly[2]!.peakKw, 59);
  t.equal(f.monthly[10]!.kwh, 65 * 721);
  t.equal(f.detail.monthly.energy.kind, 'seasonal-trend');
  // The backtest is exact too, while the same-month-last-year baseline misses the growth: 12 months × 0.5 kW.
  t.ok(f.detail.monthly.backtest.energy.model.cvrmse! < 1e-9);
  t.ok(f.detail.monthly.backtest.energy.baseline.nmbe! > 0.05, 'the baseline under-predicts a growing load');
});

t.test('monthly backtest and forecast read only the months before their origin', async (t) => {
  const startMs = Date.UTC(2022, 0, 1);
  const frame = forecastFrame(startMs, 60, 4 * 8784, 'UTC');
  const n = frame.monthStart[40]!;
  const clean = new Float64Array(n);
  for (let i = 0; i < n; i++) clean[i] = 100 + 30 * Math.sin((2 * Math.PI * frame.cal.monthIndex[i]!) / 12) + ((i * 7919) % 13);
  const origin = frame.monthStart[30]!;
  const poisoned = clean.slice();
  poisoned.fill(1e9, origin);
  for (let i = origin; i < n; i += 3) poisoned[i] = Number.NaN;
  const targets = Array.from({ length: 12 }, (_, k) => 30 + k);
  const a = forecastMonths(historyView(frame, clean, undefined, origin), targets);
  const b = forecastMonths(historyView(frame, poisoned, undefined, origin), targets);
  t.strictSame(b.months, a.months);
  // The backtest's forecasts from that origin are the same forecasts: made from the months before it only.
  const pairs = backtestMonthly(frame, clean, 0.8).pairs.filter((p) => p.origin === '2024-07');
  t.equal(pairs.length, 10, 'origin 2024-07 scores its months up to the end of the data (2025-04)');
  t.strictSame(pairs.map((p) => p.forecastKwh), b.months.slice(0, 10).map((m) => m.kwh));
});
