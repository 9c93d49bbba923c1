import t from 'tap';
import { annualOutages, detectInterruptions, type MeterEvent } from '../../src/core/outages.js';
import type { IntervalSeries } from '../../src/core/series.js';

// IEEE 1366: longer than 5 minutes is sustained, 5 minutes or less momentary; momentary interruptions
// within 5 minutes of the first one's start are one momentary event (MAIFI_E).
const ms = (iso: string): number => Date.parse(iso);
const YEAR_2025 = { startMs: ms('2025-01-01T06:00:00Z'), endMs: ms('2026-01-01T06:00:00Z') }; // Chicago local year (UTC-6 in January)
const off = (iso: string): MeterEvent => ({ tsMs: ms(iso), type: 'power_off' });
const on = (iso: string): MeterEvent => ({ tsMs: ms(iso), type: 'power_on' });

t.test('a 4-minute interruption is momentary, a 6-minute one sustained, exactly 5 minutes momentary', async (t) => {
  const a = detectInterruptions({
    range: YEAR_2025,
    events: [on('2025-06-01T08:06:00Z'), off('2025-06-01T08:00:00Z'), off('2025-03-10T12:00:00Z'), on('2025-03-10T12:04:00Z'),
      off('2025-09-01T00:00:00Z'), on('2025-09-01T00:05:00Z')],
  });
  t.strictSame(a.interruptions.map((i) => [i.durationMinutes, i.kind, i.source, i.momentaryEvent]), [
    [4, 'momentary', 'event', 0],
    [6, 'sustained', 'event', -1],
    [5, 'momentary', 'event', 1],
  ]);
  // 2025: 1 sustained (6 min), 2 momentary events of 1 interruption each, longest 6.
  t.strictSame(annualOutages(a, 'America/Chicago', YEAR_2025), [
    { year: 2025, sustained: 1, momentary: 2, momentaryInterruptions: 2, minutes: 6, longestMinutes: 6, inferred: 0 },
  ]);
});

t.test('momentary interruptions within 5 minutes of the first are one event; a lockout absorbs its reclosings', async (t) => {
  const a = detectInterruptions({
    range: YEAR_2025,
    events: [
      // 10:00-10:01 and 10:03:00-10:03:30 start within 5 min of 10:00: one event. 10:07 starts 7 min after 10:00: a new event.
      off('2025-04-02T10:00:00Z'), on('2025-04-02T10:01:00Z'),
      off('2025-04-02T10:03:00Z'), on('2025-04-02T10:03:30Z'),
      off('2025-04-02T10:07:00Z'), on('2025-04-02T10:08:00Z'),
      // A reclosing at 14:00 (1 min), then lockout at 14:02 for 30 min: one sustained interruption, no momentary event.
      off('2025-04-02T14:00:00Z'), on('2025-04-02T14:01:00Z'),
      off('2025-04-02T14:02:00Z'), on('2025-04-02T14:32:00Z'),
    ],
  });
  t.strictSame(a.interruptions.map((i) => [i.durationMinutes, i.kind, i.momentaryEvent]), [
    [1, 'momentary', 0], [0.5, 'momentary', 0], [1, 'momentary', 1], [1, 'momentary', -1], [30, 'sustained', -1],
  ]);
  t.strictSame(a.momentaryEvents, [
    { startMs: ms('2025-04-02T10:00:00Z'), interruptions: 2 },
    { startMs: ms('2025-04-02T10:07:00Z'), interruptions: 1 },
  ]);
  // Momentary interruptions 4 (MAIFI counts them), events 2 (MAIFI_E), sustained 1 of 30 min.
  t.strictSame(annualOutages(a, 'UTC', { startMs: ms('2025-01-01T00:00:00Z'), endMs: ms('2026-01-01T00:00:00Z') }), [
    { year: 2025, sustained: 1, momentary: 2, momentaryInterruptions: 4, minutes: 30, longestMinutes: 30, inferred: 0 },
  ]);
});

