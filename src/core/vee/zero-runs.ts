/**
 * VEE rule `zero_run`: a long run of zero readings on a channel that is usually not zero, the mark of a
 * stuck register, an open CT or a meter reporting zeros instead of nothing.
 *
 * A run is ZERO_RUN_MIN_MINUTES or more of consecutive readings that are exactly 0 (a missing interval
 * ends the run). The channel is "usually not zero" for that run when, among the present readings of the
 * series outside the run, at most ZERO_USUAL_MAX_SHARE are zero, and there are at least a day's worth of
 * them to judge by. A channel that is often zero (a kwh_rec of a solar site at night, a standby pump)
 * has many zeros outside any one run, so its runs are not flagged. Every reading of a flagged run is
 * flagged.
 */
import { MINUTE_MS, type IntervalSeries } from '../series.js';
import { isoUtc } from '../time-zone.js';
import type { VeeFlag } from './flags.js';

/** Shortest run of zeros that is flagged: 4 hours. */
export const ZERO_RUN_MIN_MINUTES = 4 * 60;
/** Largest share of zeros among the other readings for the channel to count as usually not zero. */
export const ZERO_USUAL_MAX_SHARE = 0.05;
/** Other readings needed to judge the channel: one day's worth. */
export const ZERO_BASELINE_MINUTES = 24 * 60;

/** Flags every reading of each long zero run. Detail: `runIntervals`, `runFrom` (RFC 3339 UTC). */
export function zeroRunFlags(series: IntervalSeries): VeeFlag[] {
  const { values, startMs, intervalMinutes } = series;
  const n = values.length;
  const minRun = Math.max(2, Math.ceil(ZERO_RUN_MIN_MINUTES / intervalMinutes));
  const minBaseline = Math.ceil(ZERO_BASELINE_MINUTES / intervalMinutes);
  let present = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    present++;
    if (v === 0) zeros++;
  }
  const flags: VeeFlag[] = [];
  for (let i = 0; i < n;) {
    if (values[i] !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && values[j] === 0) j++;
    const run = j - i;
    const others = present - run;
    if (run >= minRun && others >= minBaseline && (zeros - run) / others <= ZERO_USUAL_MAX_SHARE) {
      const detail = { runIntervals: run, runFrom: isoUtc(startMs + i * intervalMinutes * MINUTE_MS) };
      for (let k = i; k < j; k++) flags.push({ index: k, rule: 'zero_run', detail });
    }
    i = j;
  }
  return flags;
}
