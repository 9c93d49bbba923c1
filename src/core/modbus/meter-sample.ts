/**
 * What one poll of a Modbus meter yields once decoded, whatever the register layout (SunSpec or a JSON
 * register map): instantaneous values and cumulative counters by channel kind, in the channel's unit
 * (CONTRACT.md "Channels"), plus the values that could not be decoded and why. Missing is NaN, never a
 * number that only looks like one (a "not implemented" sentinel, a NaN float, a bad scale factor).
 */
import type { ChannelKind } from '../channels.js';

export interface CounterValue {
  /** The counter's reading in the channel's unit (kWh, kvarh, ...); NaN when missing. */
  value: number;
  /** Where the counter wraps back to zero, in the same unit; Infinity when it never does. */
  modulus: number;
}

/** Why a value was refused (an ErrorCodes code, see src/errors.ts), with the register it came from. */
export interface DecodeIssue {
  code: 'KM_INGEST_DECODE_RANGE';
  /** The vendor's name of the point, e.g. `V_SF` or `Phase 1 line to neutral volts`. */
  point: string;
  /** Register address of the point (0-based, as on the wire). */
  address: number;
  /** The register words as read, hex, for the dead letter. */
  raw: string;
  detail: string;
}

export interface MeterSample {
  /** Interval-average kinds (kw, v_a, pf, ...): the instantaneous value; NaN when missing. */
  instant: Map<ChannelKind, number>;
  /** Energy kinds (kwh_del, ...): the cumulative register. */
  counters: Map<ChannelKind, CounterValue>;
  issues: DecodeIssue[];
}

export function emptySample(): MeterSample {
  return { instant: new Map(), counters: new Map(), issues: [] };
}

/** The register words of `view` from byte `at`, `words` long, as `0x1234 0xabcd`. */
export function hexWords(view: DataView, at: number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words && at + 2 * i + 1 < view.byteLength; i++) out.push(`0x${view.getUint16(at + 2 * i).toString(16).padStart(4, '0')}`);
  return out.join(' ');
}
