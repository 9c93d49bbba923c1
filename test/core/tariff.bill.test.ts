import t from 'tap';
import type { IntervalSeries } from '../../src/core/series.js';
import { billSeries } from '../../src/core/tariff/bill.js';
import { parseUrdbRate } from '../../src/core/tariff/urdb-rate.js';

// Bills worked by hand: every expected number is written as arithmetic in a comment or a literal
// sum. Instants are RFC 3339 literals read with V8's Date.parse.
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad literal ${iso}`);
  return ms;
};
const series = (startIso: string, values: number[] | Float64Array, intervalMinutes = 60): IntervalSeries => ({
  startMs: at(startIso), intervalMinutes, values: Float64Array.from(values),
});
const fill = (n: number, v: number): number[] => new Array<number>(n).fill(v);
/** A 12 x 24 URDB schedule with one period everywhere. */
const all = (p: number): number[][] => Array.from({ length: 12 }, () => fill(24, p));
/** A 12 x 24 URDB schedule: `p` in hours from..to (inclusive) of every month, 0 elsewhere. */
const hours = (from: number, to: number, p: number): number[][] =>
  Array.from({ length: 12 }, () => Array.from({ length: 24 }, (_, h) => (h >= from && h <= to ? p : 0)));
const flatEnergy = (rate: number) => ({
  energyratestructure: [[{ rate, unit: 'kWh' }]], energyweekdayschedule: all(0), energyweekendschedule: all(0),
});

t.test('flat energy rate and a $/month fixed charge for one whole month', async (t) => {
  // America/Chicago, February 2026 (no DST change): 28 x 96 = 2,688 quarter-hours of 1 kWh, from 00:00 CST = 06:00Z.
  const rate = parseUrdbRate({ ...flatEnergy(0.12), fixedchargefirstmeter: 25, fixedchargeunits: '$/month', name: 'Flat', utility: 'X' });
  const { periods } = billSeries(series('2026-02-01T06:00:00Z', fill(2688, 1), 15), 'America/Chicago', rate);
  t.equal(periods.length, 1);
  const b = periods[0]!;
  t.match(b, { month: '2026-02', start: '2026-02-01', end: '2026-02-28', days: 28, expectedIntervals: 2688, presentIntervals: 2688, completeness: 1, complete: true });
  t.equal(b.kwh, 2688);
  t.equal(b.peakKw, 4); // 1 kWh x 60 / 15
  t.equal(b.energyUsd, 322.56); // 2,688 kWh x $0.12
  t.equal(b.fixedUsd, 25);
  t.equal(b.demandUsd, 0);
  t.equal(b.totalUsd, 347.56); // 322.56 + 25
  t.strictSame(b.energyPeriods, [{ period: 0, kwh: 2688, usd: 322.56 }]);
});

t.test('tiered energy: tiers are cumulative within the month and adj is added to rate', async (t) => {
  // UTC, April 2026: 720 hours of 5 kWh = 3,600 kWh.
  const rate = parseUrdbRate({
    energyratestructure: [[{ max: 1000, rate: 0.09, adj: 0.01, unit: 'kWh' }, { max: 3000, rate: 0.08, unit: 'kWh' }, { rate: 0.06, unit: 'kWh' }]],
    energyweekdayschedule: all(0), energyweekendschedule: all(0),
  });
  const [b] = billSeries(series('2026-04-01T00:00:00Z', fill(720, 5)), 'UTC', rate).periods;
  // 1,000 x (0.09 + 0.01) + 2,000 x 0.08 + 600 x 0.06 = 100 + 160 + 36
  t.equal(b!.energyUsd, 296);
  t.equal(b!.totalUsd, 296);
});

t.test('tiered TOU energy: the limits apply to the month total over both periods, shared in proportion', async (t) => {
  // Off-peak (period 0): $0.08 to 1,000 kWh, $0.12 above; on-peak (period 1, 12:00-17:59 every day): $0.15 to
  // 1,000 kWh, $0.25 above. The same limit in both periods, as OpenEI URDB rates give it (NREL SAM, REopt.jl).
  const rate = parseUrdbRate({
    energyratestructure: [[{ max: 1000, rate: 0.08, unit: 'kWh' }, { rate: 0.12, unit: 'kWh' }], [{ max: 1000, rate: 0.15, unit: 'kWh' }, { rate: 0.25, unit: 'kWh' }]],
    energyweekdayschedule: hours(12, 17, 1), energyweekendschedule: hours(12, 17, 1),
  });
  // UTC hourly April 2026 (30 days): 2 kWh in each of the 18 off-peak hours, 4 kWh in each of the 6 on-peak hours.
  const values = Array.from({ length: 30 * 24 }, (_, i) => (i % 24 >= 12 && i % 24 <= 17 ? 4 : 2));
  const [b] = billSeries(series('2026-04-01T00:00:00Z', values), 'UTC', rate).periods;
  // Off-peak 30 x 18 x 2 = 1,080 kWh, on-peak 30 x 6 x 4 = 720 kWh: the month's 1,800 kWh fill tier 1 (1,000) and
  // put 800 in tier 2. Off-peak's share 1,080 / 1,800 = 0.6: 600 x 0.08 + 480 x 0.12 = 48 + 57.60 = 105.60;
  // on-peak's 0.4: 400 x 0.15 + 320 x 0.25 = 60 + 80 = 140.
  t.strictSame(b!.energyPeriods, [{ period: 0, kwh: 1080, usd: 105.6 }, { period: 1, kwh: 720, usd: 140 }]);
  t.equal(b!.energyUsd, 245.6);
  // (Per-period tiers would have billed 1,000 x 0.08 + 80 x 0.12 + 720 x 0.15 = 197.60: both periods below the
  // limit on their own, yet the month is far above it.)

  // Tiered periods that share a month must share their limits; a flat period beside them may stay.
  t.throws(() => parseUrdbRate({
    energyratestructure: [[{ max: 1000, rate: 0.08 }, { rate: 0.12 }], [{ max: 500, rate: 0.15 }, { rate: 0.25 }], [{ rate: 0.2 }]],
    energyweekdayschedule: hours(12, 17, 1), energyweekendschedule: hours(12, 17, 2),
  }), { code: 'KM_TARIFF_UNSUPPORTED', issues: [{ path: 'energyratestructure[1][0].max' }] });
  const withFlat = parseUrdbRate({
    energyratestructure: [[{ max: 1000, rate: 0.08 }, { rate: 0.12 }], [{ rate: 0.3 }]],
    energyweekdayschedule: hours(12, 17, 1), energyweekendschedule: hours(12, 17, 1),
  });
  // The flat on-peak period's 720 kWh still count towards the month's total: off-peak pays 1,080 / 1,800 of
  // (1,000 x 0.08 + 800 x 0.12 = 176) = 105.60; on-peak 720 x 0.30 = 216.
  t.strictSame(billSeries(series('2026-04-01T00:00:00Z', values), 'UTC', withFlat).periods[0]!.energyPeriods,
    [{ period: 0, kwh: 1080, usd: 105.6 }, { period: 1, kwh: 720, usd: 216 }]);

  // Declining blocks shared by two periods: more off-peak kWh lowers the month's bill, because the on-peak
  // kWh's share of the dear first tier shrinks. That is the rate under month-total tiers, not a bug.
  const declining = parseUrdbRate({
    energyratestructure: [[{ max: 1000, rate: 0.05 }, { rate: 0.03 }], [{ max: 1000, rate: 0.2 }, { rate: 0.1 }]],
    energyweekdayschedule: hours(12, 17, 1), energyweekendschedule: hours(12, 17, 1),
  });
  // UTC 2026-04-01 hourly: 1,000 kWh on-peak (12:00) alone: 1,000 x 0.20 = 200.
  const onPeakOnly = [...fill(12, 0), 1000, ...fill(11, 0)];
  t.equal(billSeries(series('2026-04-01T00:00:00Z', onPeakOnly), 'UTC', declining).periods[0]!.energyUsd, 200);
  // And 1,000 kWh off-peak at 00:00: the month's 2,000 kWh are half tier 1, half tier 2; on-peak pays
  // 0.5 x (200 + 100) = 150 and off-peak 0.5 x (50 + 30) = 40: 190.
  const both = [1000, ...fill(11, 0), 1000, ...fill(11, 0)];
  t.equal(billSeries(series('2026-04-01T00:00:00Z', both), 'UTC', declining).periods[0]!.energyUsd, 190);
});

t.test('TOU energy across a weekday, a weekend and DST in America/New_York', async (t) => {
  // Peak (period 1, $0.30) 14:00-19:59 local on weekdays; everything else off-peak (period 0, $0.10).
  const rate = parseUrdbRate({
    energyratestructure: [[{ rate: 0.1 }], [{ rate: 0.3 }]],
    energyweekdayschedule: hours(14, 19, 1), energyweekendschedule: all(0),
  });
  // Hourly from Fri 2026-03-06 00:00 EST (05:00Z): Fri 24 h, Sat 24 h, Sun 03-08 23 h (02:00 EST -> 03:00 EDT),
  // Mon 24 h = 95 hours of 1 kWh. Two hours hold 10 kWh, both at 18:00Z:
  //   index 13 = Fri 18:00Z = 13:00 EST (off-peak); index 24 + 24 + 23 + 14 = 85 = Mon 18:00Z = 14:00 EDT (peak).
  const values = fill(95, 1);
  values[13] = 10;
  values[85] = 10;
  const [b] = billSeries(series('2026-03-06T05:00:00Z', values), 'America/New_York', rate).periods;
  // Peak: Fri 14..19 = 6 kWh; Mon 14..19 = 10 + 5 = 15 kWh -> 21 kWh. All: 95 - 2 + 20 = 113 kWh -> off-peak 92 kWh.
  t.strictSame(b!.energyPeriods, [{ period: 0, kwh: 92, usd: 9.2 }, { period: 1, kwh: 21, usd: 6.3 }]);
  t.equal(b!.energyUsd, 15.5); // 9.20 + 6.30
  // March 2026 in New York has 31 x 24 - 1 = 743 hours; 95 / 743 = 0.12786 -> 0.1279.
  t.match(b, { month: '2026-03', expectedIntervals: 743, presentIntervals: 95, completeness: 0.1279, complete: false });

  // The 25-hour day: America/Chicago falls back on Sun 2026-11-01 (02:00 CDT -> 01:00 CST).
  // Hourly from Fri 2026-10-30 00:00 CDT (05:00Z): Fri 24, Sat 24, Sun 25, Mon 24 = 97 hours of 1 kWh, and 10 kWh at
  //   index 14 = Fri 19:00Z = 14:00 CDT (peak) and index 72 + 14 = 86 = Mon 11-02 19:00Z = 13:00 CST (off-peak).
  const v2 = fill(97, 1);
  v2[14] = 10;
  v2[86] = 10;
  const [oct, nov] = billSeries(series('2026-10-30T05:00:00Z', v2), 'America/Chicago', rate).periods;
  // October (Fri, Sat = 48 h): peak 10 + 5 = 15 kWh, off-peak 48 + 9 - 15 = 42 kWh: 4.50 + 4.20.
  t.strictSame(oct!.energyPeriods, [{ period: 0, kwh: 42, usd: 4.2 }, { period: 1, kwh: 15, usd: 4.5 }]);
  t.equal(oct!.energyUsd, 8.7);
  // November (Sun 25 h, Mon 24 h = 49 h): peak 6 kWh, off-peak 49 + 9 - 6 = 52 kWh: 1.80 + 5.20.
  t.strictSame(nov!.energyPeriods, [{ period: 0, kwh: 52, usd: 5.2 }, { period: 1, kwh: 6, usd: 1.8 }]);
  t.equal(nov!.energyUsd, 7);
  t.equal(oct!.expectedIntervals, 744); // 31 x 24
  t.equal(nov!.expectedIntervals, 721); // 30 x 24 + 1
});

t.test('"kWh daily" tier limits scale with the days of the period; a present zero is billed as zero', async (t) => {
  const rate = parseUrdbRate({
    energyratestructure: [[{ max: 100, rate: 0.2, unit: 'kWh daily' }, { rate: 0.1, unit: 'kWh daily' }]],
    energyweekdayschedule: all(0), energyweekendschedule: all(0),
  });
  // UTC hourly: February 2026 (672 h) at 4 kWh, March (744 h) at 0 kWh, April (720 h) at 5 kWh.
  const values = [...fill(672, 4), ...fill(744, 0), ...fill(720, 5)];
  const [feb, mar, apr] = billSeries(series('2026-02-01T00:00:00Z', values), 'UTC', rate).periods;
  t.equal(feb!.energyUsd, 537.6); // 2,688 kWh under 100 x 28 = 2,800: 2,688 x 0.20
  t.equal(mar!.kwh, 0);
  t.equal(mar!.energyUsd, 0);
  t.equal(mar!.complete, true);
  t.equal(apr!.energyUsd, 660); // limit 100 x 30 = 3,000 of 3,600 kWh: 3,000 x 0.20 + 600 x 0.10 = 600 + 60
});

t.test('"kWh/kW" tier limits scale with the billing demand', async (t) => {
  const rate = parseUrdbRate({
    energyratestructure: [[{ max: 200, rate: 0.1, unit: 'kWh/kW' }, { rate: 0.05, unit: 'kWh/kW' }]],
    energyweekdayschedule: all(0), energyweekendschedule: all(0),
  });
  // UTC hourly April 2026: 719 h at 20 kWh and one at 50 kWh = 14,380 + 50 = 14,430 kWh; peak 50 kW.
  const values = fill(720, 20);
  values[100] = 50;
  const res = billSeries(series('2026-04-01T00:00:00Z', values), 'UTC', rate);
  t.equal(res.demandBasisMinutes, 60); // hourly data under the default 15-minute window: the interval's kW
  t.equal(res.periods[0]!.peakKw, 50);
  // Limit 200 kWh/kW x 50 kW = 10,000 kWh: 10,000 x 0.10 + 4,430 x 0.05 = 1,000 + 221.50
  t.equal(res.periods[0]!.energyUsd, 1221.5);
});

t.test('TOU demand and flat demand, both with tiers', async (t) => {
  const rate = parseUrdbRate({
    flatdemandstructure: [[{ max: 100, rate: 5 }, { rate: 8 }]], flatdemandmonths: fill(12, 0), flatdemandunit: 'kW',
    // Period 1 ($10 to 100 kW, $12 above) 12:00-17:59 on weekdays; period 0 ($0) elsewhere.
    demandratestructure: [[{ rate: 0, unit: 'kW' }], [{ max: 100, rate: 10, unit: 'kW' }, { rate: 12, unit: 'kW' }]],
    demandweekdayschedule: hours(12, 17, 1), demandweekendschedule: all(0), demandrateunit: 'kW',
  });
  // UTC 15-minute June 2026 (Mon 06-01 .. Tue 06-30): 30 x 96 intervals of 20 kWh = 80 kW, except
  //   Mon 06-01 15:00 (index 15 x 4 = 60): 37.5 kWh = 150 kW, and Sat 06-06 15:00 (index 5 x 96 + 60 = 540): 50 kWh = 200 kW.
  const values = fill(2880, 20);
  values[60] = 37.5;
  values[540] = 50;
  const [b] = billSeries(series('2026-06-01T00:00:00Z', values, 15), 'UTC', rate).periods;
  // Flat: 200 kW = 100 x $5 + 100 x $8 = 500 + 800.
  t.match(b!.flatDemand, { period: 0, peakKw: 200, ratchetKw: null, billingKw: 200, usd: 1300 });
  // TOU: period 0 peaks at 200 kW (the Saturday) at $0; period 1 at 150 kW = 100 x $10 + 50 x $12 = 1,000 + 600.
  t.strictSame(b!.touDemandPeriods, [{ period: 0, billingKw: 200, usd: 0 }, { period: 1, billingKw: 150, usd: 1600 }]);
  t.equal(b!.demandFlatUsd, 1300);
  t.equal(b!.demandTouUsd, 1600);
  t.equal(b!.demandUsd, 2900); // 1,300 + 1,600
  t.equal(b!.energyUsd, 0); // the rate has no energy charge
  t.equal(b!.totalUsd, 2900);
});

t.test('fixed charges: $/day times the days of the period, $/year in twelfths', async (t) => {
  const daily = parseUrdbRate({ ...flatEnergy(0), fixedchargefirstmeter: 3.298, fixedchargeunits: '$/day' });
  const v = series('2026-01-01T00:00:00Z', fill(31 * 24 + 28 * 24, 0));
  const [jan, feb] = billSeries(v, 'UTC', daily).periods;
  t.equal(jan!.fixedUsd, 102.24); // 3.298 x 31 = 102.238
  t.equal(feb!.fixedUsd, 92.34); // 3.298 x 28 = 92.344
  const yearly = parseUrdbRate({ ...flatEnergy(0), fixedchargefirstmeter: 1200, fixedchargeunits: '$/year' });
  t.equal(billSeries(v, 'UTC', yearly).periods[0]!.fixedUsd, 100); // 1,200 / 12
  const legacy = parseUrdbRate({ ...flatEnergy(0), fixedmonthlycharge: 42 }); // URDB API version 3 field
  t.equal(billSeries(v, 'UTC', legacy).periods[1]!.fixedUsd, 42);
});

t.test('minimum charge: the adjustment lifts the whole bill (fixed included) to the minimum', async (t) => {
  // UTC hourly: January 2026 all 0 kWh but one hour of 10 kWh; February 0 kWh but one hour of 1,000 kWh.
  const values = fill(31 * 24 + 28 * 24, 0);
  values[5] = 10;
  values[31 * 24 + 5] = 1000;
  const v = series('2026-01-01T00:00:00Z', values);
  const monthly = parseUrdbRate({ ...flatEnergy(0.1), fixedchargefirstmeter: 10, fixedchargeunits: '$/month', mincharge: 50, minchargeunits: '$/month' });
  const [jan, feb] = billSeries(v, 'UTC', monthly).periods;
  // January: 10 x 0.10 + 10 = 11 -> adjustment 50 - 11 = 39.
  t.match(jan, { energyUsd: 1, fixedUsd: 10, minChargeAdjustmentUsd: 39, totalUsd: 50 });
  // February: 1,000 x 0.10 + 10 = 110, above the minimum.
  t.match(feb, { energyUsd: 100, fixedUsd: 10, minChargeAdjustmentUsd: 0, totalUsd: 110 });
  const perDay = parseUrdbRate({ ...flatEnergy(0.1), fixedchargefirstmeter: 10, fixedchargeunits: '$/month', mincharge: 2, minchargeunits: '$/day' });
  // January: minimum 2 x 31 = 62 -> adjustment 62 - 11 = 51.
  t.match(billSeries(v, 'UTC', perDay).periods[0], { minChargeAdjustmentUsd: 51, totalUsd: 62 });
});

t.test('a demand ratchet lifts the flat billing demand to a share of the previous peaks', async (t) => {
  const rate = parseUrdbRate({
    flatdemandstructure: [[{ rate: 10 }]], flatdemandmonths: fill(12, 0), demandratchetpercentage: fill(12, 0.8),
  });
  // UTC hourly: January 2026 at 100 kW, February at 50 kW, March at 90 kW.
  const values = [...fill(744, 100), ...fill(672, 50), ...fill(744, 90)];
  const [jan, feb, mar] = billSeries(series('2026-01-01T00:00:00Z', values), 'UTC', rate).periods;
  // January: no earlier period in the data, so no ratchet: 100 kW x $10.
  t.strictSame(jan!.flatDemand, { period: 0, peakKw: 100, ratchetKw: null, ratchetHistoryPeriods: 0, billingKw: 100, usd: 1000 });
  // February: max(50, 0.8 x 100 = 80) = 80 kW x $10.
  t.strictSame(feb!.flatDemand, { period: 0, peakKw: 50, ratchetKw: 80, ratchetHistoryPeriods: 1, billingKw: 80, usd: 800 });
  // March: max(90, 0.8 x max(100, 50) = 80) = 90 kW x $10.
  t.strictSame(mar!.flatDemand, { period: 0, peakKw: 90, ratchetKw: 80, ratchetHistoryPeriods: 2, billingKw: 90, usd: 900 });
});

t.test('a holiday uses the weekend energy and demand schedules', async (t) => {
  const rate = parseUrdbRate({
    energyratestructure: [[{ rate: 0.1 }], [{ rate: 0.3 }]], energyweekdayschedule: all(1), energyweekendschedule: all(0),
    demandratestructure: [[{ rate: 0 }], [{ rate: 10 }]], demandweekdayschedule: all(1), demandweekendschedule: all(0),
  });
  // UTC hourly Thu 2026-01-01 and Fri 01-02: 1 kWh each hour, 5 kWh at 01-01 12:00.
  const values = fill(48, 1);
  values[12] = 5;
  const v = series('2026-01-01T00:00:00Z', values);
  const workday = billSeries(v, 'UTC', rate).periods[0]!;
  t.equal(workday.energyUsd, 15.6); // 52 kWh x 0.30
  t.equal(workday.demandUsd, 50); // weekday peak 5 kW x $10
  const holiday = billSeries(v, 'UTC', rate, { holidays: new Set(['2026-01-01']) }).periods[0]!;
  t.strictSame(holiday.energyPeriods, [{ period: 0, kwh: 28, usd: 2.8 }, { period: 1, kwh: 24, usd: 7.2 }]); // (23 + 5) x 0.10; 24 x 0.30
  t.equal(holiday.energyUsd, 10);
  t.strictSame(holiday.touDemandPeriods, [{ period: 0, billingKw: 5, usd: 0 }, { period: 1, billingKw: 1, usd: 10 }]);
});

t.test('an incomplete month is billed on the data present and flagged; missing is never zero', async (t) => {
  const rate = parseUrdbRate({
    energyratestructure: [[{ max: 2000, rate: 0.1 }, { rate: 0.2 }]], energyweekdayschedule: all(0), energyweekendschedule: all(0),
    flatdemandstructure: [[{ rate: 10 }]],
  });
  // America/Chicago February 2026, 15-minute: the first 14 days (1,344 intervals) at 1 kWh, the rest missing.
  const values = [...fill(1344, 1), ...fill(1344, NaN)];
  values[100] = NaN; // and one more gap early on
  values[101] = 0; // a present zero
  const [b] = billSeries(series('2026-02-01T06:00:00Z', values, 15), 'America/Chicago', rate).periods;
  // Present: 1,343 intervals, 1,342 kWh. Expected 28 x 96 = 2,688; 1,343 / 2,688 = 0.49963 -> 0.4996.
  t.match(b, { presentIntervals: 1343, expectedIntervals: 2688, completeness: 0.4996, complete: false, kwh: 1342 });
  // Billed on what is present, still in tier 1: 1,342 x 0.10. (Extrapolating to 2,685 kWh would have reached tier 2.)
  t.equal(b!.energyUsd, 134.2);
  t.equal(b!.demandUsd, 40); // peak of the present data: 1 kWh x 4 = 4 kW x $10
  t.equal(b!.totalUsd, 174.2);
});

t.test('explicit bill periods: each interval is priced by its own month; labels are the start month', async (t) => {
  // Period 0 ($0.10) in January, period 1 ($0.20) in every other month; $1/day fixed.
  const sched = all(1);
  sched[0] = fill(24, 0);
  const rate = parseUrdbRate({
    energyratestructure: [[{ rate: 0.1 }], [{ rate: 0.2 }]], energyweekdayschedule: sched, energyweekendschedule: sched,
    fixedchargefirstmeter: 1, fixedchargeunits: '$/day',
  });
  // UTC hourly, 1 kWh from 2026-01-15 to 2026-03-14 (17 + 28 + 14 = 59 days).
  const v = series('2026-01-15T00:00:00Z', fill(59 * 24, 1));
  const periods = [{ start: '2026-02-15', end: '2026-03-14' }, { start: '2026-01-15', end: '2026-02-14' }];
  const [first, second] = billSeries(v, 'UTC', rate, { periods }).periods;
  // 01-15..02-14: 31 days; 17 x 24 = 408 kWh in January x 0.10 + 14 x 24 = 336 kWh in February x 0.20 = 40.80 + 67.20.
  t.match(first, { month: '2026-01', start: '2026-01-15', end: '2026-02-14', days: 31, expectedIntervals: 744, complete: true });
  t.equal(first!.energyUsd, 108);
  t.equal(first!.fixedUsd, 31);
  // 02-15..03-14: 28 days x 24 = 672 kWh x 0.20.
  t.match(second, { month: '2026-02', days: 28, expectedIntervals: 672, energyUsd: 134.4, fixedUsd: 28, totalUsd: 162.4 });
  t.throws(() => billSeries(v, 'UTC', rate, { periods: [{ start: '2026-01-01', end: '2026-01-31' }, { start: '2026-01-31', end: '2026-02-27' }] }),
    { code: 'KM_VALIDATION', issues: [{ path: 'periods[1].start' }] });
});

t.test('finer data than the demand window: clock-aligned block averages of the present intervals', async (t) => {
  // UTC 5-minute data for one hour: 12 intervals, with one missing.
  const values = [1, 2, 3, 1, 1, 1, NaN, 3, 3, 0, 0, 0];
  const v = series('2026-05-04T10:00:00Z', values, 5);
  const flat = { flatdemandstructure: [[{ rate: 1 }]] };
  const q = billSeries(v, 'UTC', parseUrdbRate(flat));
  // 15-minute blocks: mean 2 -> 2 x 12 = 24 kW; 1 -> 12 kW; (3 + 3) / 2 = 3 -> 36 kW (the gap is not a zero); 0 kW.
  t.equal(q.demandWindowMinutes, 15);
  t.equal(q.demandBasisMinutes, 15);
  t.equal(q.periods[0]!.peakKw, 36);
  t.equal(q.periods[0]!.demandUsd, 36);
  // A 30-minute window: (1+2+3+1+1+1) / 6 = 1.5 -> 18 kW; (3+3+0+0+0) / 5 = 1.2 -> 14.4 kW.
  t.equal(billSeries(v, 'UTC', parseUrdbRate({ ...flat, demandwindow: 30 })).periods[0]!.peakKw, 18);
  // 10-minute data cannot make 15-minute blocks.
  t.throws(() => billSeries(series('2026-05-04T10:00:00Z', [1, 1, 1], 10), 'UTC', parseUrdbRate(flat)), { code: 'KM_TARIFF_UNSUPPORTED', issues: [{ path: 'demandwindow' }] });
  // An interval that does not divide an hour cannot be placed on an hourly schedule.
  t.throws(() => billSeries(series('2026-05-04T00:00:00Z', [1, 1], 120), 'UTC', parseUrdbRate(flat)), { code: 'KM_VALIDATION' });
});
