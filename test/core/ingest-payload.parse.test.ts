import t from 'tap';
import {
  DEAD_LETTER_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES, parseEventsPayload, parseReadingsPayload,
} from '../../src/core/ingest/payload.js';
import { EVENTS_FILTER, READINGS_FILTER, eventsTopic, parseTopic, readingsTopic } from '../../src/core/ingest/topic.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const readingsOf = (...items: string[]): Uint8Array => utf8(`{"readings": [${items.join(', ')}]}`);

// Epoch ms worked out by hand, not with Date:
// 1970-01-01 .. 2026-01-01 is 56 years with 14 leap days (1972..2024) = 20,454 days; + 4 days to 01-05
// = 20,458 days * 86,400,000 = 1,767,571,200,000 (2026-01-05T00:00:00Z).
const JAN5 = 1_767_571_200_000;
const H = 3_600_000;
const M = 60_000;
const T_1015Z = JAN5 + 10 * H + 15 * M; // 1,767,608,100,000

t.test('the contract example', async (t) => {
  const r = parseReadingsPayload(utf8('{"readings": [{"channel": "kwh_del", "ts": "2026-01-05T10:15:00Z", "value": 12.5}]}'));
  t.strictSame(r, { readings: [{ index: 0, kind: 'kwh_del', tsMs: 1_767_608_100_000, value: 12.5, quality: 0 }], rejections: [] });
});

t.test('timestamps: Z, offsets, fractions, epoch ms', async (t) => {
  const cases: [string, number][] = [
    ['"2026-01-05T10:15:00Z"', T_1015Z],
    ['"2026-01-05t10:15:00z"', T_1015Z], // RFC 3339 §5.6 NOTE: lower case allowed
    ['"2026-01-05 10:15:00Z"', T_1015Z], // ... and a space as separator
    ['"2026-01-05T10:15:00.000Z"', T_1015Z],
    ['"2026-01-05T10:15:00.250Z"', T_1015Z + 250],
    ['"2026-01-05T10:15:00.5Z"', T_1015Z + 500],
    ['"2026-01-05T10:15:00.123000000Z"', T_1015Z + 123],
    ['"2026-01-05T10:15:00+00:00"', T_1015Z],
    ['"2026-01-05T10:15:00-00:00"', T_1015Z], // RFC 3339 §4.3: unknown local offset, still UTC
    // 10:15 at +05:30 is 04:45Z: JAN5 + 4 h 45 min = 1,767,571,200,000 + 17,100,000
    ['"2026-01-05T10:15:00+05:30"', 1_767_588_300_000],
    // 10:15 at -06:00 is 16:15Z: JAN5 + 16 h 15 min = 1,767,571,200,000 + 58,500,000
    ['"2026-01-05T10:15:00-06:00"', 1_767_629_700_000],
    // crossing a day backwards: 00:15 at +05:45 is 2026-01-04T18:30Z = JAN5 - 5 h 30 min
    ['"2026-01-05T00:15:00+05:45"', JAN5 - 5 * H - 30 * M],
    // 2024-02-29 exists: 2024-01-01 is day 19,723 (54 years, 13 leap days) + 59 = 19,782 days
    ['"2024-02-29T00:00:00Z"', 19_782 * 86_400_000],
    ['"1970-01-01T00:00:00Z"', 0],
    ['"1970-01-01T01:00:00+01:00"', 0],
    ['1767608100000', T_1015Z],
    ['0', 0],
  ];
  for (const [ts, want] of cases) {
    t.strictSame(parseReadingsPayload(readingsOf(`{"channel": "kw", "ts": ${ts}, "value": 1}`)),
      { readings: [{ index: 0, kind: 'kw', tsMs: want, value: 1, quality: 0 }], rejections: [] }, ts);
  }
});

