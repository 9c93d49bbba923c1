/**
 * Parsing and validation of MQTT ingest payloads (CONTRACT.md "MQTT"). Pure: bytes and the caller's
 * clock in, readings and rejections out. Every rejection carries an `ErrorCodes` code from src/errors.ts
 * and a short detail that starts with the JSON path; the ingest worker turns each into a dead letter and
 * stores the rest of the message (CONTRACT.md "MQTT": "the rest of the message is still stored").
 *
 * Decisions the contract leaves open:
 * - Unknown extra keys, at the top level and in each reading or event, are allowed and ignored: the
 *   contract may add fields ("add to them freely"), and old workers must keep accepting new meters.
 * - A `value` that is present but not a finite JSON number (a string such as "12.5" or "NaN", null,
 *   true, an object, or 1e999, which JSON.parse turns into Infinity) is KM_INGEST_NOT_FINITE, whose
 *   title says exactly that; a missing `value` is KM_INGEST_SCHEMA.
 * - Several readings for the same (channel, ts) in one message are all returned; the writer decides
 *   (same value: no-op, different value: conflict).
 * - One rejection per bad reading: the first failing field in the order channel, ts, value, quality.
 */
import { CHANNEL_KINDS, type ChannelKind } from '../channels.js';
import { isoUtc, utcOffsetMs } from '../time-zone.js';

/** The ingest subset of src/errors.ts `ErrorCodes` (core may not import src/errors.ts). */
export type IngestRejectCode =
  | 'KM_INGEST_BAD_TOPIC' // not produced here; the worker rejects a topic parseTopic does not accept
  | 'KM_INGEST_PAYLOAD_TOO_LARGE'
  | 'KM_INGEST_BAD_JSON'
  | 'KM_INGEST_SCHEMA'
  | 'KM_INGEST_UNKNOWN_CHANNEL'
  | 'KM_INGEST_BAD_TIMESTAMP'
  | 'KM_INGEST_OFF_GRID'
  | 'KM_INGEST_FUTURE'
  | 'KM_INGEST_NOT_FINITE'
  | 'KM_INGEST_UNKNOWN_METER';

/** One reading that passed the payload checks. `quality`: 0 actual, 1 estimated. */
export interface RawReading {
  /** Position in the message's `readings` array. */
  index: number;
  kind: ChannelKind;
  /** Start of the interval, epoch milliseconds (UTC). */
  tsMs: number;
  value: number;
  quality: 0 | 1;
}

export interface Rejection {
  /** Position in the message's array, or null when the whole message is rejected. */
  index: number | null;
  code: IngestRejectCode;
  /** Short and human-readable, starting with the JSON path: `readings[3].ts: ...`. */
  detail: string;
  /** The offending reading or event as parsed JSON, when there is one (kept as the dead letter payload). */
  item?: unknown;
}

export interface ParsedReadings {
  readings: RawReading[];
  rejections: Rejection[];
}

/** A channel of the meter a message is for, as stored. */
export interface ChannelInfo {
  channelId: number;
  intervalMinutes: number;
  /** The site's IANA zone; the 30- and 60-minute grids are in its local time. */
  timezone: string;
}

export interface AcceptedReading {
  index: number;
  channelId: number;
  /** Start of the interval, epoch milliseconds (UTC). */
  tsMs: number;
  value: number;
  quality: 0 | 1;
}

export type EventType = 'power_off' | 'power_on';

export interface RawEvent {
  index: number;
  type: EventType;
  /** When it happened, epoch milliseconds (UTC). Events are instants, not intervals: no grid. */
  tsMs: number;
}

export interface ParsedEvents {
  events: RawEvent[];
  rejections: Rejection[];
}

/**
 * Largest payload parsed: 1 MiB, about 15,000 readings of ~65 bytes (hours of 1-minute data for every
 * kind of a meter). The bound keeps one message from holding the worker's memory; the client can announce
 * the same limit to the broker (MQTT v5.0 §3.1.2.11.4 Maximum Packet Size).
 */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** A dead letter keeps at most this much of the payload (8 KiB): enough to diagnose, bounded in storage. */
export const DEAD_LETTER_PAYLOAD_BYTES = 8 * 1024;

