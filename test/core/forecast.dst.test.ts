import t from 'tap';
import { forecast } from '../../src/core/forecast/forecast.js';

// The day-ahead forecast covers the whole local day after the data: 92 quarter-hours on a spring-forward
// day and 100 on a fall-back day (DESIGN.md "Time"). Instants below are worked out by hand from the tzdb
// rules in the comments.
const QH_MS = 15 * 60_000;
const at = (iso: string): number => Date.parse(iso);

/** Five weeks of 15-minute kWh ending at `endIso` (the origin): a daily shape by local-ish hour, no noise. */
function history(endIso: string): { startMs: number; intervalMinutes: number; values: Float64Array } {
  const endMs = at(endIso);
  const n = 35 * 96;
  const startMs = endMs - n * QH_MS;
  const values = Float64Array.from({ length: n }, (_, i) => 20 + (Math.floor(i / 4) % 24)); // 20..43 kWh
  return { startMs, intervalMinutes: 15, values };
}

const steps = (ts: string[]): number[] => ts.slice(1).map((s, k) => at(s) - at(ts[k]!));

t.test('America/New_York 2026-03-08: 92 intervals; 02:00–02:59 EST does not exist', async (t) => {
  // EST (UTC-5) until 2026-03-08 02:00 local = 07:00Z; local midnight = 05:00Z; next midnight 03-09 00:00 EDT = 04:00Z.
  const f = forecast(history('2026-03-08T05:00:00Z'), { timeZone: 'America/New_York' });
  t.equal(f.detail.targetDate, '2026-03-08');
  t.equal(f.dayAhead.length, 92);
  t.equal(f.dayAhead[0]!.ts, '2026-03-08T05:00:00Z');
  t.equal(f.dayAhead[91]!.ts, '2026-03-09T03:45:00Z');
  t.ok(steps(f.dayAhead.map((p) => p.ts)).every((d) => d === QH_MS), 'consecutive quarter-hours');
  t.ok(f.dayAhead.every((p) => p.kw !== null && p.low !== null && p.high !== null && p.low <= p.kw && p.kw <= p.high), 'every interval has a forecast inside its interval');
});

t.test('America/New_York 2026-11-01: 100 intervals; 01:00–01:59 is forecast twice, with the same wall-clock cells', async (t) => {
  // EDT (UTC-4) until 02:00 EDT = 06:00Z, then EST; midnight = 04:00Z; next midnight 11-02 00:00 EST = 05:00Z.
  const f = forecast(history('2026-11-01T04:00:00Z'), { timeZone: 'America/New_York' });
  t.equal(f.dayAhead.length, 100);
  t.equal(f.dayAhead[0]!.ts, '2026-11-01T04:00:00Z');
  t.equal(f.dayAhead[99]!.ts, '2026-11-02T04:45:00Z');
  // Intervals 4..7 are 01:00–01:45 EDT (05:00Z..), 8..11 the same wall-clock times in EST (06:00Z..).
  t.equal(f.dayAhead[4]!.ts, '2026-11-01T05:00:00Z');
  t.equal(f.dayAhead[8]!.ts, '2026-11-01T06:00:00Z');
  t.strictSame(f.dayAhead.slice(8, 12).map((p) => p.kw), f.dayAhead.slice(4, 8).map((p) => p.kw));
});

t.test('Europe/London 2026-03-29 has 92 and 2026-10-25 has 100 intervals', async (t) => {
  // EU rule: changes at 01:00Z on the last Sundays of March and October. 03-29: midnight GMT = 00:00Z,
  // next midnight BST = 23:00Z. 10-25: midnight BST = 10-24T23:00Z, next midnight GMT = 10-26T00:00Z.
  const spring = forecast(history('2026-03-29T00:00:00Z'), { timeZone: 'Europe/London' });
  t.equal(spring.dayAhead.length, 92);
  t.equal(spring.dayAhead[91]!.ts, '2026-03-29T22:45:00Z');
  const fall = forecast(history('2026-10-24T23:00:00Z'), { timeZone: 'Europe/London' });
  t.equal(fall.dayAhead.length, 100);
  t.equal(fall.dayAhead[0]!.ts, '2026-10-24T23:00:00Z');
  t.equal(fall.dayAhead[99]!.ts, '2026-10-25T23:45:00Z');
});

t.test('an origin inside a day forecasts the next whole local day', async (t) => {
  // Data end at 2026-06-10 15:00 EDT (19:00Z); the target is 2026-06-11 from 04:00Z.
  const f = forecast(history('2026-06-10T19:00:00Z'), { timeZone: 'America/New_York' });
  t.equal(f.detail.targetDate, '2026-06-11');
  t.equal(f.dayAhead[0]!.ts, '2026-06-11T04:00:00Z');
  t.equal(f.dayAhead.length, 96);
});
