/**
 * Local time for the simulator: the zone's UTC offsets over a range (located to the minute), local
 * wall-clock to UTC, and the US holidays that set a local day's type.
 */
import { tzOffset } from '@date-fns/tz';

/** @internal */
export const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
/** @internal */
export const DAY_MS = 24 * HOUR_MS;
/** @internal */
export const MINUTES_PER_DAY = 24 * 60;

/** @internal The zone's offset (ms) applies from `fromMs` until the next segment's `fromMs`. */
export interface OffsetSegment {
  fromMs: number;
  offsetMs: number;
}

function offsetMsAt(zone: string, tMs: number): number {
  const m = tzOffset(zone, new Date(tMs));
  if (!Number.isFinite(m)) throw new RangeError(`unknown time zone '${zone}'`);
  return Math.round(m * MINUTE_MS);
}

/**
 * The zone's offsets over [fromMs, toMs): sampled once a day, with each change located to the minute
 * by bisection (about 11 `tzOffset` calls per DST change). Assumes at most one change per day.
 *
 * @internal
 */
export function offsetSegments(zone: string, fromMs: number, toMs: number): OffsetSegment[] {
  let t = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
  let o = offsetMsAt(zone, t);
  const segs: OffsetSegment[] = [{ fromMs: -Infinity, offsetMs: o }];
  while (t < toMs) {
    const next = Math.min(t + DAY_MS, Math.ceil(toMs / MINUTE_MS) * MINUTE_MS);
    const o2 = offsetMsAt(zone, next);
    if (o2 !== o) {
      let lo = t;
      let hi = next;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
        if (offsetMsAt(zone, mid) === o) lo = mid;
        else hi = mid;
      }
      segs.push({ fromMs: hi, offsetMs: o2 });
      o = o2;
    }
    t = next;
  }
  return segs;
}

/** @internal UTC instant of a local wall-clock time (ms since the epoch as if local were UTC). */
export function localToUtc(zone: string, localMs: number): number {
  const o1 = offsetMsAt(zone, localMs);
  const o2 = offsetMsAt(zone, localMs - o1);
  return localMs - o2;
}

/**
 * US federal holidays that businesses and plants commonly close for (New Year's Day, Memorial Day,
 * Independence Day, Labor Day, Thanksgiving, Christmas; 5 U.S.C. 6103), with the federal observed-day
 * shift (Saturday to Friday, Sunday to Monday).
 *
 * @internal
 */
export function isObservedHoliday(dayNumber: number): boolean {
  const fixed = (dn: number): boolean => {
    const d = new Date(dn * DAY_MS);
    const m = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    return (m === 1 && day === 1) || (m === 7 && day === 4) || (m === 12 && day === 25);
  };
  const d = new Date(dayNumber * DAY_MS);
  const dow = d.getUTCDay();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  if (dow >= 1 && dow <= 5 && fixed(dayNumber)) return true;
  if (dow === 5 && fixed(dayNumber + 1)) return true;
  if (dow === 1 && fixed(dayNumber - 1)) return true;
  if (m === 5 && dow === 1 && day >= 25) return true; // Memorial Day: last Monday of May
  if (m === 9 && dow === 1 && day <= 7) return true; // Labor Day: first Monday of September
  if (m === 11 && dow === 4 && day >= 22 && day <= 28) return true; // Thanksgiving: fourth Thursday
  return false;
}
