/**
 * The one batched writer every ingest source uses (DESIGN.md "Architecture"). Sources submit requests
 * (readings, dead letters, events) and await them: the promise settles only after the transaction that
 * holds them has committed, so a source acknowledges nothing that is not stored (MQTT PUBACK after
 * commit, a Modbus poll marked done after commit).
 *
 * Group commit: a flush starts as soon as the writer is idle (after INGEST_FLUSH_INTERVAL_MS of linger)
 * or when INGEST_BATCH_MAX_ROWS rows are pending; whatever arrives while a flush runs goes into the next
 * one. Against a server, `concurrency` flushes may run at once on separate connections, never two
 * holding the same channel. The queue is bounded (maxQueuedRows): `submit` waits while it is full, which pauses the source
 * (backpressure). Storage failures that may pass (connection lost, database restarting, serialization)
 * are retried with capped exponential backoff; a request that fails for good on its own is turned into
 * dead letters with the reason, so one bad request never blocks the others.
 */
import { KeymeterError, toError } from '../src/errors.js';
import type { Logger } from '../src/log.js';
import { classifyDbError, isRetryable, sqlState } from '../src/db/errors.js';
import { withTransaction, type Pool } from '../src/db/pool.js';
import { insertReadings } from '../src/db/queries/readings.js';
import { insertDeadLetters, insertEvents, type DeadLetterRow, type MeterEventRow } from '../src/db/queries/ingest.js';
import { insertExtremes, type ExtremeRows } from '../src/db/queries/reading-extremes.js';

export interface ReadingRows {
  channelIds: number[];
  /** Interval starts, epoch ms UTC. */
  tsMs: number[];
  values: number[];
  /** reading_quality codes: 0 actual, 1 estimated. */
  quality: number[];
}

export interface StoreRequest {
  readings?: ReadingRows;
  deadLetters?: DeadLetterRow[];
  events?: MeterEventRow[];
  /** Interval min/max beside averages in `readings` (migrations/0006; the Modbus poller's voltages). */
  extremes?: ExtremeRows;
}

export interface WriterOptions {
  /** Rows that trigger a flush (INGEST_BATCH_MAX_ROWS). */
  maxBatchRows: number;
  /** Linger of an idle writer before it flushes, ms (INGEST_FLUSH_INTERVAL_MS); 0 flushes at once. */
  flushIntervalMs: number;
  /** Rows queued before `submit` waits (backpressure). Default: 4 batches. */
  maxQueuedRows?: number;
  /** `source` recorded with conflicts, e.g. 'mqtt'. */
  source: string;
  /** Longest backoff between retries of a failing flush, ms. */
  maxRetryDelayMs?: number;
  /**
   * Flushes that may run at once, each a transaction on its own pool connection (1 for the embedded
   * database). A channel is never in two running flushes, so a duplicate always meets its committed
   * first occurrence and becomes a no-op or a conflict row, never a silent loss.
   */
  concurrency?: number;
  /**
   * Called after each commit that stored new readings, with the span of interval starts of the batch's
   * readings per channel: the VEE runner's feed (src/vee/runner.ts). It must return at once; it runs
   * after the commit, so it never delays what the commit acknowledges, and an error in it is only logged.
   */
  onCommitted?: ((ranges: CommittedRange[]) => void) | undefined;
}

/** Interval starts [fromMs, toMs) of the readings a commit carried on one channel (epoch ms; toMs = last + 1). */
export interface CommittedRange {
  channelId: number;
  fromMs: number;
  toMs: number;
}

export interface WriterStats {
  batches: number;
  inserted: number;
  duplicates: number;
  conflicts: number;
  deadLetters: number;
  events: number;
  retries: number;
}

interface Pending {
  req: StoreRequest;
  rows: number;
  /** Distinct channels of its readings. */
  channels: Set<number>;
  resolve: () => void;
  reject: (err: Error) => void;
}

const MIN_RETRY_DELAY_MS = 100;
const DEFAULT_MAX_RETRY_DELAY_MS = 30 * 1000;

function rowsOf(req: StoreRequest): number {
  return (req.readings?.channelIds.length ?? 0) + (req.deadLetters?.length ?? 0) + (req.events?.length ?? 0) + (req.extremes?.channelIds.length ?? 0);
}

