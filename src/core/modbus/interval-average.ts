/**
 * Interval averages of instantaneous values (kW, V, A, PF, Hz) from polls: each sample counts for the
 * interval [start, start + L) that contains its time, and an interval's value is the mean of its
 * samples (CONTRACT.md "MQTT": "the interval average for the others"). Min and max are kept beside the
 * mean; the poller stores them for the voltage channels (migrations/0006: reading_extremes), the raw
 * material of sag and swell checks at interval resolution. Pure; the state is JSON-safe.
 */
import type { IntervalGrid } from '../ingest/interval-grid.js';

/** Means are rounded to 1e-9 of the unit: what is left of the summation's float noise is not data. */
const VALUE_DECIMALS = 1e9;

export interface AverageTrack {
  /** Start of the interval being accumulated, epoch ms. */
  startMs: number;
  sum: number;
  n: number;
  min: number;
  max: number;
}

export interface AverageInterval {
  startMs: number;
  /** Mean of the samples. */
  value: number;
  min: number;
  max: number;
  samples: number;
  /** Fewer than half the samples one poll per period would give: the mean may not represent the interval. */
  estimated: boolean;
}

/**
 * Adds a sample (NaN: missing, skipped) and appends the interval it closes, if any, to `out`.
 * @param expectedSamples samples an interval gets when every poll succeeds (L / poll period)
 */
export function addAverageSample(track: AverageTrack | null, tMs: number, value: number, grid: IntervalGrid, expectedSamples: number, out: AverageInterval[]): AverageTrack | null {
  let t = closeAverage(track, tMs, grid, expectedSamples, out);
  if (!Number.isFinite(value)) return t;
  const startMs = grid.startOf(tMs);
  if (t !== null && t.startMs > startMs) return t; // a sample older than the open interval: ignored
  if (t === null) t = { startMs, sum: 0, n: 0, min: value, max: value };
  return { startMs, sum: t.sum + value, n: t.n + 1, min: Math.min(t.min, value), max: Math.max(t.max, value) };
}

/**
 * Appends the open interval to `out` when it ended at or before `nowMs` (a poll that failed still
 * closes it), and returns the track that remains.
 */
export function closeAverage(track: AverageTrack | null, nowMs: number, grid: IntervalGrid, expectedSamples: number, out: AverageInterval[]): AverageTrack | null {
  if (track === null || grid.next(track.startMs) > nowMs) return track;
  if (track.n > 0) {
    out.push({
      startMs: track.startMs, value: Math.round((track.sum / track.n) * VALUE_DECIMALS) / VALUE_DECIMALS, min: track.min, max: track.max, samples: track.n,
      estimated: track.n * 2 < expectedSamples,
    });
  }
  return null;
}
