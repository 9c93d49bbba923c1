import t from 'tap';
import { outageObservation } from '../../src/core/outage-coverage.js';

const ms = (iso: string): number => Date.parse(iso);

/** An hourly series from `startIso` with `present` values then `missing` NaNs. */
function hourly(startIso: string, present: number, missing = 0) {
  const values = new Float64Array(present + missing).fill(Number.NaN);
  values.fill(1, 0, present);
  return { startMs: ms(startIso), intervalMinutes: 60, values };
}

t.test('a year the meter did not report in is not observed: its counts are unknown', async (t) => {
  // 2024 and 2025 in UTC; the meter reports the first 182 days of 2025 (4,368 of 8,760 hours).
  const range = { startMs: ms('2024-01-01T00:00:00Z'), endMs: ms('2026-01-01T00:00:00Z') };
  const r2025 = { startMs: ms('2024-01-01T00:00:00Z'), intervalMinutes: 60, values: new Float64Array(8784 + 8760).fill(Number.NaN) };
  r2025.values.fill(1, 8784, 8784 + 4368);
  t.strictSame(outageObservation('UTC', range, [r2025], []), [
    { year: 2024, coverage: 0, observed: false },
    { year: 2025, coverage: 0.4986, observed: true }, // 4,368 / 8,760
  ]);
  // An event in 2024 makes it observed, whatever the coverage.
  t.strictSame(outageObservation('UTC', range, [r2025], [ms('2024-05-01T12:00:00Z')])[0], { year: 2024, coverage: 0, observed: true });
  // Events only (no interval channel): no coverage figure; observed only where an event is.
  t.strictSame(outageObservation('UTC', range, [], [ms('2024-05-01T12:00:00Z')]), [
    { year: 2024, coverage: null, observed: true },
    { year: 2025, coverage: null, observed: false },
  ]);
  // Two series: an interval counts when either reported.
  const a = hourly('2025-01-01T00:00:00Z', 10, 8750);
  const b = hourly('2025-01-01T00:00:00Z', 0, 8760);
  b.values.fill(1, 5, 20); // hours 5..19: 10..19 are new
  t.strictSame(outageObservation('UTC', { startMs: ms('2025-01-01T00:00:00Z'), endMs: ms('2026-01-01T00:00:00Z') }, [a, b], []), [
    { year: 2025, coverage: 0.0023, observed: true }, // 20 / 8,760
  ]);
});

t.test('local years: the range cut at local midnight of the site zone', async (t) => {
  // America/Chicago: local 2024-12-31 00:00 CST = 06:00Z; the range holds the last day of 2024 and the first of 2025.
  const range = { startMs: ms('2024-12-31T06:00:00Z'), endMs: ms('2025-01-02T06:00:00Z') };
  const s = hourly('2024-12-31T06:00:00Z', 0, 48);
  s.values.fill(1, 24, 36); // 12 hours of local 2025-01-01
  t.strictSame(outageObservation('America/Chicago', range, [s], []), [
    { year: 2024, coverage: 0, observed: false },
    { year: 2025, coverage: 0.5, observed: true }, // 12 of the 24 hours of 2025 in the range
  ]);
});
