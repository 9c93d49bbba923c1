import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { billingFrame } from '../../src/core/tariff/billing-frame.js';
import { computeBills } from '../../src/core/tariff/bill.js';
import { rateComparison, type ComparedBill } from '../../src/core/tariff/rate-comparison.js';
import { parseUrdbRate } from '../../src/core/tariff/urdb-rate.js';
import { ROOT } from '../helpers/cli.js';

const bill = (month: string, energyUsd: number, demandUsd: number, fixedUsd: number, totalUsd: number, complete = true): ComparedBill =>
  ({ month, energyUsd, demandUsd, fixedUsd, minChargeAdjustmentUsd: 0, totalUsd, complete });

t.test('cheapest, savings, totals and incomplete months, worked by hand', async (t) => {
  const a = { id: 'sched-a', name: 'A', bills: [bill('2026-02', 90.5, 40, 10, 140.5, false), bill('2026-01', 100, 50, 10, 160)] };
  const b = { id: 'sched-b', name: 'B', bills: [bill('2026-01', 120, 20, 5, 145), bill('2026-02', 100.25, 15, 5, 120.25, false)] };
  const r = rateComparison('sched-a', [a, b]);
  t.equal(r.current, 'sched-a');
  t.equal(r.cheapest, 'sched-b');
  t.strictSame(r.tariffs.map((x) => x.totalUsd), [300.5, 265.25]); // 160 + 140.50; 145 + 120.25
  t.equal(r.savingsUsd, 35.25); // 300.50 - 265.25
  t.strictSame(r.months, ['2026-01', '2026-02']);
  t.strictSame(r.incompleteMonths, ['2026-02']);
  t.strictSame(r.tariffs[0]!.monthly[0], { month: '2026-01', energyUsd: 100, demandUsd: 50, fixedUsd: 10, minChargeAdjustmentUsd: 0, totalUsd: 160, complete: true });

  // A tie goes to the current rate; no current rate: no savings.
  const c = { id: 'sched-c', name: 'C', bills: [bill('2026-01', 0, 0, 0, 160), bill('2026-02', 0, 0, 0, 140.5)] };
  t.equal(rateComparison('sched-a', [c, a]).cheapest, 'sched-a');
  t.match(rateComparison(null, [a, b]), { current: null, cheapest: 'sched-b', savingsUsd: null });
  t.match(rateComparison(null, []), { current: null, cheapest: null, savingsUsd: null, months: [], tariffs: [] });
});

t.test('tariffs must cover the same months, and the current one must be compared', async (t) => {
  const a = { id: 'a', name: 'A', bills: [bill('2026-01', 1, 0, 0, 1)] };
  const b = { id: 'b', name: 'B', bills: [bill('2026-02', 1, 0, 0, 1)] };
  t.throws(() => rateComparison('a', [a, b]), { code: 'KM_CORE_SHAPE' });
  t.throws(() => rateComparison('a', [a, a]), { code: 'KM_CORE_SHAPE' });
  t.throws(() => rateComparison('zzz', [a]), { code: 'KM_VALIDATION', issues: [{ path: 'current' }] });
});

t.test("the hospital's rates over a flat 100 kW January and February, one frame for both tariffs", async (t) => {
  const bundle = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/accounts/st-marys-hospital.json'), 'utf8')) as { tariffs: { id: string; urdb: { name: string } }[] };
  const values = new Float64Array((31 + 28) * 24).fill(100);
  const frame = billingFrame({ startMs: Date.UTC(2025, 0, 1), intervalMinutes: 60, values }, 'UTC');
  const compared = bundle.tariffs.map((x, i) => ({ id: x.id, name: x.urdb.name, bills: computeBills(frame, parseUrdbRate(x.urdb, `tariffs[${i}].urdb`)).periods }));
  const r = rateComparison('sched-lgs', compared);
  // sched-lgs: January 74,400 kWh x 0.10 + 100 kW x $10 = 8,440; February 67,200 x 0.10 + 1,000 = 7,720.
  t.strictSame(r.tariffs[0]!.monthly.map((m) => m.totalUsd), [8440, 7720]);
  // sched-lgs-tou, January: energy period 2, 74,400 x 0.061731 = 4,592.79; weekend-only demand period 1,
  // 100 kW x $24.368 = 2,436.80; $3.298 x 31 = 102.24 -> 7,131.83. February: 67,200 x 0.061731 = 4,148.32;
  // demand period 1 every day, 2,436.80; $3.298 x 28 = 92.34 -> 6,677.46.
  t.strictSame(r.tariffs[1]!.monthly.map((m) => m.totalUsd), [7131.83, 6677.46]);
  t.equal(r.tariffs[1]!.totalUsd, 13809.29); // 7,131.83 + 6,677.46
  t.equal(r.cheapest, 'sched-lgs-tou');
  t.equal(r.savingsUsd, 2350.71); // 8,440 + 7,720 - 13,809.29
  t.strictSame(r.incompleteMonths, []);
});
