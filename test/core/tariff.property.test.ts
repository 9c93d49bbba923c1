import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { billingFrame } from '../../src/core/tariff/billing-frame.js';
import { computeBills } from '../../src/core/tariff/bill.js';
import { parseUrdbRate } from '../../src/core/tariff/urdb-rate.js';
import { ROOT } from '../helpers/cli.js';

// Properties over the fixture tariffs (all prices >= 0): a bill never decreases when one interval's kWh
// grows, and a missing interval never bills more than the same interval present. (Monotony holds for
// these rates; a rate with declining blocks shared by TOU periods of one month is not monotone under the
// month-total proration that SAM and REopt.jl use: see energy.ts and tariff.bill.test.ts.)
const tariffs = ['multi-tier-tou', 'tier-limits-energy-demand', 'tiered-energy-tiered-demand', 'tou-energy-flat-and-tou-demand-daily-fixed']
  .map((f) => parseUrdbRate(JSON.parse(readFileSync(path.join(ROOT, `fixtures/tariffs/${f}.json`), 'utf8'))));
const DAYS = 3;
const N = DAYS * 96; // 15-minute intervals from Fri 2026-01-30 00:00 CST, across a month end

const total = (values: Float64Array, which: number): number => {
  const frame = billingFrame({ startMs: Date.UTC(2026, 0, 30, 6), intervalMinutes: 15, values }, 'America/Chicago');
  return computeBills(frame, tariffs[which]!).periods.reduce((c, p) => c + p.totalUsd, 0);
};

const load = fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: N, maxLength: N });

t.test('more kWh in one interval never lowers the bill', async (t) => {
  fc.assert(fc.property(load, fc.nat(N - 1), fc.double({ min: 0, max: 1000, noNaN: true }), fc.nat(tariffs.length - 1), (v, i, extra, which) => {
    const before = Float64Array.from(v);
    const after = Float64Array.from(v);
    after[i] = after[i]! + extra;
    return total(after, which) >= total(before, which) - 1e-9;
  }), { numRuns: 60 });
  t.pass('monotone');
});

t.test('a missing interval is not billed as more than the same interval present', async (t) => {
  fc.assert(fc.property(load, fc.nat(N - 1), fc.nat(tariffs.length - 1), (v, i, which) => {
    const present = Float64Array.from(v);
    const missing = Float64Array.from(v);
    missing[i] = NaN;
    return total(missing, which) <= total(present, which) + 1e-9;
  }), { numRuns: 60 });
  t.pass('missing is not extrapolated');
});
