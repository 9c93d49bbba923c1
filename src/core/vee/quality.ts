/**
 * The quality of an interval's effective value (migrations/0010): the latest edit, else the raw reading,
 * else an estimate. A quality mask is a Uint8Array aligned with an IntervalSeries' values; where the
 * value is NaN (missing) the mask says nothing. Codes 0 and 1 are the stored reading_quality codes
 * (a reading the meter itself sent as estimated is estimated here too); 2 exists only in the mask.
 */
import { KeymeterError } from '../../errors.js';

export const QUALITY_ACTUAL = 0;
export const QUALITY_ESTIMATED = 1;
export const QUALITY_EDITED = 2;

/** Names on the API, indexed by code. */
export const QUALITY_NAMES = ['actual', 'estimated', 'edited'] as const;
export type QualityName = (typeof QUALITY_NAMES)[number];

/** The API name of a quality code (`code-<n>` for a code without one). */
export function qualityName(code: number): string {
  return QUALITY_NAMES[code] ?? `code-${code}`;
}

/**
 * Merges mask `b` into mask `a` in place for a sum of two aligned series (meters summed interval by
 * interval): an interval is estimated when either part is, else edited when either part is, else actual.
 */
export function mergeQualityInto(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new KeymeterError('KM_CORE_SHAPE', 'quality masks differ in length');
  for (let i = 0; i < a.length; i++) a[i] = combine(a[i]!, b[i]!);
  return a;
}

/**
 * The mask of a series summed up to a coarser interval `k` times its own (series.ts `sumToInterval`):
 * coarse interval i combines fine intervals i*k .. i*k+k-1 as mergeQualityInto does; a trailing partial
 * coarse interval is dropped, as sumToInterval drops it.
 */
export function sumQualityToInterval(mask: Uint8Array, k: number): Uint8Array {
  if (!Number.isInteger(k) || k < 1) throw new KeymeterError('KM_CORE_SHAPE', `cannot combine ${k} intervals`);
  if (k === 1) return mask;
  const n = Math.floor(mask.length / k);
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++) {
    let q = QUALITY_ACTUAL;
    for (const end = j + k; j < end; j++) q = combine(q, mask[j]!);
    out[i] = q;
  }
  return out;
}

function combine(a: number, b: number): number {
  if (a === QUALITY_ESTIMATED || b === QUALITY_ESTIMATED) return QUALITY_ESTIMATED;
  return a > b ? a : b;
}
