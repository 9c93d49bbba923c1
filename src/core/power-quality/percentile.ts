/** Percentiles of a sample with NaN (missing) values left out. */

/** The present (non-NaN) values, sorted ascending, in a new array. */
export function presentSorted(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === v) out[j++] = v;
  }
  return out.sort();
}

/**
 * The nearest-rank p-quantile of ascending `sorted`: the smallest value with at least p of the values at
 * or below it, i.e. the ceil(p x n)-th value. NaN for an empty sample. p in (0, 1].
 */
export function nearestRank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * sorted.length - 1e-9)); // 1e-9: 0.95 x 20 is 19.000000000000004 in binary
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
