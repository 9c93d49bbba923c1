/**
 * A channel's interval grid, the rule ingest validates against (src/core/ingest/payload.ts
 * `validateAgainstChannels`): an interval of length L starts where the site's local clock is a multiple
 * of L, `(start + utcOffset(start)) % L === 0`. Where the offset is a multiple of L (every ≤15-minute
 * channel outside +05:45, +08:45 and +12:45 zones, and every channel in UTC) that is the UTC grid.
 * Intervals are half-open [start, start + L).
 */
import { utcOffsetMs } from '../time-zone.js';

const MINUTE_MS = 60_000;

export class IntervalGrid {
  readonly intervalMs: number;
  readonly timeZone: string;
  /** True when the zone's offsets are multiples of L, so the grid is the UTC one (no offset lookups). */
  readonly #utc: boolean;

  constructor(intervalMinutes: number, timeZone: string) {
    if (!(Number.isInteger(intervalMinutes) && intervalMinutes > 0)) throw new RangeError('intervalMinutes must be a positive integer');
    this.intervalMs = intervalMinutes * MINUTE_MS;
    this.timeZone = timeZone;
    utcOffsetMs(timeZone, 0); // throws RangeError for a name that is not an IANA zone
    this.#utc = OFFSET_PROBES_MS.every((t) => utcOffsetMs(timeZone, t) % this.intervalMs === 0);
  }

  /** Start of the interval that contains `tMs` (the latest grid point at or before it). */
  startOf(tMs: number): number {
    const l = this.intervalMs;
    if (this.#utc) return tMs - mod(tMs, l);
    const off = utcOffsetMs(this.timeZone, tMs);
    let s = tMs - mod(tMs + off, l);
    // Across an offset change the local grid moves; take the start whose own offset puts it on the grid.
    const offAtS = utcOffsetMs(this.timeZone, s);
    if (offAtS !== off) {
      const alt = tMs - mod(tMs + offAtS, l);
      if (mod(alt + utcOffsetMs(this.timeZone, alt), l) === 0) s = Math.max(s, alt);
    }
    return s;
  }

  /** Start of the interval after the one starting at `startMs`. */
  next(startMs: number): number {
    const n = this.startOf(startMs + this.intervalMs);
    return n > startMs ? n : startMs + this.intervalMs;
  }

  /** True when `tMs` is an interval start. */
  isStart(tMs: number): boolean {
    return this.startOf(tMs) === tMs;
  }
}

/**
 * Instants at which the zone's offset is probed for the UTC shortcut: both seasons of a recent and a
 * later year. A zone that changes its rules later still gets right starts, only through the slow path
 * when one of these sees an offset that is not a multiple of L.
 */
const OFFSET_PROBES_MS = [Date.UTC(2024, 0, 15), Date.UTC(2024, 6, 15), Date.UTC(2030, 0, 15), Date.UTC(2030, 6, 15)];

function mod(a: number, m: number): number {
  const x = a % m;
  return x < 0 ? x + m : x;
}
