import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { IntervalSeries } from '../../src/core/series.js';
import { billingFrame } from '../../src/core/tariff/billing-frame.js';
import { billSeries, computeBills, type TariffBills } from '../../src/core/tariff/bill.js';
import { parseUrdbRate } from '../../src/core/tariff/urdb-rate.js';
import { ROOT } from '../helpers/cli.js';

// The fixture tariffs come from NREL REopt.jl test scenarios (commit 029db01dc17ddfc726b3fc5bb7fb72b8541cff0e,
// fixtures/README.md). Where REopt.jl's own test/runtests.jl states an expected cost, it is reproduced here
// with REopt's tolerance; the other numbers are worked by hand in the comments.
const json = (rel: string): unknown => JSON.parse(readFileSync(path.join(ROOT, rel), 'utf8'));
const tariff = (name: string) => parseUrdbRate(json(`fixtures/tariffs/${name}.json`));
const fill = (n: number, v: number): number[] => new Array<number>(n).fill(v);
const hourly = (year: number, values: number[]): IntervalSeries => ({ startMs: Date.UTC(year, 0, 1), intervalMinutes: 60, values: Float64Array.from(values) });
const sum = (b: TariffBills, key: 'energyUsd' | 'demandUsd'): number => Math.round(b.periods.reduce((c, p) => c + p[key] * 100, 0)) / 100;
const HOURS_2017 = 8760;

t.test('REopt.jl "Tiered TOU Demand": a flat load under tiered-energy-tiered-demand', async (t) => {
  // NREL/REopt.jl test/runtests.jl, @testset "Tiered TOU Demand", scenario test/scenarios/tiered_tou_demand.json:
  //   max_demand = annual_kwh / 8760 (FlatLoad, annual_kwh = 1,000,000), tier 1 = max 50 kW at $0, tier 2 $12/kW,
  //   expected_demand_charges = 12 * (tier1_max * tier1_rate + (max_demand - tier1_max) * tier2_rate), atol = 1.
  // REopt uses 8,760 naive hours (no DST): UTC hourly 2017.
  const kw = 1_000_000 / HOURS_2017; // 114.155251... kW
  const bills = billSeries(hourly(2017, fill(HOURS_2017, kw)), 'UTC', tariff('tiered-energy-tiered-demand'));
  const expected = 12 * (50 * 0 + (kw - 50) * 12); // 9,238.356...
  t.ok(Math.abs(sum(bills, 'demandUsd') - expected) <= 1, `year demand ${sum(bills, 'demandUsd')} vs REopt ${expected}`);
  // Each month: (114.155251 - 50) x $12 = 769.863 -> $769.86 (cents per month, so the year is 9,238.32).
  t.ok(bills.periods.every((p) => p.demandUsd === 769.86));
  // Energy, by hand for January: 744 h x 114.155251 = 84,931.507 kWh; 40,000 x 0.10 + 44,931.507 x 0.12 = 4,000 + 5,391.78.
  t.equal(bills.periods[0]!.energyUsd, 9391.78);
});

t.test('REopt.jl "Test leap year for URDB demand and energy charges" on tou-energy-flat-and-tou-demand-daily-fixed', async (t) => {
  // NREL/REopt.jl test/runtests.jl, scenario test/scenarios/leap_year.json: a zero load but for 10 kW in the hour
  // loads_kw[31*24+29*24+3*24+16] (1-based) = 0-based hour (31 + 29 + 3) x 24 + 15.
  //   2024: 1 Jan + 60 days = Mon 03-04, 15:00: weekday energy period 2 ($0.36), TOU demand period 2 ($10/kW) and
  //         March flat demand ($18.05/kW): REopt expects energy 0.36 x 10 and demand (18.05 + 10) x 10.
  //   2023: 1 Jan + 63 days = Sun 03-05, 15:00 (REopt's comment says "March 3"): weekend period 1 ($0.28) and TOU
  //         demand period 1 ($0): REopt expects energy 0.28 x 10 and demand 18.05 x 10.
  const rate = tariff('tou-energy-flat-and-tou-demand-daily-fixed');
  const at = (31 + 29 + 3) * 24 + 15;
  for (const [year, hours, energy, demand] of [[2024, 8784, 0.36 * 10, (18.05 + 10) * 10], [2023, 8760, 0.28 * 10, 18.05 * 10]] as const) {
    const values = fill(hours, 0);
    values[at] = 10;
    const b = billSeries(hourly(year, values), 'UTC', rate);
    t.ok(Math.abs(sum(b, 'energyUsd') - energy) <= 1e-6, `${year} energy ${sum(b, 'energyUsd')} vs REopt ${energy}`);
    t.ok(Math.abs(sum(b, 'demandUsd') - demand) <= 1e-6, `${year} demand ${sum(b, 'demandUsd')} vs REopt ${demand}`);
  }
  // Second part: 10 kW at loads_kw[31*24+27*24+8] and [31*24+28*24+8] (1-based): 07:00 on 02-28 and on the next day,
  // 02-29 in 2024 (one February flat demand: 18.05 x 10) but 03-01 in 2023 (February and March: 2 x 18.05 x 10).
  for (const [year, hours, demand] of [[2024, 8784, 18.05 * 10], [2023, 8760, 2 * 18.05 * 10]] as const) {
    const values = fill(hours, 0);
    values[(31 + 27) * 24 + 7] = 10;
    values[(31 + 28) * 24 + 7] = 10;
    const b = billSeries(hourly(year, values), 'UTC', rate);
    t.ok(Math.abs(sum(b, 'demandUsd') - demand) <= 1e-6, `${year} demand ${sum(b, 'demandUsd')} vs REopt ${demand}`);
  }
});

