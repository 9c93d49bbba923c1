import t from 'tap';
import { localCalendar } from '../../src/core/calendar.js';
import { consumptionTotals, electricConsumption } from '../../src/core/consumption.js';
import type { IntervalSeries } from '../../src/core/series.js';
import { ESTIMATE_LIKE_DAY, ESTIMATE_LINEAR, ESTIMATE_NONE, estimateGaps } from '../../src/core/vee/estimate.js';
import { QUALITY_ACTUAL, QUALITY_EDITED, QUALITY_ESTIMATED, mergeQualityInto, sumQualityToInterval } from '../../src/core/vee/quality.js';

const HOUR = 3_600_000;
const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;

function estimate(s: IntervalSeries, zone = 'UTC') {
  return estimateGaps(s, localCalendar(s, zone));
}

t.test('linear interpolation up to one hour', async (t) => {
  const T0 = Date.UTC(2026, 0, 5);
  // 10 before, 18 after, three 15-minute intervals missing: 10 + 8 x 1/4, 2/4, 3/4 = 12, 14, 16.
  const e = estimate({ startMs: T0, intervalMinutes: 15, values: Float64Array.from([10, NaN, NaN, NaN, 18]) });
  t.strictSame(Array.from(e.values), [NaN, 12, 14, 16, NaN]);
  t.strictSame(Array.from(e.method), [ESTIMATE_NONE, ESTIMATE_LINEAR, ESTIMATE_LINEAR, ESTIMATE_LINEAR, ESTIMATE_NONE]);
  t.equal(e.count, 3);
  // Exactly one hour (4 intervals) is still linear: 12, 14, 16, 18 between 10 and 20.
  t.strictSame(Array.from(estimate({ startMs: T0, intervalMinutes: 15, values: Float64Array.from([10, NaN, NaN, NaN, NaN, 20]) }).values).slice(1, 5), [12, 14, 16, 18]);
  // 75 minutes is past linear; without weeks of history there is no like-day profile: stays missing.
  const long = estimate({ startMs: T0, intervalMinutes: 15, values: Float64Array.from([10, NaN, NaN, NaN, NaN, NaN, 20]) });
  t.equal(long.count, 0);
  // A gap open at either end is not estimated (the meter may still send it).
  t.equal(estimate({ startMs: T0, intervalMinutes: 15, values: Float64Array.from([NaN, 10, NaN]) }).count, 0);
  // Only gaps meeting [from, to) are estimated, each whole: the first gap is left, the second filled.
  const s: IntervalSeries = { startMs: T0, intervalMinutes: 15, values: Float64Array.from([1, NaN, 3, NaN, NaN, 6]) };
  const part = estimateGaps(s, localCalendar(s, 'UTC'), 4, 5);
  t.strictSame(Array.from(part.values), [NaN, NaN, NaN, 4, 5, NaN]);
});

/**
 * Five weeks of hourly kWh from Monday 2026-01-05 00:00 UTC: (10 + hour) on every day, twice that on
 * Wednesdays; the fifth week (days 28..34) runs 20 % higher. Wednesday of week 5 (day 30) is missing.
 */
function fiveWeeks(gapDays: number, gapStartDay = 30): IntervalSeries {
  const start = Date.UTC(2026, 0, 5);
  const values = new Float64Array(35 * 24);
  for (let i = 0; i < values.length; i++) {
    const day = Math.floor(i / 24);
    const hour = i % 24;
    const wednesday = day % 7 === 2;
    values[i] = (10 + hour) * (wednesday ? 2 : 1) * (day >= 28 ? 1.2 : 1);
  }
  values.fill(NaN, gapStartDay * 24, (gapStartDay + gapDays) * 24);
  return { startMs: start, intervalMinutes: 60, values };
}

t.test('like-day profile: same weekday of the 4 weeks before, scaled to the level around the gap', async (t) => {
  // Profile of a Wednesday hour h = mean of days 23, 16, 9, 2 = 2 (10 + h). Scale: Tuesday (day 29) and
  // Thursday (day 31) read 1.2 (10 + h) against a profile of (10 + h): 1.2. Estimate = 2.4 (10 + h).
  const s = fiveWeeks(1);
  const e = estimate(s);
  t.equal(e.count, 24);
  let ok = 0;
  for (let h = 0; h < 24; h++) {
    const i = 30 * 24 + h;
    if (close(e.values[i]!, 2.4 * (10 + h)) && e.method[i] === ESTIMATE_LIKE_DAY) ok++;
  }
  t.equal(ok, 24, 'every hour of the Wednesday is 2.4 x (10 + hour), method like_day');
  t.equal(e.method[29 * 24 + 23], ESTIMATE_NONE, 'readings around the gap are left alone');
});

t.test('like-day up to 7 days; a longer gap stays missing', async (t) => {
  // Days 28..34 are the whole fifth week: a 7-day gap needs a reading after it, so shift it one day
  // earlier: days 27 (Sunday of week 4) .. 33, with day 34 after it.
  const seven = fiveWeeks(7, 27);
  const e = estimate(seven);
  t.equal(e.count, 7 * 24, 'exactly 7 days: estimated');
  // Scale: before is day 26 (1.0 x profile), after is day 34 (1.2 x): (sum 1.0 p + sum 1.2 p) / (2 sum p) = 1.1.
  // Hour 5 of day 30 (a Wednesday): 2 x 15 x 1.1 = 33.
  t.ok(close(e.values[30 * 24 + 5]!, 33), `day 30 hour 5 = ${e.values[30 * 24 + 5]}`);
  const over = fiveWeeks(7, 27);
  over.values[26 * 24 + 23] = NaN; // one more hour: 7 days and 1 hour
  const e2 = estimate(over);
  t.equal(e2.count, 0, 'longer than 7 days: stays missing');
  t.ok(Number.isNaN(e2.values[30 * 24]!));
});

