import t from 'tap';
import { annualOutages, detectInterruptions, type MeterEvent } from '../../src/core/outages.js';
import { compareWithSystem, reliabilityIndices } from '../../src/core/reliability.js';

const ms = (iso: string): number => Date.parse(iso);
const YEAR = { startMs: ms('2025-01-01T00:00:00Z'), endMs: ms('2026-01-01T00:00:00Z') };
/** An off/on pair starting at `iso` lasting `minutes`. */
const outage = (iso: string, minutes: number): MeterEvent[] => [
  { tsMs: ms(iso), type: 'power_off' },
  { tsMs: ms(iso) + minutes * 60_000, type: 'power_on' },
];
const customer = (...events: MeterEvent[][]) => detectInterruptions({ range: YEAR, events: events.flat() });

// A 5-customer system (N_T = 5), worked by hand:
//   C1: sustained 90 min; momentary 2 min at 09:00 and 1 min at 09:03 (one event: within 5 min of 09:00)
//   C2: sustained 30 min and 60 min
//   C3: nothing
//   C4: momentary 1 min (one event)
//   C5: sustained 120 min
// Σ N_i = 1 + 2 + 1 = 4 customer interruptions; customers interrupted: C1, C2, C5 = 3
// Σ r_i N_i = 90 + 30 + 60 + 120 = 300 customer minutes
// SAIFI = 4 / 5 = 0.8; SAIDI = 300 / 5 = 60 min; CAIDI = 60 / 0.8 = 75 min (= 300 / 4)
// momentary interruptions 2 + 1 = 3 -> MAIFI = 3 / 5 = 0.6; momentary events 1 + 1 = 2 -> MAIFI_E = 2 / 5 = 0.4
const SYSTEM = [
  customer(outage('2025-02-01T12:00:00Z', 90), outage('2025-07-04T09:00:00Z', 2), outage('2025-07-04T09:03:00Z', 1)),
  customer(outage('2025-03-01T00:00:00Z', 30), outage('2025-08-15T18:00:00Z', 60)),
  customer(),
  customer(outage('2025-07-04T09:00:00Z', 1)),
  customer(outage('2025-12-24T20:00:00Z', 120)),
];

t.test('IEEE 1366 indices of a 5-customer system', async (t) => {
  t.strictSame(reliabilityIndices(SYSTEM, 5), {
    customersServed: 5,
    customersInterrupted: 3,
    customerInterruptions: 4,
    customerMinutesInterrupted: 300,
    customerMomentaryInterruptions: 3,
    customerMomentaryEvents: 2,
    saifi: 0.8,
    saidi: 60,
    caidi: 75,
    maifi: 0.6,
    maifiE: 0.4,
  });
});

t.test('key accounts of a larger system; a period; no interruptions', async (t) => {
  // The same 5 customers among 100 served: SAIFI 4/100 = 0.04, SAIDI 300/100 = 3, CAIDI 3/0.04 = 75.
  const big = reliabilityIndices(SYSTEM, 100);
  t.strictSame([big.saifi, big.saidi, big.caidi, big.maifi, big.maifiE], [0.04, 3, 75, 0.03, 0.02]);
  // Only the first half of 2025: C1's 90 min and C2's 30 min -> SAIFI 2/5 = 0.4, SAIDI 120/5 = 24, CAIDI 60.
  const h1 = reliabilityIndices(SYSTEM, 5, { startMs: YEAR.startMs, endMs: ms('2025-07-01T00:00:00Z') });
  t.strictSame([h1.saifi, h1.saidi, h1.caidi, h1.maifi, h1.maifiE], [0.4, 24, 60, 0, 0]);
  t.equal(reliabilityIndices([customer()], 1).caidi, null, 'CAIDI is undefined without a sustained interruption');
  t.throws(() => reliabilityIndices(SYSTEM, 4), RangeError);
});

t.test('one customer beside the published system indices', async (t) => {
  // C2 in 2025: 2 sustained, 90 min, 45 min each. System: SAIFI 1.1, SAIDI 120.5, CAIDI 109.5, MAIFI 3.2.
  // Ratios: 2 / 1.1 = 1.818 -> 1.82; 90 / 120.5 = 0.747 -> 0.75; 45 / 109.5 = 0.411 -> 0.41; 0 / 3.2 = 0.
  const annual = annualOutages(SYSTEM[1]!, 'UTC', YEAR);
  t.strictSame(compareWithSystem(annual, [{ year: 2024, saifi: 1 }, { year: 2025, saifi: 1.1, saidi: 120.5, caidi: 109.5, maifi: 3.2 }]), [{
    year: 2025,
    account: { sustained: 2, minutes: 90, averageMinutes: 45, momentary: 0, momentaryInterruptions: 0 },
    system: { saifi: 1.1, saidi: 120.5, caidi: 109.5, maifi: 3.2 },
    ratios: { frequency: 1.82, duration: 0.75, restoration: 0.41, momentary: 0 },
    summary: '2 sustained interruptions against a system average of 1.1',
  }]);
  t.strictSame(compareWithSystem(annual, [])[0]!.summary, '2 sustained interruptions; no system average for 2025');
  t.strictSame(compareWithSystem(annual, [])[0]!.ratios, { frequency: null, duration: null, restoration: null, momentary: null });
});
