import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { CHANNEL_KINDS } from '../../src/core/channels.js';
import { parseEventsPayload, parseReadingsPayload, type Rejection } from '../../src/core/ingest/payload.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** JSON text of anything fast-check makes (bigints as strings, undefined array items become null). */
const encode = (v: unknown): Uint8Array =>
  utf8(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'null');

const CODES = new Set([
  'KM_INGEST_PAYLOAD_TOO_LARGE', 'KM_INGEST_BAD_JSON', 'KM_INGEST_SCHEMA', 'KM_INGEST_UNKNOWN_CHANNEL',
  'KM_INGEST_BAD_TIMESTAMP', 'KM_INGEST_OFF_GRID', 'KM_INGEST_FUTURE', 'KM_INGEST_NOT_FINITE', 'KM_INGEST_UNKNOWN_METER',
]);
const QUARTER_MS = 15 * 60_000;
const QUARTERS_TO_2201 = Math.floor(Date.UTC(2201, 0, 1) / QUARTER_MS); // ts < 2201-01-01T00:00:00Z

/** Items that look like readings in places, so the deeper checks run as well as the first ones. */
const readingLike = fc.record({
  channel: fc.oneof(fc.constantFrom(...CHANNEL_KINDS), fc.anything()),
  ts: fc.oneof(
    fc.integer({ min: 0, max: QUARTERS_TO_2201 - 1 }).map((q) => new Date(q * QUARTER_MS).toISOString()),
    fc.integer({ min: 0, max: QUARTERS_TO_2201 - 1 }).map((q) => q * QUARTER_MS),
    fc.string(), fc.double(), fc.anything(),
  ),
  value: fc.oneof(fc.double(), fc.anything()),
  quality: fc.oneof(fc.constantFrom('actual', 'estimated'), fc.anything()),
  type: fc.oneof(fc.constantFrom('power_off', 'power_on'), fc.anything()),
}, { requiredKeys: [] });
const items = fc.array(fc.oneof(fc.anything(), readingLike), { maxLength: 20 });

/**
 * Every index 0..n-1 appears exactly once across the accepted list and the rejections, and no rejection
 * is for the whole message. Throws (node:assert) so that fast-check shrinks and reports the counterexample.
 */
function checkPartition(n: number, okIndexes: number[], rejections: Rejection[], key: string): void {
  const seen = [...okIndexes, ...rejections.map((r) => r.index)].sort((a, b) => (a ?? -1) - (b ?? -1));
  assert.deepStrictEqual(seen, Array.from({ length: n }, (_, i) => i));
  for (const r of rejections) {
    assert.ok(CODES.has(r.code), r.code);
    assert.ok(r.detail.startsWith(`${key}[${r.index}]`), r.detail);
  }
}

t.test('(a) parseReadingsPayload never throws, and accounts for every reading once', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    const r = parseReadingsPayload(bytes);
    return Array.isArray(r.readings) && Array.isArray(r.rejections);
  }), { numRuns: 1000 });
  t.pass('arbitrary bytes');
  fc.assert(fc.property(fc.jsonValue(), (v) => {
    const r = parseReadingsPayload(encode(v));
    return Array.isArray(r.readings) && Array.isArray(r.rejections);
  }), { numRuns: 500 });
  t.pass('arbitrary JSON values');
  fc.assert(fc.property(items, fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }), (list, extra) => {
    const r = parseReadingsPayload(encode({ ...extra, readings: list }));
    checkPartition(list.length, r.readings.map((x) => x.index), r.rejections, 'readings');
  }), { numRuns: 500 });
  t.pass('arbitrary items in a readings array');
});

t.test('(b) a valid reading round-trips', async (t) => {
  const offsetMin = fc.integer({ min: -48, max: 56 }).map((q) => q * 15); // -12:00 .. +14:00
  const reading = fc.record({
    kind: fc.constantFrom(...CHANNEL_KINDS),
    tsMs: fc.integer({ min: 0, max: QUARTERS_TO_2201 - 1 }).map((q) => q * QUARTER_MS),
    form: fc.constantFrom('epoch', 'Z', 'offset'),
    offsetMin,
    value: fc.double({ noNaN: true, noDefaultInfinity: true }),
    quality: fc.constantFrom(undefined, 'actual', 'estimated'),
  });
  fc.assert(fc.property(fc.array(reading, { maxLength: 20 }), (list) => {
    const json = list.map((g) => ({
      channel: g.kind,
      ts: g.form === 'epoch' ? g.tsMs : g.form === 'Z' ? new Date(g.tsMs).toISOString() : withOffset(g.tsMs, g.offsetMin),
      value: g.value,
      ...(g.quality === undefined ? {} : { quality: g.quality }),
    }));
    const r = parseReadingsPayload(encode({ readings: json }));
    assert.deepStrictEqual(r, {
      readings: list.map((g, index) => ({ index, kind: g.kind, tsMs: g.tsMs, value: g.value === 0 ? 0 : g.value, quality: g.quality === 'estimated' ? 1 : 0 })),
      rejections: [],
    });
  }), { numRuns: 300 });
  t.pass('generated valid readings');
});

/** RFC 3339 local time with a numeric offset, built by shifting the instant and formatting the fields. */
function withOffset(tsMs: number, offsetMin: number): string {
  const local = new Date(tsMs + offsetMin * 60_000).toISOString().slice(0, 19);
  const a = Math.abs(offsetMin);
  const hh = String(Math.floor(a / 60)).padStart(2, '0');
  const mm = String(a % 60).padStart(2, '0');
  return `${local}${offsetMin < 0 ? '-' : '+'}${hh}:${mm}`;
}

t.test('(c) parseEventsPayload never throws, and accounts for every event once', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    const r = parseEventsPayload(bytes);
    return Array.isArray(r.events) && Array.isArray(r.rejections);
  }), { numRuns: 1000 });
  t.pass('arbitrary bytes');
  fc.assert(fc.property(fc.jsonValue(), (v) => {
    const r = parseEventsPayload(encode(v));
    return Array.isArray(r.events) && Array.isArray(r.rejections);
  }), { numRuns: 500 });
  t.pass('arbitrary JSON values');
  fc.assert(fc.property(items, (list) => {
    const r = parseEventsPayload(encode({ events: list }));
    checkPartition(list.length, r.events.map((x) => x.index), r.rejections, 'events');
  }), { numRuns: 500 });
  t.pass('arbitrary items in an events array');
});