t.test('like-day without a reading at some slot in 4 weeks: the gap stays missing (whole or nothing)', async (t) => {
  const s = fiveWeeks(1);
  // Wipe hour 7 of the four earlier Wednesdays: the profile has nothing for 07:00.
  for (const d of [2, 9, 16, 23]) s.values[d * 24 + 7] = NaN;
  const e = estimateGaps(s, localCalendar(s, 'UTC'), 30 * 24, 31 * 24);
  t.equal(e.count, 0);
  t.ok(Number.isNaN(e.values[30 * 24]!));
});

t.test('like-day follows local time across a DST change (America/New_York, 2026-03-08)', async (t) => {
  // Hourly kWh = 10 + local hour, every day, from Monday 2026-02-09 00:00 EST (05:00Z) for 5 weeks; the
  // clocks spring forward on Sunday 03-08. Wednesday 03-11 (EDT) is missing. The profile comes from the
  // EST Wednesdays at the same LOCAL hour, so the estimate is again 10 + local hour (scale 1); a fixed
  // 168-hour offset would be an hour off.
  const start = Date.UTC(2026, 1, 9, 5);
  const n = 5 * 7 * 24 - 1; // the spring-forward day has 23 hours
  const values = new Float64Array(n);
  const localHour = (ms: number): number => (ms >= Date.UTC(2026, 2, 8, 7) ? new Date(ms - 4 * HOUR) : new Date(ms - 5 * HOUR)).getUTCHours();
  for (let i = 0; i < n; i++) values[i] = 10 + localHour(start + i * HOUR);
  const gapStart = (Date.UTC(2026, 2, 11, 4) - start) / HOUR; // 03-11 00:00 EDT
  values.fill(NaN, gapStart, gapStart + 24);
  const s: IntervalSeries = { startMs: start, intervalMinutes: 60, values };
  const e = estimate(s, 'America/New_York');
  t.equal(e.count, 24);
  let ok = 0;
  for (let k = 0; k < 24; k++) if (close(e.values[gapStart + k]!, 10 + k)) ok++;
  t.equal(ok, 24, 'each hour of 03-11 is 10 + its local hour');
});

t.test('consumption totals report the estimated share beside completeness', async (t) => {
  // One UTC day of hourly kWh, 1..24; hour 23 missing; hours 0, 1, 2 estimated, hour 3 edited, and the
  // missing hour's mask says estimated (a mask means nothing where the value is missing).
  const values = Float64Array.from({ length: 24 }, (_, h) => h + 1);
  values[23] = NaN;
  const s: IntervalSeries = { startMs: Date.UTC(2026, 0, 5), intervalMinutes: 60, values };
  const quality = new Uint8Array(24);
  quality.fill(QUALITY_ESTIMATED, 0, 3);
  quality[3] = QUALITY_EDITED;
  quality[23] = QUALITY_ESTIMATED;
  const cal = localCalendar(s, 'UTC');
  const plain = consumptionTotals(s, cal);
  // 1 + ... + 23 = 276 kWh; 23 of 24 present = 0.9583; 3 of the 23 estimated = 0.1304.
  t.strictSame(plain.daily, [{ date: '2026-01-05', quantity: 276, present: 23, expected: 24, completeness: 0.9583 }], 'no mask: as before VEE');
  const withMask = consumptionTotals(s, cal, quality);
  t.strictSame(withMask.daily, [{ date: '2026-01-05', quantity: 276, present: 23, expected: 24, completeness: 0.9583, estimated: 3, estimatedShare: 0.1304 }]);
  // The month (744 expected hours) and year carry the same counts.
  t.strictSame(withMask.monthly[0], { month: '2026-01', quantity: 276, present: 23, expected: 744, completeness: 0.0309, estimated: 3, estimatedShare: 0.1304 });
  t.equal(withMask.annual[0]!.estimated, 3);
  const ec = electricConsumption(s, cal, quality);
  t.strictSame(ec.daily[0], { date: '2026-01-05', kwh: 276, present: 23, expected: 24, completeness: 0.9583, estimated: 3, estimatedShare: 0.1304 });
  t.match(ec.monthly[0], { kwh: 276, estimated: 3, estimatedShare: 0.1304, peakKw: 23 });
  const { peaks: p1, ...without } = electricConsumption(s, cal);
  t.notOk('estimated' in without.monthly[0]!, 'without a mask electricConsumption has no estimated fields');
  t.ok(p1);
  t.throws(() => consumptionTotals(s, cal, new Uint8Array(3)), { code: 'KM_CORE_SHAPE' });
});

t.test('quality masks combine when meters are summed and when intervals are summed up', async (t) => {
  const a = Uint8Array.from([QUALITY_ACTUAL, QUALITY_ACTUAL, QUALITY_EDITED, QUALITY_ESTIMATED, QUALITY_EDITED, QUALITY_ACTUAL]);
  const b = Uint8Array.from([QUALITY_ACTUAL, QUALITY_ESTIMATED, QUALITY_ACTUAL, QUALITY_EDITED, QUALITY_ESTIMATED, QUALITY_EDITED]);
  t.strictSame(Array.from(mergeQualityInto(a, b)), [0, 1, 2, 1, 1, 2], 'estimated wins, then edited');
  // 5-minute codes to 15 minutes: [0 0 2] -> 2, [0 1 2] -> 1, trailing [0] dropped.
  t.strictSame(Array.from(sumQualityToInterval(Uint8Array.from([0, 0, 2, 0, 1, 2, 0]), 3)), [2, 1]);
});
