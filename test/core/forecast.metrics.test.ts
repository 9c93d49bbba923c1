import t, { type Test } from 'tap';
import { accuracy, quantile } from '../../src/core/forecast/metrics.js';

// Every expected value is worked out by hand below (ASHRAE Guideline 14: CV(RMSE) = sqrt(Σe²/(n−p))/ȳ,
// NMBE = Σe/((n−p)·ȳ), e = measured − predicted), not by calling the code under test.
const close = (t: Test, got: number | null, want: number, what: string): void => {
  t.ok(got !== null && Math.abs(got - want) < 1e-12, `${what}: ${got} ≈ ${want}`);
};

t.test('CV(RMSE), NMBE and MAPE of four points, p = 0 and p = 1', async (t) => {
  const y = [10, 20, 30, 40];
  const f = [12, 18, 33, 36];
  // e = [-2, 2, -3, 4]: Σe = 1, Σe² = 4 + 4 + 9 + 16 = 33, ȳ = 100 / 4 = 25.
  const m0 = accuracy(y, f);
  close(t, m0.cvrmse, Math.sqrt(33 / 4) / 25, 'CV(RMSE) p=0'); // 2.8722813 / 25 = 0.1148913
  close(t, m0.nmbe, 1 / (4 * 25), 'NMBE p=0'); // +0.01: the model predicts 1 % too little
  close(t, m0.mape, (2 / 10 + 2 / 20 + 3 / 30 + 4 / 40) / 4, 'MAPE'); // (0.2 + 0.1 + 0.1 + 0.1) / 4 = 0.125
  t.equal(m0.n, 4);
  t.equal(m0.meanActual, 25);
  const m1 = accuracy(y, f, 1);
  close(t, m1.cvrmse, Math.sqrt(33 / 3) / 25, 'CV(RMSE) p=1'); // sqrt(11) / 25 = 0.1326650
  close(t, m1.nmbe, 1 / (3 * 25), 'NMBE p=1'); // 0.0133333
  close(t, m1.mape, 0.125, 'MAPE does not use p');
});

t.test('missing values are skipped on both sides; a zero actual is left out of MAPE only', async (t) => {
  const y = [10, 20, 30, 40, Number.NaN, 7, 0];
  const f = [12, 18, 33, 36, 5, Number.NaN, 1];
  // Scored: the four above plus (0, 1): e = [-2, 2, -3, 4, -1], Σe = 0, Σe² = 34, ȳ = 100 / 5 = 20.
  const m = accuracy(y, f);
  t.equal(m.n, 5);
  t.equal(m.nMape, 4);
  close(t, m.cvrmse, Math.sqrt(34 / 5) / 20, 'CV(RMSE)'); // 2.6076810 / 20 = 0.1303840
  t.equal(m.nmbe, 0);
  close(t, m.mape, 0.125, 'MAPE over the four non-zero actuals');
});

t.test('no point, too few degrees of freedom or a zero mean give null, not a number', async (t) => {
  t.strictSame(accuracy([Number.NaN], [1]), { cvrmse: null, nmbe: null, mape: null, n: 0, nMape: 0, meanActual: null });
  const one = accuracy([5], [4], 1); // n − p = 0
  t.equal(one.cvrmse, null);
  t.equal(one.nmbe, null);
  const zeroMean = accuracy([1, -1], [0, 0]);
  t.equal(zeroMean.cvrmse, null);
  close(t, zeroMean.mape, 1, 'MAPE still defined'); // (1/1 + 1/1) / 2
  t.throws(() => accuracy([1, 2], [1]), RangeError);
  t.throws(() => accuracy([1], [1], -1), RangeError);
});

t.test('quantiles are linear between order statistics (Hyndman & Fan type 7)', async (t) => {
  // Sorted [1, 2, 3, 4]: q = 0.1 → h = 3 × 0.1 = 0.3 → 1 + 0.3 × (2 − 1) = 1.3; q = 0.9 → h = 2.7 → 3.7.
  close(t, quantile([4, Number.NaN, 1, 3, 2], 0.1), 1.3, 'q10');
  close(t, quantile([4, 1, 3, 2], 0.9), 3.7, 'q90');
  t.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
  t.equal(quantile([Number.NaN], 0.5), null);
});
