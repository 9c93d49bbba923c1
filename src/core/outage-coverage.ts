/**
 * What an outage count rests on (Section 4 item 10): per local year of a range, the share of its
 * intervals in which the service meter reported (any reporting series has a value), and whether the year
 * was observed at all. Interruptions are found in the meter's events and inferred from its interval data
 * (outages.ts), so a year in which the meter sent nothing has no finding: its counts are unknown, not zero.
 *
 * A year is observed when the meter reported in any of its intervals, or sent an event in it; a meter with
 * events but no interval channel has no coverage figure (null) and is observed only in the years of its
 * events (a silent year of such a meter cannot be told from a disconnected one).
 */
import { periodRangeMs } from './period.js';
import { MINUTE_MS, type IntervalSeries } from './series.js';
import type { TimeRange } from './outages.js';
import { utcOffsetMs } from './time-zone.js';

export interface YearObservation {
  year: number;
  /** Share of the year's intervals (within the range) with a reported value, 4 decimals; null without reporting series. */
  coverage: number | null;
  observed: boolean;
}

export function outageObservation(timeZone: string, range: TimeRange, reporting: readonly IntervalSeries[], eventTimesMs: readonly number[]): YearObservation[] {
  const yearOf = (ms: number): number => new Date(ms + utcOffsetMs(timeZone, ms)).getUTCFullYear();
  const y0 = yearOf(range.startMs);
  const y1 = yearOf(range.endMs - 1);
  const out: YearObservation[] = [];
  for (let y = y0; y <= y1; y++) {
    const year = periodRangeMs({ from: `${y}-01-01`, to: `${y}-12-31` }, timeZone);
    const startMs = Math.max(year.startMs, range.startMs);
    const endMs = Math.min(year.endMs, range.endMs);
    const event = eventTimesMs.some((t) => t >= startMs && t < endMs);
    let coverage: number | null = null;
    const first = reporting[0];
    if (first !== undefined) {
      const stepMs = first.intervalMinutes * MINUTE_MS;
      const i0 = Math.max(0, Math.ceil((startMs - first.startMs) / stepMs));
      const i1 = Math.min(first.values.length, Math.ceil((endMs - first.startMs) / stepMs));
      const expected = Math.ceil((endMs - startMs) / stepMs);
      let present = 0;
      for (let i = i0; i < i1; i++) {
        for (const s of reporting) {
          const v = s.values[i];
          if (v !== undefined && v === v) {
            present++;
            break;
          }
        }
      }
      coverage = expected > 0 ? Math.round((present / expected) * 1e4) / 1e4 : 0;
    }
    out.push({ year: y, coverage, observed: event || (coverage !== null && coverage > 0) });
  }
  return out;
}