t.test('inferred from interval data: all phases below 0.1 pu, and a gap in a meter otherwise reporting', async (t) => {
  // 15-minute data from 2025-05-01T00:00Z, nominal 277 V (0.1 pu = 27.7 V).
  // i2: all three phases at 2 V -> dead. i3: nothing reported (gap) -> merges with i2: 00:30-01:00, 'voltage+gap'.
  // i6: only phase A at 0 V, B and C normal (a lost phase) -> not an interruption.
  // i9, i10: gap -> 02:15-02:45 inferred 'gap'. i0 and i11 are reported, so neither edge is a gap.
  const START = ms('2025-05-01T00:00:00Z');
  const N = 12;
  const phase = (dead: number[], missing: number[], zero: number[] = []): IntervalSeries => ({
    startMs: START, intervalMinutes: 15,
    values: Float64Array.from({ length: N }, (_, i) => (missing.includes(i) ? NaN : dead.includes(i) ? 2 : zero.includes(i) ? 0 : 277)),
  });
  const va = phase([2], [3, 9, 10], [6]);
  const vb = phase([2], [3, 9, 10]);
  const vc = phase([2], [3, 9, 10]);
  const range = { startMs: START, endMs: START + N * 15 * 60_000 };
  const a = detectInterruptions({ range, voltages: [va, vb, vc], nominalV: 277 });
  t.strictSame(a.interruptions.map((i) => [new Date(i.startMs).toISOString(), i.durationMinutes, i.kind, i.source, i.basis]), [
    ['2025-05-01T00:30:00.000Z', 30, 'sustained', 'inferred', 'voltage+gap'],
    ['2025-05-01T02:15:00.000Z', 30, 'sustained', 'inferred', 'gap'],
  ]);
  // An event interruption overlapping the first inferred one replaces it (events are timed to the second).
  const b = detectInterruptions({ range, voltages: [va, vb, vc], nominalV: 277, events: [off('2025-05-01T00:31:10Z'), on('2025-05-01T00:33:40Z')] });
  t.strictSame(b.interruptions.map((i) => [i.durationMinutes, i.kind, i.source]), [[2.5, 'momentary', 'event'], [30, 'sustained', 'inferred']]);
  // A cap of 10 minutes on inferred gaps leaves both gaps (15 and 30 min) out but keeps the dead-voltage interval.
  const c = detectInterruptions({ range, voltages: [va, vb, vc], nominalV: 277, maxInferredGapMinutes: 10 });
  t.strictSame(c.interruptions.map((i) => [i.durationMinutes, i.basis]), [[15, 'voltage']]);
  t.strictSame(annualOutages(a, 'UTC', range), [{ year: 2025, sustained: 2, momentary: 0, momentaryInterruptions: 0, minutes: 60, longestMinutes: 30, inferred: 2 }]);
});

t.test('open and clipped interruptions; unmatched events', async (t) => {
  const range = { startMs: ms('2025-01-01T00:00:00Z'), endMs: ms('2025-01-02T00:00:00Z') };
  const a = detectInterruptions({
    range,
    events: [
      off('2024-12-31T23:50:00Z'), on('2025-01-01T00:20:00Z'), // starts before the range: clipped to 20 min
      on('2025-01-01T05:00:00Z'), // no power_off before it
      off('2025-01-01T23:00:00Z'), off('2025-01-01T23:10:00Z'), // still off at the end; the second off is a repeat
    ],
  });
  t.strictSame(a.interruptions.map((i) => [i.durationMinutes, i.kind, i.ongoing]), [[20, 'sustained', false], [60, 'sustained', true]]);
  t.equal(a.unmatchedEvents, 2);
  // Same-second events: on closes the open interruption before the next off; with none open, off comes first.
  const b = detectInterruptions({
    range,
    events: [on('2025-01-01T02:10:00Z'), off('2025-01-01T02:00:00Z'), off('2025-01-01T02:10:00Z'), on('2025-01-01T02:12:00Z'),
      on('2025-01-01T08:00:00Z'), off('2025-01-01T08:00:00Z')],
  });
  t.strictSame(b.interruptions.map((i) => [i.durationMinutes, i.kind]), [[10, 'sustained'], [2, 'momentary'], [0, 'momentary']]);
  t.equal(b.unmatchedEvents, 0);
});

t.test('local years: an interruption counts in the local year it starts in; empty years are listed', async (t) => {
  // 2025-01-01T03:00Z is 2024-12-31 21:00 in Chicago (UTC-6).
  const range = { startMs: ms('2024-01-01T06:00:00Z'), endMs: ms('2026-01-01T06:00:00Z') };
  const a = detectInterruptions({ range, events: [off('2025-01-01T03:00:00Z'), on('2025-01-01T04:30:00Z')] });
  t.strictSame(annualOutages(a, 'America/Chicago', range), [
    { year: 2024, sustained: 1, momentary: 0, momentaryInterruptions: 0, minutes: 90, longestMinutes: 90, inferred: 0 },
    { year: 2025, sustained: 0, momentary: 0, momentaryInterruptions: 0, minutes: 0, longestMinutes: 0, inferred: 0 },
  ]);
});
