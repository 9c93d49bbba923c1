/**
 * One file import inside one transaction: accepted readings are buffered as typed arrays (STYLE §8) and
 * stored a chunk at a time through storeReadingsBatch, double-buffered: while the database stores one
 * chunk the file is parsed into the other (one connection, so statements stay in order, but parsing and
 * storing overlap); rejected ones become dead letters with their
 * reason (STYLE §4: ingest never drops anything silently) in the same transaction, so a file that turns
 * out to be malformed halfway leaves nothing behind. The session also keeps the summary the command
 * prints: readings read, stored, duplicates, conflicts, rejects by reason, the span of each channel.
 */
import { keptPayload } from '../dead-letters.js';
import type { ErrorCode } from '../../src/errors.js';
import type { PoolClient } from '../../src/db/pool.js';
import { insertDeadLetters, type DeadLetterRow } from '../../src/db/queries/ingest.js';
import { storeReadingsBatch, type BatchOutcome } from './store-batch.js';

/** Rows per stored chunk: above STYLE §6's ~20k rows COPY pays off; 50k keeps a chunk near 1 MB of arrays. */
export const DEFAULT_CHUNK_ROWS = 20_000;
/** Dead letters are written in batches of this many rows. */
const DEAD_LETTER_BATCH = 5_000;
/** Details kept per rejection code for the summary. */
const EXAMPLES_PER_CODE = 3;

export interface ImportOptions {
  /** Recorded with conflicts and dead letters: 'greenbutton', 'csv'. */
  source: string;
  /** The file's name, kept as the dead letters' `topic_or_unit`. */
  fileLabel: string;
  /** When the import runs, epoch ms (dead letters' received_at). */
  nowMs: number;
  chunkRows?: number;
  /**
   * Runs in the import's transaction after each stored batch, with what it touched: the place for
   * validation and estimation of new readings (issue 10, VEE).
   */
  afterBatch?: (client: PoolClient, outcome: BatchOutcome) => Promise<void>;
}

export interface ChannelStats {
  readings: number;
  /** Earliest and latest interval start stored or offered, epoch ms UTC. */
  fromMs: number;
  toMs: number;
}

export interface ImportSummary {
  /** Readings found in the file (accepted and rejected). */
  readings: number;
  /** New readings stored. */
  stored: number;
  /** Already stored with the same value: nothing written. */
  duplicates: number;
  /** Already stored with another value: the stored one stays, both kept in reading_conflicts. */
  conflicts: number;
  rejected: number;
  /** Rejected readings by reason code, with the first few details. */
  rejects: Map<ErrorCode, { readings: number; examples: string[] }>;
  /** Offered readings by channel id. */
  channels: Map<number, ChannelStats>;
  /** Remarks for the person importing (e.g. a time zone that differs from the site's). */
  notes: string[];
}

export interface Rejection {
  code: ErrorCode;
  /** Starts with where in the file: `line 12: ...`. */
  detail: string;
  meterId: string | null;
  /** What was refused, kept (as JSON, cut to 8 KiB) with the dead letter. */
  payload: unknown;
  /** Readings this rejection covers (a whole IntervalBlock is one dead letter); default 1. */
  readings?: number;
}

export class ImportSession {
  readonly summary: ImportSummary = { readings: 0, stored: 0, duplicates: 0, conflicts: 0, rejected: 0, rejects: new Map(), channels: new Map(), notes: [] };
  readonly #client: PoolClient;
  readonly #opts: ImportOptions;
  readonly #chunk: number;
  #n = 0;
  #buf: ChunkBuffer;
  #spare: ChunkBuffer;
  /** The chunk being stored, if any; `#failed` keeps its error for the next flush or finish. */
  #inFlight: Promise<void> | undefined;
  #failed: unknown;
  #letters: DeadLetterRow[] = [];

  constructor(client: PoolClient, opts: ImportOptions) {
    this.#client = client;
    this.#opts = opts;
    this.#chunk = opts.chunkRows ?? DEFAULT_CHUNK_ROWS;
    this.#buf = chunkBuffer(this.#chunk);
    this.#spare = chunkBuffer(this.#chunk);
  }

