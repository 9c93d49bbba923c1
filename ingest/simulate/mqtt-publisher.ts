/**
 * Publishes simulated meter readings and outage events over MQTT (CONTRACT.md "MQTT"): readings to
 * `keymeter/v1/meters/{meterId}/readings` as `{"readings":[{"channel","ts","value"}]}` in batches of up to
 * 96, events to `.../events` as `{"events":[{"type","ts"}]}`, all at QoS 1. `ts` is the interval START
 * in RFC 3339 UTC. Only completed intervals are sent (start + length ≤ the range end or "now").
 *
 * Values come from ./profile.ts and depend only on the interval, never on the window asked for, so
 * publishing an interval twice (a backfill overlapping live ticks, a QoS 1 redelivery, MQTT 3.1.1
 * §4.3.2) stores nothing new: ingest treats an equal value as a no-op.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MqttClient } from 'mqtt';
import { eventsTopic, readingsTopic } from '../../src/core/ingest/topic.js';
import { generateMeterSeries, type MeterSpec } from './profile.js';

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Readings per message: a day of 15-minute data of one channel. */
export const MAX_READINGS_PER_MESSAGE = 96;
/** Publishes awaiting PUBACK, by default; mqtt.js message ids allow 65,535 (MQTT 3.1.1 §2.3.1). */
export const DEFAULT_MAX_IN_FLIGHT = 200;
/** A backfill generates this much history per meter at a time, so memory stays flat over years. */
const BACKFILL_CHUNK_MS = 30 * DAY_MS;
/** The load test aims at no more than this many messages per second (smaller batches at low rates). */
const RATE_MESSAGES_PER_SECOND = 50;
const RATE_PROGRESS_EVERY_MS = 5 * 1000;
/** Where the load test's synthetic history starts by default: before any demo backfill, so it inserts. */
export const DEFAULT_RATE_HISTORY_START_MS = Date.UTC(2015, 0, 1);
/** After this much history the load test starts over (republishing: no-ops at ingest), never reaching "now". */
const RATE_HISTORY_SPAN_MS = 8 * 365 * DAY_MS;

/** The one client method the publisher needs (mqtt.js v5 `MqttClient.publishAsync`). */
export type PublishClient = Pick<MqttClient, 'publishAsync'>;

export interface PublishTotals {
  messages: number;
  readings: number;
  events: number;
}

export interface BackfillProgress extends PublishTotals {
  startMs: number;
  endMs: number;
  /** Everything before this instant has been handed to the client. */
  throughMs: number;
}

interface OutMessage {
  topic: string;
  payload: string;
  readings: number;
  events: number;
}

