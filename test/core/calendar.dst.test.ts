import t from 'tap';
import { localCalendar } from '../../src/core/calendar.js';
import type { IntervalSeries } from '../../src/core/series.js';

// Instants are written as RFC 3339 UTC and read with V8's Date.parse; every expected value below is
// worked out by hand from the tzdb rules in the comments, not by calling the code under test.
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad literal ${iso}`);
  return ms;
};
const series = (startIso: string, n: number, intervalMinutes = 15): IntervalSeries => ({
  startMs: at(startIso), intervalMinutes, values: new Float64Array(n).fill(1),
});
/** [from, from + 1, ..., to] */
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k);
const fill = (n: number, v: number): number[] => new Array<number>(n).fill(v);

// A normal year has 365 x 96 quarter-hours = 35,040; with DST it loses 4 in March and gains 4 in the autumn.
const YEAR_2026_QH = { year: 2026, expected: 35040, hours: 8760 };

t.test('America/New_York 2026-03-08 (spring forward) has 92 quarter-hours; March 2026 has 31*96 - 4', async (t) => {
  // EST (-05:00) until 02:00 local = 07:00Z, then EDT (-04:00). Local midnight = 05:00Z, next midnight = 04:00Z on 03-09: 23 h.
  const cal = localCalendar(series('2026-03-08T05:00:00Z', 92), 'America/New_York');
  t.strictSame(cal.days, [{ date: '2026-03-08', dayOfWeek: 0, month: 0, expected: 92 }]);
  t.strictSame(cal.months, [{ month: '2026-03', year: 2026, expected: 31 * 96 - 4, hours: 743 }]);
  t.strictSame(cal.years, [YEAR_2026_QH]);
  // 00:00..01:45 are slots 0..7; the next interval (07:00Z) starts at 03:00 EDT, slot 12; 02:00..02:45 never occur.
  t.strictSame(Array.from(cal.slot), [...range(0, 7), ...range(12, 95)]);
  t.strictSame(Array.from(cal.dayIndex), fill(92, 0));
  t.strictSame(Array.from(cal.monthIndex), fill(92, 0));
  t.equal(cal.slotsPerDay, 96);

  const three = localCalendar(series('2026-03-07T05:00:00Z', 96 + 92 + 96), 'America/New_York');
  t.strictSame(three.days.map((d) => [d.date, d.dayOfWeek, d.expected]), [['2026-03-07', 6, 96], ['2026-03-08', 0, 92], ['2026-03-09', 1, 96]]);
  t.strictSame(Array.from(three.dayIndex), [...fill(96, 0), ...fill(92, 1), ...fill(96, 2)]);
});

t.test('America/New_York 2026-11-01 (fall back) has 100 quarter-hours; 01:00..01:45 occur twice', async (t) => {
  // EDT until 02:00 local = 06:00Z, then EST. Midnight = 04:00Z, next midnight = 05:00Z on 11-02: 25 h.
  const cal = localCalendar(series('2026-11-01T04:00:00Z', 100), 'America/New_York');
  t.strictSame(cal.days, [{ date: '2026-11-01', dayOfWeek: 0, month: 0, expected: 100 }]);
  t.strictSame(cal.months, [{ month: '2026-11', year: 2026, expected: 30 * 96 + 4, hours: 721 }]);
  t.strictSame(cal.years, [YEAR_2026_QH]);
  // 04:00Z..05:45Z are 00:00..01:45 EDT (slots 0..7); 06:00Z is 01:00 EST again (slot 4).
  t.strictSame(Array.from(cal.slot), [...range(0, 7), ...range(4, 95)]);
});

t.test('Europe/London 2026-03-29 has 92 and 2026-10-25 has 100 quarter-hours', async (t) => {
  // EU rule: last Sunday of March and October at 01:00Z. 03-29: GMT midnight 00:00Z, BST from 01:00Z (02:00 local), ends 23:00Z.
  const spring = localCalendar(series('2026-03-29T00:00:00Z', 92), 'Europe/London');
  t.strictSame(spring.days, [{ date: '2026-03-29', dayOfWeek: 0, month: 0, expected: 92 }]);
  t.strictSame(spring.months, [{ month: '2026-03', year: 2026, expected: 31 * 96 - 4, hours: 743 }]);
  t.strictSame(Array.from(spring.slot), [...range(0, 3), ...range(8, 95)]);
  // 10-25: BST midnight = 10-24T23:00Z; at 01:00Z (02:00 BST) back to 01:00 GMT; ends 10-26T00:00Z.
  const fall = localCalendar(series('2026-10-24T23:00:00Z', 100), 'Europe/London');
  t.strictSame(fall.days, [{ date: '2026-10-25', dayOfWeek: 0, month: 0, expected: 100 }]);
  t.strictSame(fall.months, [{ month: '2026-10', year: 2026, expected: 31 * 96 + 4, hours: 745 }]);
  t.strictSame(Array.from(fall.slot), [...range(0, 7), ...range(4, 95)]);
});

t.test('America/Santiago: DST at local midnight, so 2026-09-06 starts at 01:00', async (t) => {
  // Chile: -04:00 until 2026-09-06T04:00Z, when 00:00 becomes 01:00 (-03:00); the day ends 09-07T03:00Z: 23 h.
  const cal = localCalendar(series('2026-09-06T04:00:00Z', 92), 'America/Santiago');
  t.strictSame(cal.days, [{ date: '2026-09-06', dayOfWeek: 0, month: 0, expected: 92 }]);
  t.strictSame(Array.from(cal.slot), range(4, 95));
});

t.test('Asia/Kolkata (+05:30): local days start at 18:30Z', async (t) => {
  // 2026-01-01T18:00Z = 23:30 IST on Thursday 01-01 (slots 94, 95); 18:30Z = 00:00 IST Friday 01-02.
  const cal = localCalendar(series('2026-01-01T18:00:00Z', 8), 'Asia/Kolkata');
  t.strictSame(cal.days, [
    { date: '2026-01-01', dayOfWeek: 4, month: 0, expected: 96 },
    { date: '2026-01-02', dayOfWeek: 5, month: 0, expected: 96 },
  ]);
  t.strictSame(Array.from(cal.dayIndex), [0, 0, 1, 1, 1, 1, 1, 1]);
  t.strictSame(Array.from(cal.slot), [94, 95, 0, 1, 2, 3, 4, 5]);
  t.strictSame(cal.months, [{ month: '2026-01', year: 2026, expected: 31 * 96, hours: 744 }]);
  // Hourly on the UTC grid: intervals start at :30 local. 18:00Z = 23:30 (01-01, slot 23), 19:00Z = 00:30 (01-02, slot 0).
  // Local 01-02 runs 01-01T18:30Z..01-02T18:30Z and holds the 24 starts 19:00Z..18:00Z.
  const hourly = localCalendar(series('2026-01-01T18:00:00Z', 2, 60), 'Asia/Kolkata');
  t.strictSame(hourly.days.map((d) => [d.date, d.expected]), [['2026-01-01', 24], ['2026-01-02', 24]]);
  t.strictSame(Array.from(hourly.slot), [23, 0]);
});

t.test('Asia/Kathmandu (+05:45): a :45 zone', async (t) => {
  // 18:00Z = 23:45 local (slot 95 of 01-01); 18:15Z = 00:00 on 01-02.
  const cal = localCalendar(series('2026-01-01T18:00:00Z', 3), 'Asia/Kathmandu');
  t.strictSame(Array.from(cal.dayIndex), [0, 1, 1]);
  t.strictSame(Array.from(cal.slot), [95, 0, 1]);
});

t.test('expected counts cover the whole month and year when the series starts mid-month', async (t) => {
  // One local day in mid-March 2026 (EDT, -04:00): March still expects 2,972 and 2026 35,040.
  const cal = localCalendar(series('2026-03-15T04:00:00Z', 96), 'America/New_York');
  t.strictSame(cal.days, [{ date: '2026-03-15', dayOfWeek: 0, month: 0, expected: 96 }]);
  t.strictSame(cal.months, [{ month: '2026-03', year: 2026, expected: 2972, hours: 743 }]);
  t.strictSame(cal.years, [YEAR_2026_QH]);
  // Across a year end with one interval a day (1,440 minutes) in UTC: 2025-12-31 and 2026-01-01.
  const ny = localCalendar(series('2025-12-31T00:00:00Z', 2, 1440), 'UTC');
  t.strictSame(ny.months.map((m) => [m.month, m.expected]), [['2025-12', 31], ['2026-01', 31]]);
  t.strictSame(ny.years, [{ year: 2025, expected: 365, hours: 8760 }, { year: 2026, expected: 365, hours: 8760 }]);
  t.strictSame(Array.from(ny.monthIndex), [0, 1]);
});

t.test('empty series, bad zone, bad interval', async (t) => {
  const empty = localCalendar(series('2026-01-01T00:00:00Z', 0), 'UTC');
  t.strictSame([empty.days, empty.months, empty.years, empty.dayIndex.length], [[], [], [], 0]);
  t.throws(() => localCalendar(series('2026-01-01T00:00:00Z', 4), 'Mars/Olympus_Mons'), RangeError);
  t.throws(() => localCalendar(series('2026-01-01T00:00:00Z', 4, 7), 'UTC'), RangeError);
});

t.test('every interval agrees with Intl.DateTimeFormat on local date, weekday and clock slot', async (t) => {
  // An independent oracle: ICU formats each interval start in the zone; the calendar must put it in that
  // date and the slot of that wall-clock time. Two weeks around each 2026 change, plus whole-year hourly runs.
  const cases: [string, string, number, number][] = [
    ['America/New_York', '2026-03-01T00:00:00Z', 15, 96 * 14], ['America/New_York', '2026-10-25T00:00:00Z', 15, 96 * 14],
    ['Europe/London', '2026-03-22T00:00:00Z', 15, 96 * 14], ['Europe/London', '2026-10-18T00:00:00Z', 30, 48 * 14],
    ['Australia/Lord_Howe', '2026-01-01T00:00:00Z', 60, 24 * 365], ['Asia/Kathmandu', '2026-01-01T00:00:00Z', 15, 96 * 7],
    ['America/Santiago', '2026-01-01T00:00:00Z', 60, 24 * 365], ['Asia/Kolkata', '2026-01-01T00:00:00Z', 60, 24 * 30],
  ];
  const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  for (const [zone, startIso, minutes, n] of cases) {
    const cal = localCalendar(series(startIso, n, minutes), zone);
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23',
    });
    let mismatches = 0;
    for (let i = 0; i < n; i++) {
      const parts = Object.fromEntries(fmt.formatToParts(at(startIso) + i * minutes * 60_000).map((p) => [p.type, p.value]));
      const day = cal.days[cal.dayIndex[i]!]!;
      const slot = Math.floor((Number(parts.hour) * 60 + Number(parts.minute)) / minutes);
      if (day.date !== `${parts.year}-${parts.month}-${parts.day}` || WEEKDAYS[day.dayOfWeek] !== parts.weekday
        || cal.slot[i] !== slot || cal.months[cal.monthIndex[i]!]!.month !== day.date.slice(0, 7)) mismatches++;
    }
    t.equal(mismatches, 0, `${zone} from ${startIso}, ${n} x ${minutes} min`);
    // Each day's expected count is the number of intervals Intl puts in that date, for the days fully inside the run.
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) counts.set(cal.days[cal.dayIndex[i]!]!.date, (counts.get(cal.days[cal.dayIndex[i]!]!.date) ?? 0) + 1);
    const inner = cal.days.slice(1, -1);
    t.strictSame(inner.map((d) => counts.get(d.date)), inner.map((d) => d.expected), `${zone}: expected per day`);
  }
});
