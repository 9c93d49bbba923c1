/**
 * ESPI LocalTimeParameters: the local time of a UsagePoint as a standard offset (`tzOffset`, s), a
 * daylight-saving shift (`dstOffset`, s) and two DstRuleType rules. ESPI timestamps are UTC epoch
 * seconds, so Keymeter never needs these to place a reading; the import compares them with the site's
 * IANA zone (a file for the wrong meter often shows up there first) and the export writes them.
 *
 * DstRuleType (ESPI schema, DstRuleType annotation): a 32-bit rule written as 8 hex digits.
 *   bits  0-11 seconds 0-3599, bits 12-16 hours 0-23, bits 17-19 day of week (1 = Monday .. 7 = Sunday,
 *   0 = n/a), bits 20-24 day of month (0 = n/a), bits 25-27 operator, bits 28-31 month 1-12;
 *   0xFFFFFFFF disables DST. Operators: 0 on the day of the month; 1 the day of week on or after the
 *   day of the month; 2..6 its 1st..5th occurrence in the month; 7 its last occurrence.
 * The schema's worked example, "third Friday in March at 1:45 AM", is seconds 2700, hours 1, day of week
 * 5, operator 4, month 3 (0x380A1A8C); the Green Button samples' North American rules are 360E2000
 * (second Sunday of March, 02:00) and B40E2000 (first Sunday of November, 02:00). The rule's time is the
 * wall-clock time just before the change (02:00 standard time in March, 02:00 daylight time in
 * November), which is what the export writes.
 */
import { DAY_MS, offsetTable } from '../time-zone.js';

export const DST_RULE_DISABLED = 0xffffffff;

export interface LocalTimeParameters {
  dstEndRule: number;
  /** Seconds added during DST. */
  dstOffsetS: number;
  dstStartRule: number;
  /** Standard time offset from UTC, seconds (negative west of Greenwich). */
  tzOffsetS: number;
}

export interface DstRule {
  month: number;
  operator: number;
  /** 0 = not applicable. */
  dayOfMonth: number;
  /** 1 = Monday .. 7 = Sunday; 0 = not applicable. */
  dayOfWeek: number;
  hour: number;
  seconds: number;
}

/** The rule's fields, or null when it disables DST. Throws RangeError for fields out of range. */
export function decodeDstRule(rule: number): DstRule | null {
  if (rule === DST_RULE_DISABLED) return null;
  const r: DstRule = {
    seconds: rule & 0xfff,
    hour: (rule >>> 12) & 0x1f,
    dayOfWeek: (rule >>> 17) & 0x7,
    dayOfMonth: (rule >>> 20) & 0x1f,
    operator: (rule >>> 25) & 0x7,
    month: (rule >>> 28) & 0xf,
  };
  if (r.seconds > 3599 || r.hour > 23 || r.month < 1 || r.month > 12) throw new RangeError(`DST rule ${hex8(rule)} is out of range`);
  return r;
}

export function encodeDstRule(r: DstRule): number {
  return ((r.month << 28) | (r.operator << 25) | (r.dayOfMonth << 20) | (r.dayOfWeek << 17) | (r.hour << 12) | r.seconds) >>> 0;
}

