import t from 'tap';
import type { ChannelKind } from '../../src/core/channels.js';
import {
  MAX_FUTURE_MS, validateAgainstChannels, type ChannelInfo, type RawReading,
} from '../../src/core/ingest/payload.js';

// Instants are written as RFC 3339 UTC and read with V8's Date.parse, independent of the parser under test.
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad literal ${iso}`);
  return ms;
};
const NOW = at('2026-01-05T10:15:00Z');
const FAR_FUTURE = at('2100-01-01T00:00:00Z');

function reading(index: number, kind: ChannelKind, iso: string, value = 1, quality: 0 | 1 = 0): RawReading {
  return { index, kind, tsMs: at(iso), value, quality };
}
function meter(entries: [ChannelKind, ChannelInfo][]): ReadonlyMap<ChannelKind, ChannelInfo> {
  return new Map(entries);
}
const itemOf = (kind: ChannelKind, iso: string, value = 1, quality = 'actual') => ({ channel: kind, ts: iso, value, quality });

/** Which of the instants are on the grid of a single channel, with `nowMs` far away. */
function onGrid(info: ChannelInfo, isos: string[]): Record<string, boolean> {
  const { accepted, rejections } = validateAgainstChannels(isos.map((iso, i) => reading(i, 'kw', iso)), meter([['kw', info]]), FAR_FUTURE);
  const out: Record<string, boolean> = {};
  for (const a of accepted) out[isos[a.index]!] = true;
  for (const r of rejections) out[isos[r.index!]!] = false;
  return out;
}

t.test('15-minute channel: 10:15Z is an interval start, 10:20Z is off grid', async (t) => {
  const info = { channelId: 7, intervalMinutes: 15, timezone: 'America/Chicago' };
  const r = validateAgainstChannels(
    [reading(0, 'kwh_del', '2026-01-05T10:15:00Z', 12.5, 1), reading(1, 'kwh_del', '2026-01-05T10:20:00Z', 3)],
    meter([['kwh_del', info]]), NOW);
  t.strictSame(r, {
    accepted: [{ index: 0, channelId: 7, tsMs: at('2026-01-05T10:15:00Z'), value: 12.5, quality: 1 }],
    rejections: [{
      index: 1, code: 'KM_INGEST_OFF_GRID',
      detail: 'readings[1].ts: 2026-01-05T10:20:00Z is not on the 15-minute grid; nearest starts 2026-01-05T10:15:00Z and 2026-01-05T10:30:00Z',
      item: itemOf('kwh_del', '2026-01-05T10:20:00Z', 3),
    }],
  });
});

t.test('60-minute channel in Asia/Kolkata (+05:30): the grid is the local hour', async (t) => {
  const info = { channelId: 1, intervalMinutes: 60, timezone: 'Asia/Kolkata' };
  // 04:30Z is 10:00 IST (on grid); 05:00Z is 10:30 IST (off grid; nearest 10:00 and 11:00 IST = 04:30Z and 05:30Z)
  const r = validateAgainstChannels([reading(0, 'kw', '2026-01-05T04:30:00Z'), reading(1, 'kw', '2026-01-05T05:00:00Z')], meter([['kw', info]]), NOW);
  t.strictSame(r, {
    accepted: [{ index: 0, channelId: 1, tsMs: at('2026-01-05T04:30:00Z'), value: 1, quality: 0 }],
    rejections: [{
      index: 1, code: 'KM_INGEST_OFF_GRID',
      detail: 'readings[1].ts: 2026-01-05T05:00:00Z is not on the 60-minute grid (Asia/Kolkata local time); nearest starts 2026-01-05T04:30:00Z and 2026-01-05T05:30:00Z',
      item: itemOf('kw', '2026-01-05T05:00:00Z'),
    }],
  });
  // 30-minute: both 04:00Z (09:30 IST) and 04:30Z (10:00 IST) start an interval, 04:15Z does not
  t.strictSame(onGrid({ ...info, intervalMinutes: 30 }, ['2026-01-05T04:00:00Z', '2026-01-05T04:30:00Z', '2026-01-05T04:15:00Z']),
    { '2026-01-05T04:00:00Z': true, '2026-01-05T04:30:00Z': true, '2026-01-05T04:15:00Z': false });
});

t.test('Asia/Kathmandu (+05:45)', async (t) => {
  const zone = 'Asia/Kathmandu';
  // 15 min: 04:15Z is 10:00 NPT and 04:00Z is 09:45 NPT, both quarter hours; 04:05Z is 09:50
  t.strictSame(onGrid({ channelId: 1, intervalMinutes: 15, timezone: zone }, ['2026-01-05T04:15:00Z', '2026-01-05T04:00:00Z', '2026-01-05T04:05:00Z']),
    { '2026-01-05T04:15:00Z': true, '2026-01-05T04:00:00Z': true, '2026-01-05T04:05:00Z': false });
  // 60 min: only 04:15Z (10:00 NPT) starts a local hour
  t.strictSame(onGrid({ channelId: 1, intervalMinutes: 60, timezone: zone }, ['2026-01-05T04:15:00Z', '2026-01-05T04:00:00Z']),
    { '2026-01-05T04:15:00Z': true, '2026-01-05T04:00:00Z': false });
  // 10 min: the offset is not a multiple of 10, so the local rule: 04:15Z (10:00) on, 04:10Z (09:55) off
  t.strictSame(onGrid({ channelId: 1, intervalMinutes: 10, timezone: zone }, ['2026-01-05T04:15:00Z', '2026-01-05T04:25:00Z', '2026-01-05T04:10:00Z']),
    { '2026-01-05T04:15:00Z': true, '2026-01-05T04:25:00Z': true, '2026-01-05T04:10:00Z': false });
  const r = validateAgainstChannels([reading(3, 'kw', '2026-01-05T04:00:00Z')], meter([['kw', { channelId: 1, intervalMinutes: 60, timezone: zone }]]), NOW);
  t.strictSame(r.rejections.map((x) => x.detail),
    ['readings[3].ts: 2026-01-05T04:00:00Z is not on the 60-minute grid (Asia/Kathmandu local time); nearest starts 2026-01-05T03:15:00Z and 2026-01-05T04:15:00Z']);
});

t.test('America/Chicago 60 min across both DST changes of 2026 (23- and 25-hour days)', async (t) => {
  const info = { channelId: 1, intervalMinutes: 60, timezone: 'America/Chicago' };
  // 2026-03-08 02:00 CST -> 03:00 CDT: 07:00Z is 01:00 CST, 08:00Z is 03:00 CDT, 09:00Z is 04:00 CDT
  t.strictSame(onGrid(info, ['2026-03-08T07:00:00Z', '2026-03-08T08:00:00Z', '2026-03-08T09:00:00Z', '2026-03-08T08:30:00Z']),
    { '2026-03-08T07:00:00Z': true, '2026-03-08T08:00:00Z': true, '2026-03-08T09:00:00Z': true, '2026-03-08T08:30:00Z': false });
  // 2026-11-01 02:00 CDT -> 01:00 CST: 06:00Z is 01:00 CDT, 07:00Z is 01:00 CST (the repeated hour)
  t.strictSame(onGrid(info, ['2026-11-01T06:00:00Z', '2026-11-01T07:00:00Z', '2026-11-01T06:30:00Z']),
    { '2026-11-01T06:00:00Z': true, '2026-11-01T07:00:00Z': true, '2026-11-01T06:30:00Z': false });
});

t.test('Australia/Adelaide 60 min across the end of DST (+10:30 -> +09:30): local hours stay at :30Z', async (t) => {
  const info = { channelId: 1, intervalMinutes: 60, timezone: 'Australia/Adelaide' };
  // 2026-04-05 03:00 ACDT -> 02:00 ACST at 16:30Z: 15:30Z is 02:00 ACDT, 16:30Z is 02:00 ACST, 17:30Z is 03:00 ACST
  t.strictSame(onGrid(info, ['2026-04-04T15:30:00Z', '2026-04-04T16:30:00Z', '2026-04-04T17:30:00Z', '2026-04-04T16:00:00Z']),
    { '2026-04-04T15:30:00Z': true, '2026-04-04T16:30:00Z': true, '2026-04-04T17:30:00Z': true, '2026-04-04T16:00:00Z': false });
});

t.test('UTC site: every interval length on the UTC grid', async (t) => {
  for (const m of [1, 5, 10, 15, 30, 60]) {
    t.strictSame(onGrid({ channelId: 1, intervalMinutes: m, timezone: 'UTC' }, ['2026-01-05T10:00:00Z', '2026-01-05T10:00:30Z']),
      { '2026-01-05T10:00:00Z': true, '2026-01-05T10:00:30Z': false }, `${m} min`);
  }
});

t.test('future: an interval may start up to MAX_FUTURE_MS after now', async (t) => {
  t.equal(MAX_FUTURE_MS, 15 * 60_000);
  const info = { channelId: 2, intervalMinutes: 15, timezone: 'UTC' };
  // now is 10:15Z: 10:15 (running now) and 10:30 (= now + 15 min) pass, 10:45 does not
  const r = validateAgainstChannels(
    [reading(0, 'kw', '2026-01-05T10:15:00Z'), reading(1, 'kw', '2026-01-05T10:30:00Z'), reading(2, 'kw', '2026-01-05T10:45:00Z', 4, 1)],
    meter([['kw', info]]), NOW);
  t.strictSame(r, {
    accepted: [
      { index: 0, channelId: 2, tsMs: at('2026-01-05T10:15:00Z'), value: 1, quality: 0 },
      { index: 1, channelId: 2, tsMs: at('2026-01-05T10:30:00Z'), value: 1, quality: 0 },
    ],
    rejections: [{
      index: 2, code: 'KM_INGEST_FUTURE',
      detail: 'readings[2].ts: 2026-01-05T10:45:00Z starts more than 15 minutes after now (2026-01-05T10:15:00Z)',
      item: itemOf('kw', '2026-01-05T10:45:00Z', 4, 'estimated'),
    }],
  });
});

t.test('a kind the meter has no channel for', async (t) => {
  const r = validateAgainstChannels(
    [reading(0, 'kwh_del', '2026-01-05T10:00:00Z', 2), reading(4, 'kvarh_del', '2026-01-05T10:00:00Z', 5)],
    meter([['kwh_del', { channelId: 11, intervalMinutes: 15, timezone: 'Europe/London' }]]), NOW);
  t.strictSame(r, {
    accepted: [{ index: 0, channelId: 11, tsMs: at('2026-01-05T10:00:00Z'), value: 2, quality: 0 }],
    rejections: [{ index: 4, code: 'KM_INGEST_UNKNOWN_CHANNEL', detail: "readings[4].channel: meter has no 'kvarh_del' channel", item: itemOf('kvarh_del', '2026-01-05T10:00:00Z', 5) }],
  });
  t.strictSame(validateAgainstChannels([], meter([]), NOW), { accepted: [], rejections: [] });
});
