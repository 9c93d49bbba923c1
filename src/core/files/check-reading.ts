/**
 * The checks a file reading must pass against its channel before it is stored, the same rules as MQTT
 * ingest (CONTRACT.md "MQTT"; src/core/ingest/payload.ts `validateAgainstChannels`): a finite value, an
 * interval start on the channel's grid in the site's local time (`(start + utcOffset) % interval === 0`,
 * the UTC grid wherever the offset is a multiple of the interval), and no start more than MAX_FUTURE_MS
 * after the caller's clock. Pure: the clock comes in; the good path allocates nothing.
 */
import type { ErrorCode } from '../../errors.js';
import type { ChannelKind } from '../channels.js';
import { MAX_FUTURE_MS } from '../ingest/payload.js';
import { isoUtc } from '../time-zone.js';
import type { ZoneOffsets } from '../zone-offsets.js';

const MINUTE_MS = 60_000;

/** A channel of the meter being imported into. */
export interface FileChannel {
  channelId: number;
  kind: ChannelKind;
  /** The unit its values are stored in (reading-type.ts `channelUnit`). */
  unit: string;
  intervalMinutes: number;
  /** The site's zone, whose local clock sets the grid. */
  offsets: ZoneOffsets;
}

export interface ReadingProblem {
  code: ErrorCode;
  reason: string;
}

function mod(a: number, m: number): number {
  const x = a % m;
  return x < 0 ? x + m : x;
}

/**
 * Null when the reading may be stored, else why not.
 *
 * @param tsMs interval start, epoch ms UTC
 * @param nowMs the caller's clock, epoch ms
 */
export function checkReading(ch: FileChannel, tsMs: number, value: number, nowMs: number): ReadingProblem | null {
  if (!Number.isFinite(value)) return { code: 'KM_INGEST_NOT_FINITE', reason: `the value ${value} is not a finite number` };
  const intervalMs = ch.intervalMinutes * MINUTE_MS;
  const offsetMs = ch.offsets.at(tsMs);
  const phase = mod(tsMs + offsetMs, intervalMs);
  if (phase !== 0) {
    const before = tsMs - phase;
    return {
      code: 'KM_INGEST_OFF_GRID',
      reason: `${isoUtc(tsMs)} is not on the ${ch.intervalMinutes}-minute grid of ${ch.kind}${offsetMs % intervalMs === 0 ? '' : ` (${ch.offsets.timeZone} local time)`}; nearest starts ${isoUtc(before)} and ${isoUtc(before + intervalMs)}`,
    };
  }
  if (tsMs > nowMs + MAX_FUTURE_MS) {
    return { code: 'KM_INGEST_FUTURE', reason: `${isoUtc(tsMs)} starts more than ${MAX_FUTURE_MS / MINUTE_MS} minutes after now (${isoUtc(nowMs)})` };
  }
  return null;
}