t.test('tier-limits-energy-demand: a flat 100 kW load meets the tier limits exactly in 31-day months', async (t) => {
  const b = billSeries(hourly(2025, fill(8760, 100)), 'UTC', tariff('tier-limits-energy-demand'));
  // January: 744 h x 100 = 74,400 kWh = tier 1's max: 74,400 x 0.10 = 7,440; 100 kW = tier 1's max: 100 x $10 = 1,000.
  t.match(b.periods[0], { kwh: 74400, energyUsd: 7440, demandUsd: 1000, totalUsd: 8440 });
  // February: 672 h x 100 = 67,200 kWh x 0.10 = 6,720.
  t.match(b.periods[1], { kwh: 67200, energyUsd: 6720, demandUsd: 1000, totalUsd: 7720 });
  // The year never leaves tier 1: 876,000 kWh x 0.10 + 12 x 1,000 = 87,600 + 12,000.
  t.equal(Math.round(b.periods.reduce((c, p) => c + p.totalUsd * 100, 0)) / 100, 99600);
});

t.test("the hospital's January bill is reproduced from its kWh and peak under sched-lgs", async (t) => {
  // fixtures/accounts/st-marys-hospital.json: "bill amounts follow sched-lgs". Bill b-smh-2025-01: 996,979 kWh,
  // peak 1,629 kW, $62,213.95. A New York 15-minute January 2025 (31 x 96 = 2,976 intervals from 05:00Z) with
  // that energy and peak: one interval of 1,629 / 4 = 407.25 kWh, 2,921 of 335, one of 334.75 and 53 of 334
  // (2,921 x 335 + 334.75 + 53 x 334 + 407.25 = 996,979).
  const bundle = json('fixtures/accounts/st-marys-hospital.json') as { tariffs: { id: string; urdb: unknown }[]; bills: { id: string; amountUsd: number }[] };
  const rate = parseUrdbRate(bundle.tariffs.find((x) => x.id === 'sched-lgs')!.urdb, 'tariffs[0].urdb');
  const values = [...fill(2921, 335), 334.75, ...fill(53, 334), 407.25];
  const kwh: IntervalSeries = { startMs: Date.UTC(2025, 0, 1, 5), intervalMinutes: 15, values: Float64Array.from(values) };
  const [jan] = billSeries(kwh, 'America/New_York', rate).periods;
  t.match(jan, { month: '2025-01', kwh: 996979, peakKw: 1629, complete: true });
  // Energy: 74,400 x 0.10 + (996,979 - 74,400) x 0.05 = 7,440 + 46,128.95; demand: 100 x $10 + 1,529 x $5 = 1,000 + 7,645.
  t.match(jan, { energyUsd: 53568.95, demandUsd: 8645, totalUsd: 62213.95 });
  t.equal(jan!.totalUsd, bundle.bills.find((x) => x.id === 'b-smh-2025-01')!.amountUsd);
});

t.test('multi-tier-tou: January demand is charged on weekends only; May has energy tiers; $/day fixed', async (t) => {
  const rate = tariff('multi-tier-tou');
  // UTC 15-minute January 2025 (Wed 01-01): 2,976 intervals of 25 kWh (100 kW), but 50 kWh (200 kW) on Wed 01-01 12:00
  // (index 48) and 37.5 kWh (150 kW) on Sat 01-04 12:00 (index 3 x 96 + 48 = 336).
  const values = fill(2976, 25);
  values[48] = 50;
  values[336] = 37.5;
  const frame = billingFrame({ startMs: Date.UTC(2025, 0, 1), intervalMinutes: 15, values: Float64Array.from(values) }, 'UTC');
  const [jan] = computeBills(frame, rate).periods;
  // Energy period 2 all January at $0.061731: (74,400 + 25 + 12.5) x 0.061731 = 4,595.1013.
  t.strictSame(jan!.energyPeriods, [{ period: 2, kwh: 74437.5, usd: 4595.1 }]);
  // Weekday January hours are demand period 0 ($0); weekend hours period 1: 150 kW = 100 x 24.368 + 50 x 17.031 = 2,436.80 + 851.55.
  t.strictSame(jan!.touDemandPeriods, [{ period: 0, billingKw: 200, usd: 0 }, { period: 1, billingKw: 150, usd: 3288.35 }]);
  t.equal(jan!.fixedUsd, 102.24); // $3.298/day x 31 = 102.238
  t.equal(jan!.totalUsd, 7985.69); // 4,595.10 + 3,288.35 + 102.24
  // May 2025, hourly 100 kWh: 74,400 kWh in energy period 1: 20,000 x 0.078891 + 54,400 x 0.06 = 1,577.82 + 3,264;
  // demand period 1 every hour: 100 kW x $24.368.
  const may: IntervalSeries = { startMs: Date.UTC(2025, 4, 1), intervalMinutes: 60, values: Float64Array.from(fill(744, 100)) };
  t.match(billSeries(may, 'UTC', rate).periods[0], { energyUsd: 4841.82, demandUsd: 2436.8, fixedUsd: 102.24, totalUsd: 7380.86 });
});

t.test('every tariff of the demo bundles is accepted', async (t) => {
  for (const file of ['acme-foods', 'st-marys-hospital']) {
    const bundle = json(`fixtures/accounts/${file}.json`) as { tariffs: { id: string; urdb: unknown }[] };
    bundle.tariffs.forEach((x, i) => t.doesNotThrow(() => parseUrdbRate(x.urdb, `tariffs[${i}].urdb`), `${file} ${x.id}`));
  }
});
