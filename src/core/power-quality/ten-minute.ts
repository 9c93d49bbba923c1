/**
 * 10-minute mean values (EN 50160 §4.2.2 and IEEE 519-2014 §5.1 assess 10-minute values; IEC 61000-4-30
 * clause 4.5 aggregates them on the absolute 10-minute clock). Finer interval averages are averaged into
 * the 10-minute windows of the UTC clock. Coarser data (15, 30, 60 minutes) cannot be split: its interval
 * averages are used as they are, one value per interval, and `intervalMinutes` says so. Longer averages
 * smooth out short excursions, so a share within limits computed from them reads higher than one from
 * true 10-minute values would.
 */
import { MINUTE_MS, type IntervalSeries } from '../series.js';
import { TEN_MINUTES } from './limits.js';

const WINDOW_MS = TEN_MINUTES * MINUTE_MS;
/** A 10-minute mean needs at least half of its intervals present (else NaN); a choice, not a standard's value. */
export const MIN_PRESENT_SHARE = 0.5;

/**
 * The 10-minute means of an interval-average series (V, %, ...): NaN where fewer than MIN_PRESENT_SHARE
 * of a window's intervals are present, or where any interval of the window is flagged (`flagged[i]` != 0:
 * IEC 61000-4-30 clause 4.7, a value that includes an interruption is flagged and left out of the
 * statistics). Window w starts at `startMs + w x 10 min` (startMs on the 10-minute grid). Coarser series
 * come back with their own interval, flagged intervals set to NaN. RangeError for an interval below 10
 * minutes that does not divide 10. Allocates the output only.
 */
export function tenMinuteMeans(s: IntervalSeries, flagged?: Uint8Array): IntervalSeries {
  const n = s.values.length;
  const src = s.values;
  if (s.intervalMinutes >= TEN_MINUTES) {
    const out = Float64Array.from(src);
    if (flagged !== undefined) for (let i = 0; i < n; i++) if (flagged[i] !== 0) out[i] = NaN;
    return { startMs: s.startMs, intervalMinutes: s.intervalMinutes, values: out };
  }
  if (TEN_MINUTES % s.intervalMinutes !== 0) throw new RangeError(`a ${s.intervalMinutes}-minute series cannot be averaged into 10-minute windows`);
  const perWindow = TEN_MINUTES / s.intervalMinutes;
  const stepMs = s.intervalMinutes * MINUTE_MS;
  const w0 = Math.floor(s.startMs / WINDOW_MS) * WINDOW_MS;
  const windows = n === 0 ? 0 : Math.floor((s.startMs + (n - 1) * stepMs - w0) / WINDOW_MS) + 1;
  const sum = new Float64Array(windows);
  const count = new Float64Array(windows); // present intervals; -Infinity once flagged
  const offsetMs = s.startMs - w0;
  for (let i = 0; i < n; i++) {
    const w = Math.floor((offsetMs + i * stepMs) / WINDOW_MS);
    if (flagged !== undefined && flagged[i] !== 0) {
      count[w] = -Infinity;
      continue;
    }
    const v = src[i]!;
    if (v !== v) continue;
    sum[w] = sum[w]! + v;
    count[w] = count[w]! + 1;
  }
  const minPresent = perWindow * MIN_PRESENT_SHARE;
  for (let w = 0; w < windows; w++) {
    const c = count[w]!;
    sum[w] = c >= minPresent && c > 0 ? sum[w]! / c : NaN;
  }
  return { startMs: w0, intervalMinutes: TEN_MINUTES, values: sum };
}
