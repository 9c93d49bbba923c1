import { DEAD_LETTER_PAYLOAD_BYTES, type Rejection } from '../src/core/ingest/payload.js';
import type { DeadLetterRow } from '../src/db/queries/ingest.js';

export interface DeadLetterContext {
  source: string;
  topicOrUnit: string | null;
  meterId: string | null;
  receivedAtMs: number;
}

/** The payload kept with a dead letter, cut to DEAD_LETTER_PAYLOAD_BYTES. */
export function keptPayload(payload: Uint8Array): { payload: Buffer; truncated: boolean } {
  const truncated = payload.length > DEAD_LETTER_PAYLOAD_BYTES;
  const bytes = truncated ? payload.subarray(0, DEAD_LETTER_PAYLOAD_BYTES) : payload;
  return { payload: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), truncated };
}

/**
 * Dead-letter rows for rejections. A rejection of the whole message keeps the message; one of a single
 * reading keeps that reading (as JSON), so each row says exactly what was refused and why.
 */
export function deadLettersFor(ctx: DeadLetterContext, rejections: readonly Rejection[], message: Uint8Array): DeadLetterRow[] {
  return rejections.map((r) => {
    const kept = r.index === null || r.item === undefined ? keptPayload(message) : keptPayload(Buffer.from(JSON.stringify(r.item) ?? 'null'));
    return {
      receivedAtMs: ctx.receivedAtMs,
      source: ctx.source,
      topicOrUnit: ctx.topicOrUnit,
      meterId: ctx.meterId,
      payload: kept.payload,
      payloadTruncated: kept.truncated,
      code: r.code,
      detail: r.detail.slice(0, 2000),
    };
  });
}