t.test('bad timestamps are rejected with the path and the reason', async (t) => {
  const cases: [string, string, string][] = [
    ['"2026-01-05T10:15:00"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2026-01-05T10:15:00' has no offset; add Z or ±hh:mm (local times are never guessed)"],
    ['"2026-01-05T10:15"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2026-01-05T10:15' has no offset; add Z or ±hh:mm (local times are never guessed)"],
    ['"2026-02-30T00:00:00Z"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2026-02-30T00:00:00Z' is not a valid date and time"],
    ['"2025-02-29T00:00:00Z"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2025-02-29T00:00:00Z' is not a valid date and time"],
    ['"2026-04-31T00:00:00Z"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2026-04-31T00:00:00Z' is not a valid date and time"],
    ['"2026-13-01T00:00:00Z"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2026-13-01T00:00:00Z' is not a valid date and time"],
    ['"2026-01-05T24:00:00Z"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2026-01-05T24:00:00Z' is not a valid date and time"],
    ['"2026-01-05T10:15:60Z"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2026-01-05T10:15:60Z' is not a valid date and time"],
    ['"2026-01-05T10:15:00+24:00"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2026-01-05T10:15:00+24:00' is not a valid date and time"],
    ['"2026-01-05T10:15:00.0001Z"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2026-01-05T10:15:00.0001Z' is more precise than a millisecond"],
    ['"2026-01-05T10:15:00+0530"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2026-01-05T10:15:00+0530' is not an RFC 3339 date-time with Z or an offset"],
    ['"2026-01-05"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: '2026-01-05' is not an RFC 3339 date-time with Z or an offset"],
    ['"Mon, 05 Jan 2026 10:15:00 GMT"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: 'Mon, 05 Jan 2026 10:15:00 GMT' is not an RFC 3339 date-time with Z or an offset"],
    ['"1969-12-31T23:59:59Z"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: the string '1969-12-31T23:59:59Z' is outside the years 1970..2200"],
    ['"2201-01-01T00:00:00Z"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: the string '2201-01-01T00:00:00Z' is outside the years 1970..2200"],
    ['"0099-01-01T00:00:00Z"', 'KM_INGEST_BAD_TIMESTAMP', "readings[0].ts: the string '0099-01-01T00:00:00Z' is outside the years 1970..2200"],
    ['1767608100000.5', 'KM_INGEST_BAD_TIMESTAMP', 'readings[0].ts: epoch milliseconds must be a non-negative integer, got 1767608100000.5'],
    ['-900000', 'KM_INGEST_BAD_TIMESTAMP', 'readings[0].ts: epoch milliseconds must be a non-negative integer, got -900000'],
    ['1e999', 'KM_INGEST_BAD_TIMESTAMP', 'readings[0].ts: epoch milliseconds must be a non-negative integer, got Infinity'],
    // 2201-01-01T00:00:00Z = 7,289,654,400,000 (231 years, 56 leap days: 84,371 days)
    ['7289654400000', 'KM_INGEST_BAD_TIMESTAMP', 'readings[0].ts: 7289654400000 is outside the years 1970..2200'],
    ['true', 'KM_INGEST_SCHEMA', 'readings[0].ts: must be an RFC 3339 string or epoch milliseconds, got a boolean'],
    ['null', 'KM_INGEST_SCHEMA', 'readings[0].ts: must be an RFC 3339 string or epoch milliseconds, got null'],
  ];
  for (const [ts, code, detail] of cases) {
    const item = JSON.parse(`{"channel": "kw", "ts": ${ts}, "value": 1}`) as unknown;
    t.strictSame(parseReadingsPayload(readingsOf(`{"channel": "kw", "ts": ${ts}, "value": 1}`)),
      { readings: [], rejections: [{ index: 0, code, detail, item }] }, ts);
  }
  t.strictSame(parseReadingsPayload(readingsOf('{"channel": "kw", "value": 1}')).rejections,
    [{ index: 0, code: 'KM_INGEST_SCHEMA', detail: 'readings[0].ts: required', item: { channel: 'kw', value: 1 } }]);
});

t.test('values: finite JSON numbers only', async (t) => {
  const ok: [string, number][] = [['0', 0], ['-3.25', -3.25], ['1e300', 1e300], ['5e-324', 5e-324]];
  for (const [v, want] of ok) {
    t.strictSame(parseReadingsPayload(readingsOf(`{"channel": "pf", "ts": 0, "value": ${v}}`)).readings,
      [{ index: 0, kind: 'pf', tsMs: 0, value: want, quality: 0 }], v);
  }
  const bad: [string, string, string][] = [
    ['1e999', 'KM_INGEST_NOT_FINITE', 'readings[0].value: must be a finite JSON number, got a number too large for a double'],
    ['-1e999', 'KM_INGEST_NOT_FINITE', 'readings[0].value: must be a finite JSON number, got a number too large for a double'],
    ['"NaN"', 'KM_INGEST_NOT_FINITE', "readings[0].value: must be a finite JSON number, got the string 'NaN'"],
    ['"12.5"', 'KM_INGEST_NOT_FINITE', "readings[0].value: must be a finite JSON number, got the string '12.5'"],
    ['null', 'KM_INGEST_NOT_FINITE', 'readings[0].value: must be a finite JSON number, got null'],
    ['false', 'KM_INGEST_NOT_FINITE', 'readings[0].value: must be a finite JSON number, got false'],
    ['[1]', 'KM_INGEST_NOT_FINITE', 'readings[0].value: must be a finite JSON number, got an array'],
  ];
  for (const [v, code, detail] of bad) {
    const r = parseReadingsPayload(readingsOf(`{"channel": "pf", "ts": 0, "value": ${v}}`));
    t.strictSame(r, { readings: [], rejections: [{ index: 0, code, detail, item: JSON.parse(`{"channel": "pf", "ts": 0, "value": ${v}}`) as unknown }] }, v);
  }
  t.strictSame(parseReadingsPayload(readingsOf('{"channel": "pf", "ts": 0}')).rejections,
    [{ index: 0, code: 'KM_INGEST_SCHEMA', detail: 'readings[0].value: required', item: { channel: 'pf', ts: 0 } }]);
});

t.test('quality, channel kinds, extra keys', async (t) => {
  t.strictSame(parseReadingsPayload(readingsOf(
    '{"channel": "gas", "ts": 0, "value": 1, "quality": "estimated"}',
    '{"channel": "water", "ts": 0, "value": 2, "quality": "actual", "note": "extra keys are ignored"}',
  )), { readings: [
    { index: 0, kind: 'gas', tsMs: 0, value: 1, quality: 1 },
    { index: 1, kind: 'water', tsMs: 0, value: 2, quality: 0 },
  ], rejections: [] });
  t.strictSame(parseReadingsPayload(readingsOf('{"channel": "kw", "ts": 0, "value": 1, "quality": "ESTIMATED"}')).rejections,
    [{ index: 0, code: 'KM_INGEST_SCHEMA', detail: "readings[0].quality: must be 'actual' or 'estimated', got the string 'ESTIMATED'", item: { channel: 'kw', ts: 0, value: 1, quality: 'ESTIMATED' } }]);
  t.strictSame(parseReadingsPayload(readingsOf('{"channel": "kwh", "ts": 0, "value": 1}')).rejections,
    [{ index: 0, code: 'KM_INGEST_UNKNOWN_CHANNEL', detail: "readings[0].channel: unknown kind 'kwh'", item: { channel: 'kwh', ts: 0, value: 1 } }]);
  t.strictSame(parseReadingsPayload(readingsOf('{"channel": 7, "ts": 0, "value": 1}')).rejections,
    [{ index: 0, code: 'KM_INGEST_SCHEMA', detail: 'readings[0].channel: must be a string, got a number', item: { channel: 7, ts: 0, value: 1 } }]);
  t.strictSame(parseReadingsPayload(readingsOf('{"ts": 0, "value": 1}')).rejections,
    [{ index: 0, code: 'KM_INGEST_SCHEMA', detail: 'readings[0].channel: required', item: { ts: 0, value: 1 } }]);
});

t.test('a mixed message returns the valid readings and one rejection per invalid one', async (t) => {
  const r = parseReadingsPayload(utf8(`{"meter": "ignored", "readings": [
    {"channel": "kwh_del", "ts": "2026-01-05T10:15:00Z", "value": 12.5},
    "not a reading",
    {"channel": "kwh_del", "ts": "2026-01-05T10:30:00", "value": 12.5},
    {"channel": "kvarh_del", "ts": 1767608100000, "value": 3, "quality": "estimated"},
    {"channel": "volts", "ts": "2026-01-05T10:15:00Z", "value": 1},
    {"channel": "kwh_del", "ts": "2026-01-05T10:45:00Z", "value": null},
    {"channel": "kwh_del", "ts": "2026-01-05T10:15:00Z", "value": 12.5}
  ]}`));
  t.strictSame(r, {
    readings: [
      { index: 0, kind: 'kwh_del', tsMs: T_1015Z, value: 12.5, quality: 0 },
      { index: 3, kind: 'kvarh_del', tsMs: T_1015Z, value: 3, quality: 1 },
      { index: 6, kind: 'kwh_del', tsMs: T_1015Z, value: 12.5, quality: 0 }, // duplicates are the writer's business
    ],
    rejections: [
      { index: 1, code: 'KM_INGEST_SCHEMA', detail: 'readings[1]: must be an object, got a string', item: 'not a reading' },
      { index: 2, code: 'KM_INGEST_BAD_TIMESTAMP', detail: "readings[2].ts: '2026-01-05T10:30:00' has no offset; add Z or ±hh:mm (local times are never guessed)",
        item: { channel: 'kwh_del', ts: '2026-01-05T10:30:00', value: 12.5 } },
      { index: 4, code: 'KM_INGEST_UNKNOWN_CHANNEL', detail: "readings[4].channel: unknown kind 'volts'", item: { channel: 'volts', ts: '2026-01-05T10:15:00Z', value: 1 } },
      { index: 5, code: 'KM_INGEST_NOT_FINITE', detail: 'readings[5].value: must be a finite JSON number, got null', item: { channel: 'kwh_del', ts: '2026-01-05T10:45:00Z', value: null } },
    ],
  });
});

t.test('whole-message rejections', async (t) => {
  const cases: [string, Uint8Array, string, string][] = [
    ['invalid UTF-8', Uint8Array.of(0xff, 0xfe), 'KM_INGEST_BAD_JSON', '(root): payload is not valid UTF-8'],
    ['lone continuation byte inside a string', Uint8Array.of(0x7b, 0x22, 0x80, 0x22, 0x7d), 'KM_INGEST_BAD_JSON', '(root): payload is not valid UTF-8'],
    ['empty', new Uint8Array(0), 'KM_INGEST_BAD_JSON', '(root): invalid JSON: Unexpected end of JSON input'],
    ['top level array', utf8('[]'), 'KM_INGEST_SCHEMA', '(root): must be an object with a "readings" array, got an array'],
    ['top level number', utf8('42'), 'KM_INGEST_SCHEMA', '(root): must be an object with a "readings" array, got a number'],
    ['top level null', utf8('null'), 'KM_INGEST_SCHEMA', '(root): must be an object with a "readings" array, got null'],
    ['no readings', utf8('{"reading": []}'), 'KM_INGEST_SCHEMA', 'readings: required'],
    ['readings not an array', utf8('{"readings": {"0": {}}}'), 'KM_INGEST_SCHEMA', 'readings: must be an array, got an object'],
  ];
  for (const [name, bytes, code, detail] of cases) {
    t.strictSame(parseReadingsPayload(bytes), { readings: [], rejections: [{ index: null, code, detail }] }, name);
  }
  const bad = parseReadingsPayload(utf8('{"readings": [1,]}'));
  t.strictSame([bad.readings, bad.rejections.length, bad.rejections[0]?.index, bad.rejections[0]?.code], [[], 1, null, 'KM_INGEST_BAD_JSON']);
  t.match(bad.rejections[0]?.detail, /^\(root\): invalid JSON: /);
  t.strictSame(parseReadingsPayload(utf8('{"readings": []}')), { readings: [], rejections: [] }, 'empty readings are valid');
  t.strictSame(parseReadingsPayload(utf8('\uFEFF{"readings": []}')), { readings: [], rejections: [] }, 'a BOM is dropped (RFC 8259 §8.1)');
});

t.test('size limit', async (t) => {
  t.equal(MAX_PAYLOAD_BYTES, 1_048_576);
  t.equal(DEAD_LETTER_PAYLOAD_BYTES, 8192);
  const one = '{"channel": "kw", "ts": 0, "value": 1}';
  const head = '{"readings": [';
  const pad = MAX_PAYLOAD_BYTES - head.length - one.length - 2;
  const atLimit = utf8(`${head}${one}]${' '.repeat(pad)}}`);
  t.equal(atLimit.byteLength, MAX_PAYLOAD_BYTES);
  t.strictSame(parseReadingsPayload(atLimit), { readings: [{ index: 0, kind: 'kw', tsMs: 0, value: 1, quality: 0 }], rejections: [] });
  const over = utf8(`${head}${one}]${' '.repeat(pad + 1)}}`);
  t.strictSame(parseReadingsPayload(over), { readings: [], rejections: [{ index: null, code: 'KM_INGEST_PAYLOAD_TOO_LARGE', detail: '(root): payload is 1048577 bytes; the limit is 1048576' }] });
  t.strictSame(parseEventsPayload(over).rejections.map((r) => r.code), ['KM_INGEST_PAYLOAD_TOO_LARGE']);
});

t.test('events', async (t) => {
  t.strictSame(parseEventsPayload(utf8(`{"events": [
    {"type": "power_off", "ts": "2026-01-05T10:15:00Z"},
    {"type": "power_on", "ts": 1767608112345},
    {"type": "reboot", "ts": "2026-01-05T10:15:00Z"},
    {"ts": "2026-01-05T10:15:00Z"},
    {"type": "power_on", "ts": "2026-01-05T10:17:03"},
    {"type": "power_on", "ts": "2026-01-05T10:17:03.5-06:00"},
    null
  ]}`)), {
    events: [
      { index: 0, type: 'power_off', tsMs: T_1015Z },
      { index: 1, type: 'power_on', tsMs: 1_767_608_112_345 },
      // 10:17:03.5 at -06:00 is 16:17:03.5Z
      { index: 5, type: 'power_on', tsMs: JAN5 + 16 * H + 17 * M + 3500 },
    ],
    rejections: [
      { index: 2, code: 'KM_INGEST_SCHEMA', detail: "events[2].type: must be 'power_off' or 'power_on', got the string 'reboot'", item: { type: 'reboot', ts: '2026-01-05T10:15:00Z' } },
      { index: 3, code: 'KM_INGEST_SCHEMA', detail: 'events[3].type: required', item: { ts: '2026-01-05T10:15:00Z' } },
      { index: 4, code: 'KM_INGEST_BAD_TIMESTAMP', detail: "events[4].ts: '2026-01-05T10:17:03' has no offset; add Z or ±hh:mm (local times are never guessed)",
        item: { type: 'power_on', ts: '2026-01-05T10:17:03' } },
      { index: 6, code: 'KM_INGEST_SCHEMA', detail: 'events[6]: must be an object, got null', item: null },
    ],
  });
  t.strictSame(parseEventsPayload(utf8('{"readings": []}')), { events: [], rejections: [{ index: null, code: 'KM_INGEST_SCHEMA', detail: 'events: required' }] });
  t.strictSame(parseEventsPayload(Uint8Array.of(0xc3, 0x28)), { events: [], rejections: [{ index: null, code: 'KM_INGEST_BAD_JSON', detail: '(root): payload is not valid UTF-8' }] });
  t.strictSame(parseEventsPayload(utf8('{"events": []}')), { events: [], rejections: [] });
});

t.test('topics', async (t) => {
  t.equal(READINGS_FILTER, 'keymeter/v1/meters/+/readings');
  t.equal(EVENTS_FILTER, 'keymeter/v1/meters/+/events');
  t.equal(readingsTopic('m-1'), 'keymeter/v1/meters/m-1/readings');
  t.equal(eventsTopic('m-1'), 'keymeter/v1/meters/m-1/events');
  const cases: [string, unknown][] = [
    ['keymeter/v1/meters/m-1/readings', { meterId: 'm-1', family: 'readings' }],
    ['keymeter/v1/meters/A.b_c:d-9/events', { meterId: 'A.b_c:d-9', family: 'events' }],
    [`keymeter/v1/meters/${'x'.repeat(128)}/readings`, { meterId: 'x'.repeat(128), family: 'readings' }],
    [`keymeter/v1/meters/${'x'.repeat(129)}/readings`, undefined],
    ['keymeter/v2/meters/m-1/readings', undefined],
    ['Keymeter/v1/meters/m-1/readings', undefined],
    ['/keymeter/v1/meters/m-1/readings', undefined],
    ['$share/g/keymeter/v1/meters/m-1/readings', undefined],
    ['keymeter/v1/meters/m-1/readings/extra', undefined],
    ['keymeter/v1/meters/m-1/a/readings', undefined],
    ['keymeter/v1/meters/m-1', undefined],
    ['keymeter/v1/meters//readings', undefined],
    ['keymeter/v1/meters/m-1/status', undefined],
    ['keymeter/v1/meters/+/readings', undefined],
    ['keymeter/v1/meters/#', undefined],
    ['keymeter/v1/meters/m+1/readings', undefined],
    ['keymeter/v1/meters/m 1/readings', undefined],
    ['keymeter/v1/meters/-m/readings', undefined],
    ['', undefined],
  ];
  for (const [topic, want] of cases) t.strictSame(parseTopic(topic), want, topic);
});
