/**
 * The one function every file import stores readings through: a batch goes to the bulk path (COPY into
 * staging, then the shared insert/conflict rules, src/db/queries/readings-bulk.ts) in the caller's
 * transaction, and the outcome says what the batch touched, per channel. Whatever must run on the
 * readings a batch brought in (validation, estimation and editing, issue 10's VEE) hooks in here through
 * `ImportOptions.afterBatch` (import-session.ts), in the same transaction, with that outcome.
 */
import type { PoolClient } from '../../src/db/pool.js';
import { copyReadings } from '../../src/db/queries/readings-bulk.js';
import type { InsertOutcome, ReadingsBatch } from '../../src/db/queries/readings.js';

/** A channel's part of a batch: its readings' earliest and latest interval starts. */
export interface ChannelSpan {
  channelId: number;
  /** Earliest interval start, epoch ms UTC. */
  fromMs: number;
  /** Latest interval start, epoch ms UTC (its interval ends one channel interval later). */
  toMs: number;
  /** Readings of the batch for this channel (stored, duplicate or conflicting). */
  readings: number;
}

export interface BatchOutcome extends InsertOutcome {
  /** Every channel the batch offered readings for, whether they were new, duplicates or conflicts. */
  touched: ChannelSpan[];
}

/** Stores a batch (values finite, on their grids: checked by the caller) and reports what it touched. */
export async function storeReadingsBatch(client: PoolClient, batch: ReadingsBatch, source: string): Promise<BatchOutcome> {
  const outcome = await copyReadings(client, batch, source);
  const spans = new Map<number, ChannelSpan>();
  for (let i = 0; i < batch.channelIds.length; i++) {
    const id = batch.channelIds[i]!;
    const ts = batch.tsMs[i]!;
    const s = spans.get(id);
    if (s === undefined) spans.set(id, { channelId: id, fromMs: ts, toMs: ts, readings: 1 });
    else {
      if (ts < s.fromMs) s.fromMs = ts;
      if (ts > s.toMs) s.toMs = ts;
      s.readings++;
    }
  }
  return { ...outcome, touched: [...spans.values()] };
}