/** A rule as the 8 upper-case hex digits ESPI writes. */
export function hex8(rule: number): string {
  return (rule >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** ISO day of week (1 = Monday .. 7 = Sunday) of a UTC day number (days since 1970-01-01, a Thursday). */
function isoDow(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** The local wall-clock time (ms, written as if UTC) at which `rule` fires in `year`. */
export function dstRuleLocalMs(rule: DstRule, year: number): number {
  const first = Date.UTC(year, rule.month - 1, 1) / DAY_MS;
  const daysInMonth = Date.UTC(year, rule.month, 1) / DAY_MS - first;
  let day: number; // 0-based day of the month
  if (rule.operator === 0) day = rule.dayOfMonth - 1;
  else if (rule.operator === 1) {
    const from = first + rule.dayOfMonth - 1;
    day = from - first + ((rule.dayOfWeek - isoDow(from) + 7) % 7);
  } else if (rule.operator === 7) {
    const last = first + daysInMonth - 1;
    day = daysInMonth - 1 - ((isoDow(last) - rule.dayOfWeek + 7) % 7);
  } else {
    day = ((rule.dayOfWeek - isoDow(first) + 7) % 7) + 7 * (rule.operator - 2);
  }
  return (first + day) * DAY_MS + rule.hour * 3_600_000 + rule.seconds * 1000;
}

/** The rule that fires at local wall-clock time `localMs`: the nth (or last) weekday of its month. */
function ruleAt(localMs: number): number {
  const dayNumber = Math.floor(localMs / DAY_MS);
  const d = new Date(dayNumber * DAY_MS);
  const dom = d.getUTCDate();
  const daysInMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  const secondsOfDay = Math.round((localMs - dayNumber * DAY_MS) / 1000);
  return encodeDstRule({
    month: d.getUTCMonth() + 1,
    // The last week of the month is written as "last" (7): rules such as the EU's "last Sunday" need it.
    operator: dom + 7 > daysInMonth ? 7 : 2 + Math.floor((dom - 1) / 7),
    dayOfMonth: 0,
    dayOfWeek: isoDow(dayNumber),
    hour: Math.floor(secondsOfDay / 3600),
    seconds: secondsOfDay % 3600,
  });
}

/**
 * LocalTimeParameters for an IANA zone, from its offset changes in the UTC year of `atMs`: the standard
 * offset is the smaller one; with no change that year, DST is disabled. Rules are derived from that
 * year's change dates (the nth or last weekday); zones whose rules are not weekday-based (a fixed date,
 * a lunar calendar) get that year's dates, as close as ESPI's encoding allows.
 */
export function localTimeParametersFor(timeZone: string, atMs: number): LocalTimeParameters {
  const year = new Date(atMs).getUTCFullYear();
  const from = Date.UTC(year, 0, 1);
  const table = offsetTable(timeZone, from, Date.UTC(year + 1, 0, 1));
  const offsets = table.offsetsMs;
  const changes = table.startsMs.slice(1);
  if (changes.length < 2) {
    const o = offsets[offsets.length - 1]!;
    return { tzOffsetS: o / 1000, dstOffsetS: 0, dstStartRule: DST_RULE_DISABLED, dstEndRule: DST_RULE_DISABLED };
  }
  const std = Math.min(...offsets);
  const dst = Math.max(...offsets);
  let start = 0;
  let end = 0;
  for (let k = 1; k < offsets.length; k++) {
    const before = offsets[k - 1]!;
    const at = table.startsMs[k]!;
    if (offsets[k]! > before) start = ruleAt(at + before);
    else end = ruleAt(at + before);
  }
  return { tzOffsetS: std / 1000, dstOffsetS: (dst - std) / 1000, dstStartRule: start, dstEndRule: end };
}

/** `UTC-08:00` for an offset in seconds. */
export function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const m = Math.abs(seconds) / 60;
  return `UTC${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * Where a file's LocalTimeParameters disagree with the site's zone in the year of `atMs`: a short
 * sentence, or undefined when the standard offset, the DST shift and that year's DST dates agree.
 */
export function localTimeMismatch(ltp: LocalTimeParameters, timeZone: string, atMs: number): string | undefined {
  const site = localTimeParametersFor(timeZone, atMs);
  const year = new Date(atMs).getUTCFullYear();
  const when = (rule: number): string => {
    const r = decodeDstRule(rule);
    return r === null ? 'none' : new Date(dstRuleLocalMs(r, year)).toISOString().slice(0, 16).replace('T', ' ');
  };
  const describe = (p: LocalTimeParameters): string =>
    `${formatOffset(p.tzOffsetS)}${p.dstOffsetS === 0 ? ', no DST' : `, DST +${p.dstOffsetS / 60} min from ${when(p.dstStartRule)} to ${when(p.dstEndRule)}`}`;
  const a = describe(ltp);
  const b = describe(site);
  return a === b ? undefined : `the file's LocalTimeParameters (${a}) differ from the site's zone ${timeZone} (${b}) in ${year}`;
}
