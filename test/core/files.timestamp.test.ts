import t from 'tap';
import { parseFileTimestamp, resolveLocal } from '../../src/core/files/timestamp.js';
import { ZoneOffsets } from '../../src/core/zone-offsets.js';

const iso = (ms: number) => new Date(ms).toISOString();

t.test('timestamps with Z or an offset are exact', async (t) => {
  const cases: [string, string][] = [
    ['2025-06-01T12:00:00Z', '2025-06-01T12:00:00.000Z'],
    ['2025-06-01 12:00', ''],
    ['2025-06-01T12:00:00+02:00', '2025-06-01T10:00:00.000Z'],
    ['2025-06-01T12:00:00+0200', '2025-06-01T10:00:00.000Z'],
    ['2025-06-01T12:00-05', '2025-06-01T17:00:00.000Z'],
    ['2025-06-01 12:00:00.250z', '2025-06-01T12:00:00.250Z'],
    ['2025-06-01T05:30:00+05:30', '2025-06-01T00:00:00.000Z'],
  ];
  for (const [text, expected] of cases) {
    const r = parseFileTimestamp(text, undefined);
    t.equal(r.ok && !r.local ? iso(r.tsMs) : '', expected, text);
  }
  const bad: [string, RegExp][] = [
    ['2025-02-29T00:00:00Z', /not a valid date/],
    ['2025-06-01T24:00:00Z', /not a valid date/],
    ['2025-06-01T12:00:60Z', /not a valid date/],
    ['01/06/2025 12:00', /not an ISO 8601 date-time/],
    ['2025-06-01T12:00:00.0001Z', /more precise than a millisecond/],
    ['1969-12-31T23:00:00Z', /outside the years 1970..2200/],
    ['2025-06-01T12:00:00+25:00', /invalid offset/],
  ];
  for (const [text, reason] of bad) {
    const r = parseFileTimestamp(text, undefined);
    t.ok(!r.ok && reason.test(r.reason), text);
  }
});

t.test('local times: a skipped time is an error, a repeated one has two instants (two zones, both changes)', async (t) => {
  const chicago = new ZoneOffsets('America/Chicago');
  const berlin = new ZoneOffsets('Europe/Berlin');
  const instants = (text: string, z: ZoneOffsets) => {
    const r = parseFileTimestamp(text, z);
    return r.ok && r.local ? r.instantsMs.map(iso) : r.ok ? 'exact' : r.reason;
  };
  // Chicago 2025-03-09: 02:00 CST -> 03:00 CDT; 2025-11-02: 02:00 CDT -> 01:00 CST.
  t.strictSame(instants('2025-03-09 01:45', chicago), ['2025-03-09T07:45:00.000Z']);
  t.equal(instants('2025-03-09 02:30', chicago), "'2025-03-09 02:30' does not exist in America/Chicago: the clocks skipped it at a daylight-saving change");
  t.strictSame(instants('2025-03-09 03:00', chicago), ['2025-03-09T08:00:00.000Z']);
  t.strictSame(instants('2025-11-02 01:30', chicago), ['2025-11-02T06:30:00.000Z', '2025-11-02T07:30:00.000Z']);
  t.strictSame(instants('2025-11-02 02:00', chicago), ['2025-11-02T08:00:00.000Z']);
  // Berlin 2025-03-30: 02:00 CET -> 03:00 CEST; 2025-10-26: 03:00 CEST -> 02:00 CET.
  t.match(instants('2025-03-30 02:00', berlin), /does not exist in Europe\/Berlin/);
  t.strictSame(instants('2025-10-26 02:45', berlin), ['2025-10-26T00:45:00.000Z', '2025-10-26T01:45:00.000Z']);
  t.equal(instants('2025-10-26T02:45:00+01:00', berlin), 'exact', 'an offset wins over the zone');
  // Every local quarter-hour of the 23-hour and the 25-hour day: 92 and 100 distinct instants.
  for (const [z, day, expected] of [[chicago, '2025-03-09', 92], [chicago, '2025-11-02', 100], [berlin, '2025-03-30', 92], [berlin, '2025-10-26', 100]] as const) {
    const taken = new Set<number>();
    const all = new Set<number>();
    for (let q = 0; q < 96; q++) {
      for (let pass = 0; pass < 2; pass++) {
        const hm = `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`;
        const r = parseFileTimestamp(`${day} ${hm}`, z);
        if (!r.ok || !r.local) continue;
        if (pass === 1 && r.instantsMs.length === 1) continue; // a file lists an ambiguous time twice, the others once
        all.add(resolveLocal(r.instantsMs, taken));
      }
    }
    t.equal(all.size, expected, `${z.timeZone} ${day}: ${expected} quarter-hours`);
  }
});

t.test('the repeated-hour rule: first occurrence, then the second', async (t) => {
  const taken = new Set<number>();
  const both = [Date.UTC(2025, 10, 2, 6, 30), Date.UTC(2025, 10, 2, 7, 30)];
  t.equal(resolveLocal(both, taken), both[0]);
  t.equal(resolveLocal(both, taken), both[1]);
  t.equal(resolveLocal(both, taken), both[1], 'a third time is the second occurrence again (a duplicate for the store)');
  t.equal(resolveLocal([42], taken), 42);
});