/** Errors a retry may cure: the database is out of reach or asked for a retry. */
export function isTransientStoreError(err: unknown): boolean {
  if (isRetryable(err)) return true;
  const c = classifyDbError(err);
  return c instanceof KeymeterError && (c.code === 'KM_DB_UNAVAILABLE' || c.code === 'KM_DB_TIMEOUT');
}

export class IngestWriter {
  readonly stats: WriterStats = { batches: 0, inserted: 0, duplicates: 0, conflicts: 0, deadLetters: 0, events: 0, retries: 0 };
  readonly #pool: Pool;
  readonly #log: Logger;
  readonly #opts: Required<Omit<WriterOptions, 'onCommitted'>>;
  readonly #onCommitted: WriterOptions['onCommitted'];
  #queue: Pending[] = [];
  #queuedRows = 0;
  #spaceWaiters: (() => void)[] = [];
  readonly #running = new Set<Promise<void>>();
  /** Channels in running flushes, with how many running flushes hold each. */
  readonly #busy = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #abort = new AbortController();

  constructor(pool: Pool, log: Logger, options: WriterOptions) {
    this.#pool = pool;
    this.#log = log.child({ component: 'ingest.writer', source: options.source });
    this.#opts = {
      maxQueuedRows: options.maxBatchRows * 4,
      maxRetryDelayMs: DEFAULT_MAX_RETRY_DELAY_MS,
      concurrency: 1,
      ...options,
    };
    this.#onCommitted = options.onCommitted;
  }

  /** Resolves once everything in `req` is committed; waits first while the queue is full. */
  async submit(req: StoreRequest): Promise<void> {
    if (this.#closed) throw new KeymeterError('KM_DB_UNAVAILABLE', 'the writer is closed');
    const rows = rowsOf(req);
    if (rows === 0) return;
    while (this.#queuedRows > 0 && this.#queuedRows + rows > this.#opts.maxQueuedRows) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
      if (this.#closed) throw new KeymeterError('KM_DB_UNAVAILABLE', 'the writer is closed');
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ req, rows, channels: new Set(req.readings?.channelIds ?? []), resolve, reject });
      this.#queuedRows += rows;
      this.#schedule();
    });
  }

  /** Rows waiting to be written. */
  get queuedRows(): number {
    return this.#queuedRows;
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#running.size > 0) {
      this.#startFlushes();
      if (this.#running.size > 0) await Promise.race(this.#running);
    }
  }

  /**
   * Stops intake and writes what is queued. With `abandonAfterMs`, requests still unwritten after
   * that time (database down) are rejected instead: their sources did not acknowledge them.
   */
  async close(abandonAfterMs?: number): Promise<void> {
    this.#closed = true;
    for (const w of this.#spaceWaiters.splice(0)) w();
    let timer: NodeJS.Timeout | undefined;
    if (abandonAfterMs !== undefined) {
      timer = setTimeout(() => this.#abort.abort(), abandonAfterMs);
      timer.unref();
    }
    try {
      await this.flush();
    } finally {
      clearTimeout(timer);
      clearTimeout(this.#timer);
    }
  }

  #schedule(): void {
    if (this.#running.size > 0) {
      // The linger applies to an idle writer only; a busy one uses spare capacity at once.
      this.#startFlushes();
      return;
    }
    if (this.#queuedRows >= this.#opts.maxBatchRows || this.#opts.flushIntervalMs === 0) {
      this.#startFlushes();
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#startFlushes();
      }, this.#opts.flushIntervalMs);
      this.#timer.unref();
    }
  }

  /** Starts flushes while there is capacity and a request whose channels are free. */
  #startFlushes(): void {
    while (this.#running.size < this.#opts.concurrency && this.#queue.length > 0) {
      if (!this.#startFlush()) return;
    }
  }

  /** Takes queued requests whose channels are in no running flush, in order; false when none is free. */
  #startFlush(): boolean {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch: Pending[] = [];
    const blocked = new Set<number>();
    let rows = 0;
    const rest: Pending[] = [];
    for (const p of this.#queue) {
      const fits = batch.length === 0 || rows + p.rows <= this.#opts.maxBatchRows;
      let free = fits;
      if (free) for (const ch of p.channels) if (this.#busy.has(ch) || blocked.has(ch)) { free = false; break; }
      if (free) {
        batch.push(p);
        rows += p.rows;
      } else {
        rest.push(p);
        for (const ch of p.channels) blocked.add(ch); // later requests of a skipped channel keep their order
      }
    }
    if (batch.length === 0) return false;
    this.#queue = rest;
    const channels = new Set<number>();
    for (const p of batch) for (const ch of p.channels) channels.add(ch);
    for (const ch of channels) this.#busy.set(ch, (this.#busy.get(ch) ?? 0) + 1);
    const run: Promise<void> = this.#write(batch).finally(() => {
      for (const ch of channels) {
        const n = this.#busy.get(ch)! - 1;
        if (n === 0) this.#busy.delete(ch);
        else this.#busy.set(ch, n);
      }
      this.#queuedRows -= rows;
      this.#running.delete(run);
      for (const w of this.#spaceWaiters.splice(0)) w();
      if (this.#queue.length > 0) {
        if (this.#closed) this.#startFlushes();
        else this.#schedule();
      }
    });
    this.#running.add(run);
    return true;
  }

  /** Writes a batch with retries; settles every request of it. */
  async #write(batch: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#commit(batch.map((p) => p.req));
        for (const p of batch) p.resolve();
        return;
      } catch (err) {
        if (this.#abort.signal.aborted) {
          for (const p of batch) p.reject(toError(err));
          return;
        }
        if (isTransientStoreError(err)) {
          this.stats.retries++;
          const delayMs = Math.min(this.#opts.maxRetryDelayMs, MIN_RETRY_DELAY_MS * 2 ** Math.min(attempt - 1, 16));
          this.#log.warn({ err: toError(err), attempt, delayMs, requests: batch.length }, 'flush failed; retrying');
          await this.#sleep(delayMs * (0.5 + Math.random() / 2));
          continue;
        }
        if (batch.length > 1) {
          // Find the request at fault: each one alone, so the others still go through.
          this.#log.warn({ err: toError(err), requests: batch.length }, 'flush failed; writing requests one by one');
          for (const p of batch) await this.#write([p]);
          return;
        }
        await this.#deadLetterAll(batch[0]!, err);
        return;
      }
    }
  }

  async #deadLetterAll(p: Pending, err: unknown): Promise<void> {
    const e = toError(err);
    // The SQLSTATE of the database error, which withTransaction keeps as the cause of its KeymeterError.
    const state = sqlState(err) ?? sqlState((err as { cause?: unknown }).cause);
    const detail = `could not be stored (${state === undefined ? '' : `SQLSTATE ${state}: `}${e.message})`.slice(0, 2000);
    const r = p.req.readings;
    const letters: DeadLetterRow[] = [...(p.req.deadLetters ?? [])];
    const nowMs = Date.now();
    if (r) {
      for (let i = 0; i < r.channelIds.length; i++) {
        letters.push({
          receivedAtMs: nowMs, source: this.#opts.source, topicOrUnit: null, meterId: null, payloadTruncated: false,
          payload: Buffer.from(JSON.stringify({ channelId: r.channelIds[i], ts: new Date(r.tsMs[i]!).toISOString(), value: r.values[i], quality: r.quality[i] })),
          code: 'KM_INGEST_STORE_FAILED', detail,
        });
      }
    }
    const x = p.req.extremes;
    for (let i = 0; i < (x?.channelIds.length ?? 0); i++) {
      letters.push({
        receivedAtMs: nowMs, source: this.#opts.source, topicOrUnit: null, meterId: null, payloadTruncated: false,
        payload: Buffer.from(JSON.stringify({ channelId: x!.channelIds[i], ts: new Date(x!.tsMs[i]!).toISOString(), min: x!.min[i], max: x!.max[i], samples: x!.samples[i] })),
        code: 'KM_INGEST_STORE_FAILED', detail,
      });
    }
    for (const ev of p.req.events ?? []) {
      letters.push({
        receivedAtMs: nowMs, source: ev.source, topicOrUnit: null, meterId: ev.meterId, payloadTruncated: false,
        payload: Buffer.from(JSON.stringify({ type: ev.type, ts: new Date(ev.tsMs).toISOString() })), code: 'KM_INGEST_STORE_FAILED', detail,
      });
    }
    this.#log.warn({ err: e, deadLetters: letters.length }, 'request could not be stored; dead-lettered');
    await this.#write([{ ...p, req: { deadLetters: letters } }]);
  }

  /** One transaction for the whole batch. In-batch duplicates of (channel, ts) go in later rounds. */
  async #commit(reqs: StoreRequest[]): Promise<void> {
    const rounds = splitRounds(reqs);
    const letters = reqs.flatMap((r) => r.deadLetters ?? []);
    const events = reqs.flatMap((r) => r.events ?? []);
    const totals = await withTransaction(this.#pool, async (client) => {
      const t = { inserted: 0, duplicates: 0, conflicts: 0, deadLetters: 0, events: 0 };
      for (const round of rounds) {
        for (let from = 0; from < round.channelIds.length; from += this.#opts.maxBatchRows) {
          const to = Math.min(round.channelIds.length, from + this.#opts.maxBatchRows);
          const out = await insertReadings(client, {
            channelIds: round.channelIds.slice(from, to), tsMs: round.tsMs.slice(from, to),
            values: round.values.slice(from, to), quality: round.quality.slice(from, to),
          }, this.#opts.source);
          t.inserted += out.inserted;
          t.duplicates += out.duplicates;
          t.conflicts += out.conflicts;
        }
      }
      await insertExtremes(client, mergeExtremes(reqs));
      t.deadLetters = await insertDeadLetters(client, letters);
      await insertEvents(client, events);
      t.events = events.length;
      return t;
    }, 1);
    this.stats.batches++;
    this.stats.inserted += totals.inserted;
    this.stats.duplicates += totals.duplicates;
    this.stats.conflicts += totals.conflicts;
    this.stats.deadLetters += totals.deadLetters;
    this.stats.events += totals.events;
    if (this.#onCommitted && totals.inserted > 0) {
      try {
        this.#onCommitted(committedRanges(rounds));
      } catch (err) {
        this.#log.error({ err: toError(err) }, 'onCommitted failed');
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.#abort.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }
}

/** The extremes of a batch as one set-based insert. @internal */
export function mergeExtremes(reqs: readonly StoreRequest[]): ExtremeRows {
  const all: ExtremeRows = { channelIds: [], tsMs: [], min: [], max: [], samples: [] };
  for (const r of reqs) {
    const x = r.extremes;
    if (!x) continue;
    all.channelIds.push(...x.channelIds);
    all.tsMs.push(...x.tsMs);
    all.min.push(...x.min);
    all.max.push(...x.max);
    all.samples.push(...x.samples);
  }
  return all;
}

/** Per channel, the span of interval starts of the readings in `rounds`. @internal */
export function committedRanges(rounds: readonly ReadingRows[]): CommittedRange[] {
  const spans = new Map<number, CommittedRange>();
  for (const r of rounds) {
    for (let i = 0; i < r.channelIds.length; i++) {
      const ch = r.channelIds[i]!;
      const ts = r.tsMs[i]!;
      const s = spans.get(ch);
      if (!s) spans.set(ch, { channelId: ch, fromMs: ts, toMs: ts + 1 });
      else {
        if (ts < s.fromMs) s.fromMs = ts;
        if (ts + 1 > s.toMs) s.toMs = ts + 1;
      }
    }
  }
  return [...spans.values()];
}

/**
 * Splits the readings of a batch into rounds in which each (channel, ts) appears once: the first
 * occurrence in round 1, a second one in round 2, and so on, so that a later duplicate meets the stored
 * first one (a no-op when equal, a conflict row when not) instead of colliding inside one statement.
 * @internal
 */
export function splitRounds(reqs: readonly StoreRequest[]): ReadingRows[] {
  const rounds: ReadingRows[] = [];
  const seen = new Map<number, Map<number, number>>(); // channel -> ts -> occurrences so far
  for (const req of reqs) {
    const r = req.readings;
    if (!r) continue;
    for (let i = 0; i < r.channelIds.length; i++) {
      const ch = r.channelIds[i]!;
      const ts = r.tsMs[i]!;
      let byTs = seen.get(ch);
      if (!byTs) seen.set(ch, (byTs = new Map()));
      const n = byTs.get(ts) ?? 0;
      byTs.set(ts, n + 1);
      let round = rounds[n];
      if (!round) rounds.push((round = { channelIds: [], tsMs: [], values: [], quality: [] }));
      round.channelIds.push(ch);
      round.tsMs.push(ts);
      round.values.push(r.values[i]!);
      round.quality.push(r.quality[i]!);
    }
  }
  return rounds;
}
