/**
 * Timestamps in data files (CSV imports): ISO 8601 / RFC 3339 date-times with `Z` or an offset, or local
 * wall-clock times of a named IANA zone. Local times are resolved against the zone's rules (STYLE §9:
 * never the server's zone):
 * - a time skipped by a spring-forward change does not exist: the row is refused;
 * - a time repeated by a fall-back change has two instants: `resolveAmbiguous` below decides.
 */
import type { ZoneOffsets } from '../zone-offsets.js';

const MINUTE_MS = 60_000;

/**
 * `YYYY-MM-DD` `T` or space `HH:MM[:SS[.fraction]]`, then optionally `Z` or an offset `±HH:MM`, `±HHMM`
 * or `±HH` (ISO 8601 basic and extended offsets).
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

export type FileTimestamp =
  | { ok: true; /** Epoch ms UTC. */ tsMs: number; local: false }
  | { ok: true; /** The instants the local time names: 1, or 2 in a repeated hour. */ instantsMs: number[]; local: true }
  | { ok: false; reason: string };

/** A timestamp that parsed. */
export type ParsedFileTimestamp = Extract<FileTimestamp, { ok: true }>;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses a file timestamp. With an offset or `Z` the instant is exact and `zone` is not used; without
 * one, `zone` (the `--timezone` of the import) turns the local time into its instant(s), and without a
 * zone the timestamp is refused. Sub-millisecond fractions are refused, as is second 60.
 */
export function parseFileTimestamp(text: string, zone: ZoneOffsets | undefined): FileTimestamp {
  const m = DATE_TIME.exec(text);
  if (!m) return { ok: false, reason: `'${clip(text)}' is not an ISO 8601 date-time (YYYY-MM-DD HH:MM[:SS], with Z or an offset, or local with --timezone)` };
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const frac = m[7] ?? '';
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: `'${clip(text)}' is not a valid date and time` };
  }
  if (/[1-9]/.test(frac.slice(3))) return { ok: false, reason: `'${clip(text)}' is more precise than a millisecond` };
  if (year < 1970 || year > 2200) return { ok: false, reason: `'${clip(text)}' is outside the years 1970..2200` };
  const ms = frac === '' ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const localMs = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const off = m[8];
  if (off !== undefined) {
    if (off === 'Z' || off === 'z') return { ok: true, tsMs: localMs, local: false };
    const digits = off.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return { ok: false, reason: `'${clip(text)}' has an invalid offset` };
    const sign = off[0] === '-' ? -1 : 1;
    return { ok: true, tsMs: localMs - sign * (oh * 60 + om) * MINUTE_MS, local: false };
  }
  if (zone === undefined) return { ok: false, reason: `'${clip(text)}' has no offset; add Z or an offset, or name the zone of local times with --timezone` };
  const instantsMs = zone.instantsOf(localMs);
  if (instantsMs.length === 0) {
    return { ok: false, reason: `'${clip(text)}' does not exist in ${zone.timeZone}: the clocks skipped it at a daylight-saving change` };
  }
  return { ok: true, instantsMs, local: true };
}

/**
 * The instant of a local time, given the instants it names and those already taken in this file by the
 * same channel (wide format: the same row series). Rule for a repeated fall-back hour: the first time a
 * local time appears it is its first occurrence (daylight time); when that instant is already taken it
 * is the second occurrence (standard time). A file that lists the repeated hour twice, in order, so
 * reads both hours; a file that lists it once gets the daylight-time hour.
 *
 * @param taken instants of ambiguous local times already placed (per channel); updated here
 */
export function resolveLocal(instantsMs: readonly number[], taken: Set<number>): number {
  if (instantsMs.length === 1) return instantsMs[0]!;
  const first = instantsMs[0]!;
  const chosen = taken.has(first) ? instantsMs[instantsMs.length - 1]! : first;
  taken.add(chosen);
  return chosen;
}

function clip(s: string): string {
  return s.length <= 40 ? s : `${s.slice(0, 40)}…`;
}
