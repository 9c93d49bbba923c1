/**
 * Reliability indices (Section 4 item 10; `GET /v1/reliability?from&to`; CONTRACT.md `outages.system[]`):
 * IEEE 1366-2012 clause 3 system indices over a set of customers, and one customer's years beside
 * the utility's published indices from the bundle (`systemReliability[]`).
 *
 * Major event days (IEEE 1366 clause 4, the 2.5 beta method) are not separated out: the indices here are
 * over all interruptions given.
 */
import type { OutageAnalysis, OutageYear, TimeRange } from './outages.js';

/** IEEE 1366 indices for `customersServed` customers over a period. */
export interface ReliabilityIndices {
  /** N_T, the total number of customers served (the denominator). */
  customersServed: number;
  /** Customers with at least one sustained interruption. */
  customersInterrupted: number;
  /** Σ N_i: customer sustained interruptions. */
  customerInterruptions: number;
  /** Σ r_i N_i: customer minutes of sustained interruption. */
  customerMinutesInterrupted: number;
  /** Σ IM_i N_mi: customer momentary interruptions. */
  customerMomentaryInterruptions: number;
  /** Σ IM_E N_i: customer momentary interruption events. */
  customerMomentaryEvents: number;
  /** SAIFI = Σ N_i / N_T (IEEE 1366 clause 3). */
  saifi: number;
  /** SAIDI = Σ r_i N_i / N_T, minutes (IEEE 1366 clause 3). */
  saidi: number;
  /** CAIDI = SAIDI / SAIFI, minutes (IEEE 1366 clause 3); null when no sustained interruption. */
  caidi: number | null;
  /** MAIFI = Σ IM_i N_mi / N_T, momentary interruptions per customer (IEEE 1366 clause 3). */
  maifi: number;
  /** MAIFI_E = Σ IM_E N_mi / N_T, momentary events per customer (IEEE 1366 clause 3). */
  maifiE: number;
}

/**
 * System indices over the customers given, each customer's interruptions from `detectInterruptions`
 * (one entry per customer: a service point, whose meters' events should be merged before). The
 * customers not listed are counted as not interrupted, so `customersServed` may exceed the list
 * (key accounts of a larger system) but not fall below it (RangeError). With `range`, only
 * interruptions and momentary events starting in [startMs, endMs) count.
 */
export function reliabilityIndices(
  customers: readonly Pick<OutageAnalysis, 'interruptions' | 'momentaryEvents'>[],
  customersServed: number,
  range?: TimeRange,
): ReliabilityIndices {
  if (!Number.isInteger(customersServed) || customersServed < 1) throw new RangeError(`customersServed must be a positive whole number, got ${customersServed}`);
  if (customersServed < customers.length) throw new RangeError(`customersServed (${customersServed}) is less than the ${customers.length} customers given`);
  const inRange = (ms: number): boolean => range === undefined || (ms >= range.startMs && ms < range.endMs);
  let interrupted = 0;
  let sustained = 0;
  let minutes = 0;
  let momentary = 0;
  let events = 0;
  for (const c of customers) {
    let mine = 0;
    for (const it of c.interruptions) {
      if (!inRange(it.startMs)) continue;
      if (it.kind === 'sustained') {
        mine++;
        minutes += it.durationMinutes;
      } else {
        momentary++;
      }
    }
    for (const ev of c.momentaryEvents) if (inRange(ev.startMs)) events++;
    sustained += mine;
    if (mine > 0) interrupted++;
  }
  const saifi = sustained / customersServed;
  const saidi = minutes / customersServed;
  return {
    customersServed,
    customersInterrupted: interrupted,
    customerInterruptions: sustained,
    customerMinutesInterrupted: minutes,
    customerMomentaryInterruptions: momentary,
    customerMomentaryEvents: events,
    saifi,
    saidi,
    caidi: sustained > 0 ? saidi / saifi : null,
    maifi: momentary / customersServed,
    maifiE: events / customersServed,
  };
}

/** A year of the bundle's `systemReliability[]`. */
export interface SystemReliabilityYear {
  readonly year: number;
  readonly saifi?: number | undefined;
  readonly saidi?: number | undefined;
  readonly caidi?: number | undefined;
  readonly maifi?: number | undefined;
}

export interface ReliabilityComparison {
  year: number;
  account: {
    sustained: number;
    minutes: number;
    /** Minutes per sustained interruption (the account's CAIDI); null without one. */
    averageMinutes: number | null;
    momentary: number;
    momentaryInterruptions: number;
  };
  /** The utility's indices for the year; null when the bundle has none for it. */
  system: { saifi: number | null; saidi: number | null; caidi: number | null; maifi: number | null } | null;
  /**
   * Account / system, 2 decimals: sustained / SAIFI, minutes / SAIDI, averageMinutes / CAIDI,
   * momentary interruptions / MAIFI (MAIFI counts interruptions, not events). Null where either side is
   * missing or the system figure is 0.
   */
  ratios: { frequency: number | null; duration: number | null; restoration: number | null; momentary: number | null };
  /** e.g. "3 sustained interruptions against a system average of 1.1". */
  summary: string;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const ratio = (a: number | null, b: number | null | undefined): number | null => (a === null || b === undefined || b === null || !(b > 0) ? null : round2(a / b));

/**
 * One customer's years (from `annualOutages`) beside the system's. A customer's count of sustained
 * interruptions in a year is what SAIFI averages over all customers, its minutes what SAIDI averages,
 * so each pair compares like with like.
 */
export function compareWithSystem(annual: readonly OutageYear[], system: readonly SystemReliabilityYear[]): ReliabilityComparison[] {
  return annual.map((y) => {
    const s = system.find((x) => x.year === y.year);
    const averageMinutes = y.sustained > 0 ? round2(y.minutes / y.sustained) : null;
    const sys = s === undefined ? null : { saifi: s.saifi ?? null, saidi: s.saidi ?? null, caidi: s.caidi ?? null, maifi: s.maifi ?? null };
    const plural = y.sustained === 1 ? '' : 's';
    const summary = sys?.saifi === null || sys === null
      ? `${y.sustained} sustained interruption${plural}; no system average for ${y.year}`
      : `${y.sustained} sustained interruption${plural} against a system average of ${sys.saifi}`;
    return {
      year: y.year,
      account: { sustained: y.sustained, minutes: y.minutes, averageMinutes, momentary: y.momentary, momentaryInterruptions: y.momentaryInterruptions },
      system: sys,
      ratios: {
        frequency: ratio(y.sustained, sys?.saifi),
        duration: ratio(y.minutes, sys?.saidi),
        restoration: ratio(averageMinutes, sys?.caidi),
        momentary: ratio(y.momentaryInterruptions, sys?.maifi),
      },
      summary,
    };
  });
}
