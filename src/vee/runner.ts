/**
 * The in-process VEE runner: the ingest writer hands it the channel ranges of every committed batch
 * (ingest/writer.ts `onCommitted`), and it validates and estimates them in the background (run.ts),
 * after the commit and never on the acknowledgement's path: `notify` only records the ranges and
 * returns.
 *
 * Ranges of one channel that lie within MERGE_GAP_MS of each other are merged, so a stream of live
 * batches becomes one pass per channel per round, not one per batch; passes run one at a time (one pool
 * connection), a round starting `settleMs` after the first notification so that the batches of a burst
 * are gathered first. The runner yields to ingest: after a round that took d ms the next one waits at
 * least IDLE_FACTOR x d, so VEE holds a connection at most a quarter of the time while batches keep
 * coming (on the embedded database, whose one connection ingest shares, that is what keeps a backfill
 * fast; the work is not lost, it merges into fewer, longer passes). A pass that fails on a
 * transient database error is queued again with capped backoff; any other failure is logged and
 * dropped (`keymeter vee run` redoes any range). What is still queued at `close()` is run then, within
 * its time limit; what is left after that is logged.
 */
import { classifyDbError, isRetryable } from '../db/errors.js';
import { KeymeterError, toError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Pool } from '../db/pool.js';
import { runVee, type TouchedRange, type VeePassResult } from './run.js';

/** Ranges of one channel this close (or overlapping) are run as one. Two days: the affected margins overlap. */
const MERGE_GAP_MS = 2 * 24 * 60 * 60 * 1000;
/** Wait after the first notification before running, so that a burst of batches is gathered first. */
const DEFAULT_SETTLE_MS = 1000;
/** Idle time after a round, as a multiple of the round's duration: VEE takes at most 1 / (1 + 3) of the time. */
const IDLE_FACTOR = 3;
const MIN_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 60 * 1000;
/** Default time `close()` keeps running what is queued. */
const DEFAULT_CLOSE_MS = 10 * 1000;

export interface VeeRunnerOptions {
  /** Wait before a round starts, ms (default 1000). */
  settleMs?: number;
  /** Called after each pass (tests, metrics). */
  onPass?: (result: VeePassResult) => void;
}

export interface VeeRunnerStats {
  passes: number;
  flagsWritten: number;
  estimatesWritten: number;
  failures: number;
}

export class VeeRunner {
  readonly stats: VeeRunnerStats = { passes: 0, flagsWritten: 0, estimatesWritten: 0, failures: 0 };
  readonly #pool: Pool;
  readonly #log: Logger;
  readonly #settleMs: number;
  readonly #onPass: ((r: VeePassResult) => void) | undefined;
  /** Channel -> its pending ranges, disjoint and further apart than MERGE_GAP_MS. */
  readonly #pending = new Map<number, { fromMs: number; toMs: number }[]>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #retryAttempt = 0;
  #lastRoundMs = 0;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(pool: Pool, log: Logger, options: VeeRunnerOptions = {}) {
    this.#pool = pool;
    this.#log = log.child({ component: 'vee.runner' });
    this.#settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.#onPass = options.onPass;
  }

  /** Records ranges to validate; returns at once (never throws, never waits for the database). */
  notify(ranges: readonly TouchedRange[]): void {
    if (this.#closed) return;
    for (const r of ranges) this.#add(r);
    if (ranges.length > 0) this.#schedule(this.#settleMs);
  }

  /** Channels with ranges waiting. */
  get pendingChannels(): number {
    return this.#pending.size;
  }

  /** Resolves when nothing is queued or running (tests; the CLI runs passes directly). */
  async idle(): Promise<void> {
    if (this.#pending.size === 0 && this.#running === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#start();
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops taking ranges and runs what is queued, for at most `limitMs`. */
  async close(limitMs = DEFAULT_CLOSE_MS): Promise<void> {
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limitMs);
      timer.unref();
    });
    const outcome = await Promise.race([this.idle().then(() => 'idle' as const), limit]);
    clearTimeout(timer);
    clearTimeout(this.#timer);
    if (outcome === 'timeout') this.#log.warn({ channels: this.#pending.size }, 'vee runner closed with ranges still queued; run `keymeter vee run` over them');
    this.#pending.clear();
  }

  #add(r: TouchedRange): void {
    const list = this.#pending.get(r.channelId) ?? [];
    let from = r.fromMs;
    let to = r.toMs;
    const keep: { fromMs: number; toMs: number }[] = [];
    for (const x of list) {
      if (x.fromMs - MERGE_GAP_MS <= to && from <= x.toMs + MERGE_GAP_MS) {
        from = Math.min(from, x.fromMs);
        to = Math.max(to, x.toMs);
      } else {
        keep.push(x);
      }
    }
    keep.push({ fromMs: from, toMs: to });
    keep.sort((a, b) => a.fromMs - b.fromMs);
    this.#pending.set(r.channelId, keep);
  }

  #schedule(delayMs: number): void {
    if (this.#running !== undefined || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#start();
    }, delayMs);
    this.#timer.unref();
  }

  #start(): void {
    if (this.#running !== undefined) return;
    this.#running = this.#round().finally(() => {
      this.#running = undefined;
      if (this.#pending.size === 0) {
        for (const w of this.#idleWaiters.splice(0)) w();
      } else if (this.#retryAttempt > 0) {
        this.#schedule(Math.min(MAX_RETRY_DELAY_MS, MIN_RETRY_DELAY_MS * 2 ** this.#retryAttempt));
      } else if (this.#idleWaiters.length > 0 || this.#closed) {
        this.#start();
      } else {
        this.#schedule(Math.max(this.#settleMs, IDLE_FACTOR * this.#lastRoundMs));
      }
    });
  }

  /** Runs every range queued when the round starts; ranges notified meanwhile wait for the next round. */
  async #round(): Promise<void> {
    const startedMs = performance.now();
    try {
      await this.#runAll();
    } finally {
      this.#lastRoundMs = performance.now() - startedMs;
    }
  }

  async #runAll(): Promise<void> {
    const work = [...this.#pending.entries()].flatMap(([channelId, list]) => list.map((r) => ({ channelId, ...r })));
    this.#pending.clear();
    for (const [k, range] of work.entries()) {
      try {
        for (const result of await runVee(this.#pool, range)) {
          this.stats.passes++;
          this.stats.flagsWritten += result.flagsWritten;
          this.stats.estimatesWritten += result.estimatesWritten;
          this.#log.debug({ result }, 'vee pass');
          this.#onPass?.(result);
        }
        this.#retryAttempt = 0;
      } catch (err) {
        this.stats.failures++;
        if (isTransient(err) && !this.#closed) {
          // The database is away: put this range and the rest of the round back, and wait.
          this.#retryAttempt = Math.min(this.#retryAttempt + 1, 16);
          this.#log.warn({ err: toError(err), channelId: range.channelId }, 'vee pass failed; retrying later');
          for (const r of work.slice(k)) this.#add(r);
          return;
        }
        this.#log.error({ err: toError(err), channelId: range.channelId, fromMs: range.fromMs, toMs: range.toMs }, 'vee pass failed; range dropped');
      }
    }
  }
}

/** The database is out of reach or asked for a retry (as ingest/writer.ts `isTransientStoreError`). */
function isTransient(err: unknown): boolean {
  if (isRetryable(err)) return true;
  const c = classifyDbError(err);
  return c instanceof KeymeterError && (c.code === 'KM_DB_UNAVAILABLE' || c.code === 'KM_DB_TIMEOUT');
}