/** RFC 3339 in UTC without a zero fraction: 2026-01-05T10:15:00Z. */
function isoUtc(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

/**
 * Keeps at most `max` publishes awaiting PUBACK. The first failure is rethrown by the next `add` or by
 * `drain`, so a lost connection stops a backfill instead of queueing without bound.
 */
class InFlight {
  readonly #pending = new Set<Promise<void>>();
  #error: unknown = undefined;
  #failed = false;
  acked: PublishTotals = { messages: 0, readings: 0, events: 0 };

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError('maxInFlight must be at least 1');
  }

  async add(client: PublishClient, m: OutMessage): Promise<void> {
    this.#throwIfFailed();
    const p: Promise<void> = client.publishAsync(m.topic, m.payload, { qos: 1 }).then(
      () => {
        this.#pending.delete(p);
        this.acked.messages++;
        this.acked.readings += m.readings;
        this.acked.events += m.events;
      },
      (err: unknown) => {
        this.#pending.delete(p);
        if (!this.#failed) {
          this.#failed = true;
          this.#error = err;
        }
      },
    );
    this.#pending.add(p);
    while (this.#pending.size >= this.max) await Promise.race(this.#pending);
    this.#throwIfFailed();
  }

  async drain(): Promise<void> {
    await Promise.all(this.#pending);
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failed) throw this.#error instanceof Error ? this.#error : new Error(String(this.#error));
  }
}

/**
 * The messages of one meter: readings of intervals starting in [fromMs, toMs) that `keep` accepts, then
 * events with ts in [fromMs, toMs) when `withEvents`.
 */
function meterMessages(
  spec: MeterSpec,
  fromMs: number,
  toMs: number,
  keep: (startMs: number, intervalMs: number) => boolean,
  withEvents: boolean,
  batch: number,
): OutMessage[] {
  const series = generateMeterSeries(spec, fromMs, toMs);
  const out: OutMessage[] = [];
  const readings: { channel: string; ts: string; value: number }[] = [];
  for (const ch of series.channels) {
    const lenMs = ch.intervalMinutes * MINUTE_MS;
    for (let i = 0; i < ch.tsMs.length; i++) {
      const start = ch.tsMs[i]!;
      if (keep(start, lenMs)) readings.push({ channel: ch.kind, ts: isoUtc(start), value: ch.values[i]! });
    }
  }
  const rTopic = readingsTopic(spec.meterId);
  for (let i = 0; i < readings.length; i += batch) {
    const part = readings.slice(i, i + batch);
    out.push({ topic: rTopic, payload: JSON.stringify({ readings: part }), readings: part.length, events: 0 });
  }
  if (withEvents) {
    const events = series.events.map((e) => ({ type: e.type, ts: isoUtc(e.tsMs) }));
    const eTopic = eventsTopic(spec.meterId);
    for (let i = 0; i < events.length; i += MAX_READINGS_PER_MESSAGE) {
      const part = events.slice(i, i + MAX_READINGS_PER_MESSAGE);
      out.push({ topic: eTopic, payload: JSON.stringify({ events: part }), readings: 0, events: part.length });
    }
  }
  return out;
}

function addTotals(a: PublishTotals, m: OutMessage): void {
  a.messages++;
  a.readings += m.readings;
  a.events += m.events;
}

/**
 * Backfill: publishes every interval lying wholly in [startMs, endMs) (start ≥ startMs, start + length ≤
 * endMs) and every event with ts in [startMs, endMs), a month at a time across all meters (so storage
 * fills in time order), with at most `maxInFlight` (default 200) publishes awaiting PUBACK. Resolves
 * with the acknowledged totals once everything is acknowledged; stops early when `signal` aborts.
 *
 * @param startMs inclusive, epoch ms UTC
 * @param endMs exclusive, epoch ms UTC; pass "now" to send everything completed by then
 */
export async function publishRange(
  client: PublishClient,
  specs: readonly MeterSpec[],
  startMs: number,
  endMs: number,
  opts: { maxInFlight?: number; onProgress?: (p: BackfillProgress) => void; signal?: AbortSignal } = {},
): Promise<PublishTotals> {
  const inFlight = new InFlight(opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  const sent: PublishTotals = { messages: 0, readings: 0, events: 0 };
  const completed = (start: number, lenMs: number) => start + lenMs <= endMs;
  for (let c0 = startMs; c0 < endMs && !opts.signal?.aborted; c0 += BACKFILL_CHUNK_MS) {
    const c1 = Math.min(c0 + BACKFILL_CHUNK_MS, endMs);
    for (const spec of specs) {
      for (const m of meterMessages(spec, c0, c1, completed, true, MAX_READINGS_PER_MESSAGE)) {
        if (opts.signal?.aborted) break;
        await inFlight.add(client, m);
        addTotals(sent, m);
      }
    }
    opts.onProgress?.({ ...sent, startMs, endMs, throughMs: c1 });
  }
  await inFlight.drain();
  return inFlight.acked;
}

export interface LiveOptions {
  /** Time between ticks, ms. */
  tickMs: number;
  /** The clock, epoch ms (injected so tests can drive it). */
  nowMs: () => number;
  signal: AbortSignal;
  /**
   * Intervals that ended after this instant are published on the first tick (e.g. the end of a
   * backfill). Without it the first tick publishes the last completed interval of each channel.
   */
  sinceMs?: number;
  maxInFlight?: number;
  onTick?: (t: PublishTotals & { nowMs: number }) => void;
}

/**
 * Live meters: every `tickMs`, publishes for all meters the intervals that completed since the previous
 * tick (interval end in (previous now, now]) and the events in [previous now, now). Each tick waits for its
 * PUBACKs. Runs until `signal` aborts; resolves with the acknowledged totals.
 */
export async function runLive(client: PublishClient, specs: readonly MeterSpec[], opts: LiveOptions): Promise<PublishTotals> {
  const total: PublishTotals = { messages: 0, readings: 0, events: 0 };
  let prevMs: number | undefined = opts.sinceMs;
  while (!opts.signal.aborted) {
    const tickStarted = opts.nowMs();
    const now = tickStarted;
    const inFlight = new InFlight(opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    for (const spec of specs) {
      let longestMs = 0;
      for (const c of spec.channels) longestMs = Math.max(longestMs, c.intervalMinutes * MINUTE_MS);
      // First tick without sinceMs: per channel, the one interval that ended in (now - length, now].
      const after = (lenMs: number) => prevMs ?? now - lenMs;
      // Intervals ending in (after, now] start in (after - length, now - length].
      const fromMs = Math.min(prevMs ?? now, now) - 2 * longestMs;
      const keep = (start: number, lenMs: number) => start + lenMs > after(lenMs) && start + lenMs <= now;
      const series = meterMessages(spec, fromMs, now, keep, false, MAX_READINGS_PER_MESSAGE);
      const evFrom = prevMs ?? now - opts.tickMs;
      const events = evFrom < now ? meterMessages({ ...spec, channels: [] }, evFrom, now, () => false, true, MAX_READINGS_PER_MESSAGE) : [];
      for (const m of [...series, ...events]) await inFlight.add(client, m);
    }
    await inFlight.drain();
    total.messages += inFlight.acked.messages;
    total.readings += inFlight.acked.readings;
    total.events += inFlight.acked.events;
    opts.onTick?.({ ...inFlight.acked, nowMs: now });
    prevMs = now;
    const waitMs = opts.tickMs - (opts.nowMs() - tickStarted);
    try {
      await sleep(Math.max(0, waitMs), undefined, { signal: opts.signal });
    } catch {
      break; // aborted
    }
  }
  return total;
}

export interface RateResult extends PublishTotals {
  elapsedMs: number;
  /** Acknowledged readings per second over the run, including the wait for the last PUBACKs. */
  achievedPerSecond: number;
}

/**
 * Load test: publishes synthetic history (the meters' intervals from `startMs` on, day by day, readings
 * only) at `readingsPerSecond`, spread evenly in batches of up to 96 (smaller at low rates so that
 * messages go out at most ~50 times a second), for `durationMs` or until `signal` aborts. Reports the
 * achieved rate: acknowledged readings over elapsed time, so a broker or ingest that cannot keep up
 * shows as a lower rate (at most `maxInFlight` publishes await PUBACK).
 */
export async function runRate(
  client: PublishClient,
  specs: readonly MeterSpec[],
  readingsPerSecond: number,
  durationMs: number,
  signal: AbortSignal,
  opts: { startMs?: number; maxInFlight?: number; onProgress?: (r: RateResult) => void } = {},
): Promise<RateResult> {
  if (!(readingsPerSecond > 0)) throw new RangeError('readingsPerSecond must be positive');
  if (specs.every((s) => s.channels.length === 0)) throw new RangeError('no meter channels to publish');
  const batch = Math.min(MAX_READINGS_PER_MESSAGE, Math.max(1, Math.ceil(readingsPerSecond / RATE_MESSAGES_PER_SECOND)));
  const inFlight = new InFlight(opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  const t0 = performance.now();
  const result = (): RateResult => {
    const elapsedMs = performance.now() - t0;
    return { ...inFlight.acked, elapsedMs, achievedPerSecond: elapsedMs > 0 ? (inFlight.acked.readings * 1000) / elapsedMs : 0 };
  };
  let sent = 0;
  let nextProgress = t0 + RATE_PROGRESS_EVERY_MS;
  const all = () => true;
  const historyStartMs = opts.startMs ?? DEFAULT_RATE_HISTORY_START_MS;
  outer: for (let d0 = historyStartMs; ; d0 = d0 + DAY_MS >= historyStartMs + RATE_HISTORY_SPAN_MS ? historyStartMs : d0 + DAY_MS) {
    for (const spec of specs) {
      for (const m of meterMessages(spec, d0, d0 + DAY_MS, all, false, batch)) {
        const dueMs = t0 + (sent * 1000) / readingsPerSecond;
        let now = performance.now();
        if (now - t0 >= durationMs || signal.aborted) break outer;
        if (dueMs > now) {
          try {
            await sleep(dueMs - now, undefined, { signal });
          } catch {
            break outer;
          }
          now = performance.now();
          if (now - t0 >= durationMs) break outer;
        }
        await inFlight.add(client, m);
        sent += m.readings;
        if (now >= nextProgress) {
          opts.onProgress?.(result());
          nextProgress += RATE_PROGRESS_EVERY_MS;
        }
      }
    }
  }
  await inFlight.drain();
  return result();
}
