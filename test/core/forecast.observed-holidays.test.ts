import t from 'tap';
import { holidayKey, observedHolidays } from '../../src/core/forecast/observed-holidays.js';

/**
 * Which calendar holidays a site observes, worked by hand. Hourly data in America/Chicago from Sunday
 * 2025-06-01 for 10 weeks: workdays 100 kWh/h (W = 2,400 kWh a day), Saturdays 60, Sundays 30
 * (S = 720 kWh a day). r = (E − S) / (W − S) for each holiday occurrence, "closed" when r < 1/2.
 */
const ZONE = 'America/Chicago';
const START_MS = Date.UTC(2025, 5, 1, 5);
const DAYS = 70;
const HOUR_MS = 3_600_000;

function series(perHour: (date: string, dow: number) => number) {
  const values = new Float64Array(DAYS * 24);
  for (let d = 0; d < DAYS; d++) {
    // Dates by UTC day arithmetic from the local midnight of 2025-06-01 (no DST change in June-August).
    const date = new Date(Date.UTC(2025, 5, 1 + d)).toISOString().slice(0, 10);
    const dow = (d % 7); // 2025-06-01 is a Sunday
    for (let h = 0; h < 24; h++) values[d * 24 + h] = perHour(date, dow);
  }
  return { startMs: START_MS, intervalMinutes: 60, values };
}

const weekly = (dow: number): number => (dow === 0 ? 30 : dow === 6 ? 60 : 100);

t.test('a closed holiday is observed, a worked one is not, an unseen one keeps the calendar', async (t) => {
  // Independence Day (Friday 07-04) closed: E = 720 -> r = 0. Columbus-like "Founders Day" (Wednesday
  // 07-16) worked: E = 2,400 -> r = 1. "Half Day" (Tuesday 07-22) at 40 kWh/h: E = 960 -> r = 240/1,680 = 0.143, closed.
  // "Late Day" (Monday 08-04) is after learnUntil: unjudged, so observed.
  const kwh = series((date, dow) => (date === '2025-07-04' ? 30 : date === '2025-07-22' ? 40 : weekly(dow)));
  const learnUntil = 62 * 24; // days 0..61 (to 2025-08-01) may be read
  const r = observedHolidays(kwh, ZONE, [
    { date: '2025-07-04', name: 'Independence Day' },
    { date: '2025-07-16', name: 'Founders Day' },
    { date: '2025-07-22', name: 'Half Day' },
    { date: '2025-08-04', name: 'Late Day' },
  ], learnUntil);
  t.strictSame(r.decisions, [
    { name: 'Independence Day', observed: true, judged: 1, closed: 1, meanRatio: 0 },
    { name: 'Founders Day', observed: false, judged: 1, closed: 0, meanRatio: 1 },
    { name: 'Half Day', observed: true, judged: 1, closed: 1, meanRatio: 0.143 },
    { name: 'Late Day', observed: true, judged: 0, closed: 0, meanRatio: null },
  ]);
  t.strictSame(r.dates, ['2025-07-04', '2025-07-22', '2025-08-04']);
});

t.test('a site without a weekly contrast observes nothing it can be judged on', async (t) => {
  // A 24/7 load: 100 kWh/h every day, so W = S and no closure can show; the holiday counts as worked.
  const kwh = series(() => 100);
  const r = observedHolidays(kwh, ZONE, [{ date: '2025-07-04', name: 'Independence Day' }], DAYS * 24);
  t.strictSame(r.decisions, [{ name: 'Independence Day', observed: false, judged: 1, closed: 0, meanRatio: 1 }]);
  t.strictSame(r.dates, []);
});

t.test('substitute days are the same holiday; a weekend occurrence and a gap show nothing', async (t) => {
  t.equal(holidayKey('Independence Day (substitute day)'), 'Independence Day');
  t.equal(holidayKey('Christmas Day (observed)'), 'Christmas Day');
  // 07-05 is a Saturday: not judged. 07-16 misses three hours (21/24 = 0.875 of the day, under 0.9): not judged.
  const kwh = series((date, dow) => weekly(dow));
  for (const h of [0, 1, 2]) kwh.values[45 * 24 + h] = Number.NaN; // 2025-07-16 is day 45
  const r = observedHolidays(kwh, ZONE, [
    { date: '2025-07-05', name: 'Independence Day (substitute day)' },
    { date: '2025-07-16', name: 'Founders Day' },
  ], DAYS * 24);
  t.strictSame(r.decisions.map((d) => [d.name, d.judged, d.observed]), [['Independence Day', 0, true], ['Founders Day', 0, true]]);
  t.equal((START_MS + 45 * 24 * HOUR_MS - Date.UTC(2025, 6, 16, 5)), 0, 'day 45 is 2025-07-16 local');
});