/**
 * How far past the caller's clock an interval may start: 15 minutes, for meter clock skew. A meter
 * publishing the interval that is running now is not rejected for a few minutes of drift.
 */
export const MAX_FUTURE_MS = 15 * 60_000;

const MS_PER_MINUTE = 60_000;

/** Timestamps outside [1970-01-01, 2201-01-01) UTC are rejected as absurd (the contract stores instants since the epoch). */
const TS_MIN_MS = 0;
const TS_MAX_MS = Date.UTC(2201, 0, 1);

const KIND_SET: ReadonlySet<string> = new Set<string>(CHANNEL_KINDS);

// WHATWG Encoding: fatal mode throws on malformed UTF-8 instead of inserting U+FFFD. A leading BOM is
// dropped, which RFC 8259 §8.1 allows a parser to do.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/* ------------------------------------------------------------------------------------------------ */
/* Whole-message checks                                                                              */

type Envelope = { items: unknown[] } | { rejection: Rejection };

/** Size, UTF-8, JSON, and the `{ "<key>": [...] }` shape. Never throws. */
function openEnvelope(payload: Uint8Array, key: 'readings' | 'events'): Envelope {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    return whole('KM_INGEST_PAYLOAD_TOO_LARGE', `(root): payload is ${payload.byteLength} bytes; the limit is ${MAX_PAYLOAD_BYTES}`);
  }
  let text: string;
  try {
    text = UTF8.decode(payload);
  } catch {
    return whole('KM_INGEST_BAD_JSON', '(root): payload is not valid UTF-8');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : 'parse error';
    return whole('KM_INGEST_BAD_JSON', `(root): invalid JSON: ${clip(why, 120)}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return whole('KM_INGEST_SCHEMA', `(root): must be an object with a "${key}" array, got ${typeName(doc)}`);
  }
  const items = (doc as Record<string, unknown>)[key];
  if (items === undefined) return whole('KM_INGEST_SCHEMA', `${key}: required`);
  if (!Array.isArray(items)) return whole('KM_INGEST_SCHEMA', `${key}: must be an array, got ${typeName(items)}`);
  return { items };
}

function whole(code: IngestRejectCode, detail: string): { rejection: Rejection } {
  return { rejection: { index: null, code, detail } };
}

/* ------------------------------------------------------------------------------------------------ */
/* Readings                                                                                          */

/**
 * Parses a readings message: `{"readings": [{"channel", "ts", "value", "quality"?}]}` (CONTRACT.md "MQTT").
 * Whole-message problems (size over MAX_PAYLOAD_BYTES, bad UTF-8 or JSON, no `readings` array) give one
 * rejection with index null and no readings. Otherwise each reading is checked on its own: the good ones
 * are returned, each bad one gives one rejection with its index. `ts` is the START of the interval
 * (RFC 3339 with Z or an offset, or epoch ms); grid, future and the meter's channels are checked later by
 * validateAgainstChannels. An empty `readings` array is valid. Never throws, whatever the bytes.
 */
export function parseReadingsPayload(payload: Uint8Array): ParsedReadings {
  const readings: RawReading[] = [];
  const rejections: Rejection[] = [];
  const env = openEnvelope(payload, 'readings');
  if ('rejection' in env) {
    rejections.push(env.rejection);
    return { readings, rejections };
  }
  const items = env.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      rejections.push({ index: i, code: 'KM_INGEST_SCHEMA', detail: `readings[${i}]: must be an object, got ${typeName(item)}`, item });
      continue;
    }
    const r = item as Record<string, unknown>;

    const channel = r['channel'];
    if (typeof channel !== 'string') {
      rejections.push({ index: i, code: 'KM_INGEST_SCHEMA', detail: `readings[${i}].channel: ${channel === undefined ? 'required' : `must be a string, got ${typeName(channel)}`}`, item });
      continue;
    }
    if (!KIND_SET.has(channel)) {
      rejections.push({ index: i, code: 'KM_INGEST_UNKNOWN_CHANNEL', detail: `readings[${i}].channel: unknown kind ${quote(channel)}`, item });
      continue;
    }

    const ts = r['ts'];
    const tsMs = parseTs(ts);
    if (tsMs < 0) {
      rejections.push(tsRejection(`readings[${i}].ts`, tsMs, ts, i, item));
      continue;
    }

    const value = r['value'];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      rejections.push(valueRejection(i, value, item));
      continue;
    }

    const q = r['quality'];
    let quality: 0 | 1;
    if (q === undefined || q === 'actual') quality = 0;
    else if (q === 'estimated') quality = 1;
    else {
      rejections.push({ index: i, code: 'KM_INGEST_SCHEMA', detail: `readings[${i}].quality: must be 'actual' or 'estimated', got ${describe(q)}`, item });
      continue;
    }

    readings.push({ index: i, kind: channel as ChannelKind, tsMs, value, quality });
  }
  return { readings, rejections };
}

function valueRejection(i: number, value: unknown, item: unknown): Rejection {
  if (value === undefined) return { index: i, code: 'KM_INGEST_SCHEMA', detail: `readings[${i}].value: required`, item };
  const got = typeof value === 'number' ? 'a number too large for a double' : describe(value);
  return { index: i, code: 'KM_INGEST_NOT_FINITE', detail: `readings[${i}].value: must be a finite JSON number, got ${got}`, item };
}

/* ------------------------------------------------------------------------------------------------ */
/* Events                                                                                            */

/**
 * Parses an events message: `{"events": [{"type": "power_off" | "power_on", "ts": "..."}]}` (CONTRACT.md
 * "MQTT"). Same whole-message and timestamp rules as parseReadingsPayload; a bad `type` is
 * KM_INGEST_SCHEMA. Never throws, whatever the bytes.
 */
export function parseEventsPayload(payload: Uint8Array): ParsedEvents {
  const events: RawEvent[] = [];
  const rejections: Rejection[] = [];
  const env = openEnvelope(payload, 'events');
  if ('rejection' in env) {
    rejections.push(env.rejection);
    return { events, rejections };
  }
  const items = env.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      rejections.push({ index: i, code: 'KM_INGEST_SCHEMA', detail: `events[${i}]: must be an object, got ${typeName(item)}`, item });
      continue;
    }
    const e = item as Record<string, unknown>;
    const type = e['type'];
    if (type !== 'power_off' && type !== 'power_on') {
      const why = type === undefined ? 'required' : `must be 'power_off' or 'power_on', got ${describe(type)}`;
      rejections.push({ index: i, code: 'KM_INGEST_SCHEMA', detail: `events[${i}].type: ${why}`, item });
      continue;
    }
    const ts = e['ts'];
    const tsMs = parseTs(ts);
    if (tsMs < 0) {
      rejections.push(tsRejection(`events[${i}].ts`, tsMs, ts, i, item));
      continue;
    }
    events.push({ index: i, type, tsMs });
  }
  return { events, rejections };
}

/* ------------------------------------------------------------------------------------------------ */
/* Timestamps                                                                                        */

// parseTs returns epoch ms (>= 0) or one of these negative codes, so that the good path allocates nothing.
const TS_MISSING = -1;
const TS_WRONG_TYPE = -2;
const TS_NOT_RFC3339 = -3;
const TS_NO_OFFSET = -4;
const TS_NOT_A_DATE = -5;
const TS_SUB_MS = -6;
const TS_OUT_OF_RANGE = -7;
const TS_BAD_EPOCH = -8;

/**
 * RFC 3339 §5.6 `date-time`: full-date "T" full-time, where full-time ends in "Z" or a numeric
 * `time-numoffset`. Lower-case "t"/"z" and a space as separator are allowed by §5.6 (NOTE).
 * Seconds are required; up to 9 fraction digits.
 */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;
/** A local date-time with no offset: never guessed (STYLE §9), reported as such. */
const NAIVE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * `ts` as epoch ms, or a negative TS_* code. Strings are checked against the RFC 3339 grammar and then
 * each field against its range (day against the month's length, so 2026-02-30 is rejected, which
 * Date.parse turns into March 2). Second 60 is rejected: epoch time has no leap seconds and no interval
 * starts on one. Numbers are integer epoch ms.
 */
function parseTs(ts: unknown): number {
  if (typeof ts === 'number') {
    if (!Number.isInteger(ts) || ts < 0) return TS_BAD_EPOCH;
    if (ts >= TS_MAX_MS) return TS_OUT_OF_RANGE;
    return ts === 0 ? 0 : ts; // -0 becomes 0
  }
  if (typeof ts !== 'string') return ts === undefined ? TS_MISSING : TS_WRONG_TYPE;
  if (!RFC3339.test(ts)) return NAIVE.test(ts) ? TS_NO_OFFSET : TS_NOT_RFC3339;

  const year = digits(ts, 0, 4);
  const month = digits(ts, 5, 2);
  const day = digits(ts, 8, 2);
  const hour = digits(ts, 11, 2);
  const minute = digits(ts, 14, 2);
  const second = digits(ts, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return TS_NOT_A_DATE;
  if (hour > 23 || minute > 59 || second > 59) return TS_NOT_A_DATE;

  let pos = 19;
  let ms = 0;
  if (ts.charCodeAt(pos) === 46 /* . */) {
    pos++;
    let n = 0;
    while (pos < ts.length) {
      const c = ts.charCodeAt(pos);
      if (c < 48 || c > 57) break;
      if (n < 3) ms = ms * 10 + (c - 48);
      else if (c !== 48) return TS_SUB_MS;
      n++;
      pos++;
    }
    for (; n < 3; n++) ms *= 10;
  }
  let offsetMin = 0;
  const sign = ts.charCodeAt(pos);
  if (sign === 43 /* + */ || sign === 45 /* - */) {
    const oh = digits(ts, pos + 1, 2);
    const om = digits(ts, pos + 4, 2);
    if (oh > 23 || om > 59) return TS_NOT_A_DATE; // RFC 3339 §5.6 time-numoffset: time-hour ":" time-minute
    offsetMin = (sign === 45 ? -1 : 1) * (oh * 60 + om); // "-00:00" (offset unknown, §4.3) is still UTC
  }
  // Years outside the range are refused before Date.UTC, which maps years 0..99 to 1900..1999.
  if (year < 1969 || year > 2201) return TS_OUT_OF_RANGE;
  const tsMs = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * MS_PER_MINUTE;
  if (tsMs < TS_MIN_MS || tsMs >= TS_MAX_MS) return TS_OUT_OF_RANGE;
  return tsMs === 0 ? 0 : tsMs;
}

function tsRejection(path: string, code: number, ts: unknown, index: number, item: unknown): Rejection {
  switch (code) {
    case TS_MISSING:
      return { index, code: 'KM_INGEST_SCHEMA', detail: `${path}: required`, item };
    case TS_WRONG_TYPE:
      return { index, code: 'KM_INGEST_SCHEMA', detail: `${path}: must be an RFC 3339 string or epoch milliseconds, got ${typeName(ts)}`, item };
    case TS_NO_OFFSET:
      return { index, code: 'KM_INGEST_BAD_TIMESTAMP', detail: `${path}: ${quote(ts)} has no offset; add Z or ±hh:mm (local times are never guessed)`, item };
    case TS_NOT_A_DATE:
      return { index, code: 'KM_INGEST_BAD_TIMESTAMP', detail: `${path}: ${quote(ts)} is not a valid date and time`, item };
    case TS_SUB_MS:
      return { index, code: 'KM_INGEST_BAD_TIMESTAMP', detail: `${path}: ${quote(ts)} is more precise than a millisecond`, item };
    case TS_OUT_OF_RANGE:
      return { index, code: 'KM_INGEST_BAD_TIMESTAMP', detail: `${path}: ${describe(ts)} is outside the years 1970..2200`, item };
    case TS_BAD_EPOCH:
      return { index, code: 'KM_INGEST_BAD_TIMESTAMP', detail: `${path}: epoch milliseconds must be a non-negative integer, got ${describe(ts)}`, item };
    default:
      return { index, code: 'KM_INGEST_BAD_TIMESTAMP', detail: `${path}: ${quote(ts)} is not an RFC 3339 date-time with Z or an offset`, item };
  }
}

/** The decimal value of `len` ASCII digits at `at` (the caller's regex has checked they are digits). */
function digits(s: string, at: number, len: number): number {
  let n = 0;
  for (let k = at; k < at + len; k++) n = n * 10 + (s.charCodeAt(k) - 48);
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/* ------------------------------------------------------------------------------------------------ */
/* Channels: meter, grid, future                                                                     */

/**
 * Checks parsed readings against the meter's channels and the caller's clock.
 *
 * - The kind must be one of the meter's channels, else KM_INGEST_UNKNOWN_CHANNEL.
 * - `tsMs` must start an interval of the channel's grid, else KM_INGEST_OFF_GRID with the nearest starts.
 *   The grid is the site's local clock: `(tsMs + utcOffset) % interval === 0`, so a 60-minute channel in
 *   Asia/Kolkata (+05:30) starts at 04:30Z. Where the offset is a multiple of the interval (every 15-minute
 *   channel outside the rare non-quarter-hour offsets; every interval in UTC) this is exactly the UTC grid
 *   `tsMs % interval === 0`; where it is not (+05:45 Asia/Kathmandu, +08:45 Australia/Eucla, +12:45
 *   Pacific/Chatham with 10-, 30- or 60-minute intervals) the local rule is the one that matches the meter.
 *   Intervals are half-open [start, start + interval).
 * - The interval must start no later than `nowMs + MAX_FUTURE_MS`, else KM_INGEST_FUTURE.
 *
 * A rejection's `item` is the reading re-encoded as in the contract (`ts` in UTC), since RawReading
 * does not keep the original JSON. Throws RangeError if a channel's timezone is not an IANA zone; the
 * bundle schema guarantees it is, so that is a bug, not a bad message.
 *
 * @param nowMs the caller's clock, epoch ms
 */
export function validateAgainstChannels(
  readings: readonly RawReading[],
  channels: ReadonlyMap<ChannelKind, ChannelInfo>,
  nowMs: number,
): { accepted: AcceptedReading[]; rejections: Rejection[] } {
  const accepted: AcceptedReading[] = [];
  const rejections: Rejection[] = [];
  const latestStartMs = nowMs + MAX_FUTURE_MS;
  for (const r of readings) {
    const i = r.index;
    const ch = channels.get(r.kind);
    if (ch === undefined) {
      rejections.push({ index: i, code: 'KM_INGEST_UNKNOWN_CHANNEL', detail: `readings[${i}].channel: meter has no '${r.kind}' channel`, item: itemOf(r) });
      continue;
    }
    const intervalMs = ch.intervalMinutes * MS_PER_MINUTE;
    const offsetMs = utcOffsetMs(ch.timezone, r.tsMs);
    const phase = mod(r.tsMs + offsetMs, intervalMs);
    if (phase !== 0) {
      const before = r.tsMs - phase;
      const where = offsetMs % intervalMs === 0 ? '' : ` (${ch.timezone} local time)`;
      rejections.push({
        index: i,
        code: 'KM_INGEST_OFF_GRID',
        detail: `readings[${i}].ts: ${isoUtc(r.tsMs)} is not on the ${ch.intervalMinutes}-minute grid${where}; nearest starts ${isoUtc(before)} and ${isoUtc(before + intervalMs)}`,
        item: itemOf(r),
      });
      continue;
    }
    if (r.tsMs > latestStartMs) {
      rejections.push({
        index: i,
        code: 'KM_INGEST_FUTURE',
        detail: `readings[${i}].ts: ${isoUtc(r.tsMs)} starts more than ${MAX_FUTURE_MS / MS_PER_MINUTE} minutes after now (${isoUtc(nowMs)})`,
        item: itemOf(r),
      });
      continue;
    }
    accepted.push({ index: i, channelId: ch.channelId, tsMs: r.tsMs, value: r.value, quality: r.quality });
  }
  return { accepted, rejections };
}

/** Non-negative remainder (NaN when the interval is not a positive number, which then counts as off grid). */
function mod(a: number, m: number): number {
  const x = a % m;
  return x < 0 ? x + m : x;
}

function itemOf(r: RawReading): unknown {
  return { channel: r.kind, ts: isoUtc(r.tsMs), value: r.value, quality: r.quality === 1 ? 'estimated' : 'actual' };
}

/* ------------------------------------------------------------------------------------------------ */
/* Details                                                                                           */

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'object': return 'an object';
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'boolean': return 'a boolean';
    default: return typeof v;
  }
}

/** A short rendering of a JSON scalar for a detail; containers only by type (never stringified: depth is unbounded). */
function describe(v: unknown): string {
  if (typeof v === 'string') return `the string ${quote(v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return typeName(v);
}

function quote(v: unknown): string {
  return `'${clip(String(v), 40)}'`;
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
