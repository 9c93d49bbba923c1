/**
 * VEE rule `gap`: intervals with no reading. A gap has no reading to carry its flag, so the flag goes on
 * the reading that ends it (the first one after the missing intervals), with how many intervals are
 * missing and where the gap starts. A gap at the end of the data is not flagged: until a later reading
 * arrives it is data not yet received (a meter that reports late), not yet a gap.
 */
import { intervalMs, type IntervalSeries } from '../series.js';
import { isoUtc } from '../time-zone.js';
import type { VeeFlag } from './flags.js';

/** A run of missing (NaN) intervals: [start, start + length) as indexes into the series. */
export interface MissingRun {
  start: number;
  length: number;
  /** Both neighbours are present in the series: a reading before the run and one after it. */
  closed: boolean;
}

/** The runs of NaN intervals of `values`, in order. */
export function missingRuns(values: Float64Array): MissingRun[] {
  const runs: MissingRun[] = [];
  const n = values.length;
  for (let i = 0; i < n;) {
    const v = values[i]!;
    if (v === v) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && values[j] !== values[j]) j++;
    runs.push({ start: i, length: j - i, closed: i > 0 && j < n });
    i = j;
  }
  return runs;
}

/**
 * Flags every reading that follows one or more missing intervals. `prevReadingMs` is the start of the
 * last reading before the series (epoch ms), when there is one: it measures a gap at the series' start.
 * Without it such a leading gap is not flagged (its length is unknown).
 * Detail: `missingIntervals` (count), `from` (start of the first missing interval, RFC 3339 UTC).
 */
export function gapFlags(series: IntervalSeries, prevReadingMs?: number): VeeFlag[] {
  const { values, startMs } = series;
  const stepMs = intervalMs(series);
  const flags: VeeFlag[] = [];
  let lastPresent = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    let missing = 0;
    if (lastPresent >= 0) missing = i - lastPresent - 1;
    else if (prevReadingMs !== undefined && prevReadingMs < startMs) missing = Math.round((startMs + i * stepMs - prevReadingMs) / stepMs) - 1;
    if (missing > 0) {
      flags.push({ index: i, rule: 'gap', detail: { missingIntervals: missing, from: isoUtc(startMs + (i - missing) * stepMs) } });
    }
    lastPresent = i;
  }
  return flags;
}