  /**
   * Buffers an accepted reading (finite, on its channel's grid). Returns true when the buffer is full:
   * the caller then awaits `flush()` before pushing more.
   */
  push(channelId: number, tsMs: number, value: number, quality: number): boolean {
    const i = this.#n++;
    const b = this.#buf;
    b.channelIds[i] = channelId;
    b.tsMs[i] = tsMs;
    b.values[i] = value;
    b.quality[i] = quality;
    this.summary.readings++;
    let s = this.summary.channels.get(channelId);
    if (s === undefined) this.summary.channels.set(channelId, (s = { readings: 0, fromMs: tsMs, toMs: tsMs }));
    s.readings++;
    if (tsMs < s.fromMs) s.fromMs = tsMs;
    if (tsMs > s.toMs) s.toMs = tsMs;
    return this.#n >= this.#chunk;
  }

  /** Records a rejection (a dead letter and the summary). Returns true when dead letters should be flushed. */
  reject(r: Rejection): boolean {
    const n = r.readings ?? 1;
    this.summary.readings += n;
    this.summary.rejected += n;
    let c = this.summary.rejects.get(r.code);
    if (c === undefined) this.summary.rejects.set(r.code, (c = { readings: 0, examples: [] }));
    c.readings += n;
    if (c.examples.length < EXAMPLES_PER_CODE) c.examples.push(r.detail);
    const kept = keptPayload(Buffer.from(JSON.stringify(r.payload) ?? 'null'));
    this.#letters.push({
      receivedAtMs: this.#opts.nowMs, source: this.#opts.source, topicOrUnit: this.#opts.fileLabel, meterId: r.meterId,
      payload: kept.payload, payloadTruncated: kept.truncated, code: r.code, detail: r.detail.slice(0, 2000),
    });
    return this.#letters.length >= DEAD_LETTER_BATCH;
  }

  note(text: string): void {
    if (!this.summary.notes.includes(text)) this.summary.notes.push(text);
  }

  /**
   * Hands the buffered readings to the database and returns once the chunk before them is stored (the
   * buffer it used is then free for the next readings). Dead letters are written after that chunk.
   */
  async flush(): Promise<void> {
    await this.#settle();
    if (this.#n > 0) {
      const n = this.#n;
      const full = this.#buf;
      this.#buf = this.#spare;
      this.#spare = full;
      this.#n = 0;
      this.#inFlight = this.#store(full, n).catch((err: unknown) => {
        this.#failed = err;
      });
    }
    if (this.#letters.length > 0) {
      await this.#settle();
      while (this.#letters.length > 0) await insertDeadLetters(this.#client, this.#letters.splice(0, DEAD_LETTER_BATCH));
    }
  }

  /** Stores everything still buffered and waits until it is; call before the transaction commits. */
  async finish(): Promise<void> {
    await this.flush();
    await this.#settle();
  }

  /** Waits for the chunk in flight; rethrows its error. */
  async #settle(): Promise<void> {
    if (this.#inFlight) {
      await this.#inFlight;
      this.#inFlight = undefined;
    }
    if (this.#failed !== undefined) throw this.#failed;
  }

  async #store(b: ChunkBuffer, n: number): Promise<void> {
    const outcome = await storeReadingsBatch(this.#client, {
      channelIds: b.channelIds.subarray(0, n), tsMs: b.tsMs.subarray(0, n), values: b.values.subarray(0, n), quality: b.quality.subarray(0, n),
    }, this.#opts.source);
    this.summary.stored += outcome.inserted;
    this.summary.duplicates += outcome.duplicates;
    this.summary.conflicts += outcome.conflicts;
    await this.#opts.afterBatch?.(this.#client, outcome);
  }
}

interface ChunkBuffer {
  channelIds: Int32Array;
  tsMs: Float64Array;
  values: Float64Array;
  quality: Uint8Array;
}

function chunkBuffer(rows: number): ChunkBuffer {
  return { channelIds: new Int32Array(rows), tsMs: new Float64Array(rows), values: new Float64Array(rows), quality: new Uint8Array(rows) };
}
