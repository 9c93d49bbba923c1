/**
 * A site's IANA zone without date-fns (src/core imports only src/core and zod:
 * test/architecture.dependencies.test.ts): the UTC offset at an instant from `Intl.DateTimeFormat`, the
 * zone's offsets over a range as a small table, and local wall-clock to UTC from that table. Callers
 * build the table once and then do integer arithmetic per interval (STYLE §8: no Date in a loop).
 */

const SECOND_MS = 1000;
/** 24 h in ms: a local calendar day of wall-clock time (an actual day lasts 23 h or 25 h across DST). */
export const DAY_MS = 24 * 60 * 60 * SECOND_MS;

/**
 * How often `offsetTable` samples the zone: once a day. tzdb has no zone whose offset changes twice
 * within 24 hours since 1970 (DST changes are months apart; Samoa's 2011 date-line jump is one change),
 * so one sample a day finds every change; each is then located to the second by bisection.
 */
const SAMPLE_MS = DAY_MS;

const offsetFormats = new Map<string, (ms: number) => string>();

/**
 * The zone's UTC offset at an instant, in ms (positive east of Greenwich). Same technique as
 * `tzOffset` in @date-fns/tz (Intl "longOffset" gives `GMT+05:45`). Seconds are kept: pre-1972
 * Africa/Monrovia was -00:44:30. Throws RangeError for a name that is not an IANA zone.
 */
export function utcOffsetMs(timeZone: string, ms: number): number {
  let format = offsetFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).format;
    offsetFormats.set(timeZone, format);
  }
  const s = format(ms);
  const at = s.lastIndexOf('GMT') + 3;
  if (at < 3 || at >= s.length) return 0; // "GMT" alone is UTC
  const sign = s.charCodeAt(at) === 45 /* - */ || s.charCodeAt(at) === 0x2212 /* − */ ? -1 : 1;
  const h = digits(s, at + 1, 2);
  const m = s.length >= at + 6 ? digits(s, at + 4, 2) : 0;
  const sec = s.length >= at + 9 ? digits(s, at + 7, 2) : 0;
  return sign * ((h * 60 + m) * 60 + sec) * SECOND_MS;
}

function digits(s: string, at: number, len: number): number {
  let n = 0;
  for (let k = at; k < at + len; k++) n = n * 10 + (s.charCodeAt(k) - 48);
  return n;
}

/** RFC 3339 in UTC (`2026-03-08T07:00:00Z`), without the fraction when it is zero. */
export function isoUtc(ms: number): string {
  if (!Number.isFinite(ms) || ms < -8.64e15 || ms > 8.64e15) return String(ms);
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

/**
 * A zone's offsets over a range: `offsetsMs[k]` applies from `startsMs[k]` (epoch ms UTC) until
 * `startsMs[k + 1]`; the first entry also applies before the range and the last one after it.
 */
export interface OffsetTable {
  readonly startsMs: readonly number[];
  readonly offsetsMs: readonly number[];
}

/**
 * The zone's offsets over [fromMs, toMs] (epoch ms UTC), sampled once a day (SAMPLE_MS) with each
 * change located to the second by bisection (about 17 Intl calls per change; tzdb changes happen on
 * whole seconds). About 1,100 Intl calls (~2 µs each) for three years.
 */
export function offsetTable(timeZone: string, fromMs: number, toMs: number): OffsetTable {
  let t = Math.floor(fromMs / SECOND_MS) * SECOND_MS;
  let o = utcOffsetMs(timeZone, t);
  const startsMs = [-Infinity];
  const offsetsMs = [o];
  while (t < toMs) {
    const next = t + SAMPLE_MS;
    const o2 = utcOffsetMs(timeZone, next);
    if (o2 !== o) {
      let lo = t; // offset o at lo, o2 at hi
      let hi = next;
      while (hi - lo > SECOND_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / SECOND_MS) * SECOND_MS;
        if (utcOffsetMs(timeZone, mid) === o) lo = mid;
        else hi = mid;
      }
      startsMs.push(hi);
      offsetsMs.push(o2);
      o = o2;
    }
    t = next;
  }
  return { startsMs, offsetsMs };
}

/**
 * The first instant (epoch ms UTC) whose local wall-clock time is at or after `localMs` (local time
 * written as if it were UTC ms). A time skipped by a spring-forward change maps to the change itself
 * (a day that starts in the gap starts at the change); a repeated time maps to its first occurrence.
 * Only valid inside the range the table was built for.
 */
export function firstInstantAtOrAfter(table: OffsetTable, localMs: number): number {
  const { startsMs, offsetsMs } = table;
  // local(t) = t + offset(t) rises within each segment; the first segment that reaches localMs holds it.
  for (let k = 0; k < startsMs.length; k++) {
    const t = Math.max(startsMs[k]!, localMs - offsetsMs[k]!);
    const end = k + 1 < startsMs.length ? startsMs[k + 1]! : Infinity;
    if (t < end) return t;
  }
  return localMs - offsetsMs[offsetsMs.length - 1]!;
}
