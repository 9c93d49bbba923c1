/**
 * Interval energy from a cumulative counter (kWh, kvarh) polled now and then: the counter is
 * interpolated linearly at each interval boundary between the two samples around it, and an interval's
 * energy is the difference of its two boundary values. Pure and allocation-light; the state is a small
 * JSON-safe object the poller keeps (and stores with its lease, so another poller can carry on).
 *
 * - Rollover: a counter that drops by less than its modulus / ROLLOVER_WINDOW_DIVISOR after wrapping
 *   (old near the top, new near zero) wrapped; the energy is new + modulus - old.
 * - Reset: any other drop (a meter reset or replaced, a counter cleared) is reported and starts a new
 *   track: the intervals between the last sample before it and the first after it are left missing,
 *   so a reset never yields a negative or a huge interval.
 * - Gaps: boundaries interpolated between samples at most `actualMaxGapMs` apart are measured; farther
 *   apart (a silent meter, a poller restart) they are estimates and the intervals they bound are marked
 *   estimated; beyond `interpolateMaxGapMs` nothing is interpolated and those intervals stay missing.
 */
import type { IntervalGrid } from '../ingest/interval-grid.js';

/**
 * A wrap is recognised when the unwrapped step is under an eighth of the counter's range: a 32-bit Wh
 * counter (4.29 GWh) then wraps only from its top eighth into its bottom eighth, which no meter
 * crosses in one poll, while a reset from anywhere below 7/8 of the range is never mistaken for a wrap.
 */
export const ROLLOVER_WINDOW_DIVISOR = 8;

/** Interval values are rounded to 1e-9 of the unit (1 mWh for kWh): the poll's float noise, not data. */
const VALUE_DECIMALS = 1e9;

export interface CounterTrack {
  /** The last sample: when (epoch ms), the counter as read, and its unwrapped running value. */
  lastTMs: number;
  lastRaw: number;
  lastAcc: number;
  /** The last boundary whose counter value is known (epoch ms), or null before the first one. */
  edgeTMs: number | null;
  edgeAcc: number;
  edgeEstimated: boolean;
}

export interface CounterSample {
  tMs: number;
  /** The counter as read, NaN when missing. */
  value: number;
  /** Where it wraps (Infinity: never). */
  modulus: number;
}

export interface CounterOptions {
  grid: IntervalGrid;
  /** Boundaries interpolated between samples farther apart than this are estimates. */
  actualMaxGapMs: number;
  /** Samples farther apart than this are not interpolated between at all. */
  interpolateMaxGapMs: number;
}

export interface EnergyInterval {
  /** Interval start, epoch ms; the interval is [startMs, startMs + L). */
  startMs: number;
  /** Energy in the interval, in the counter's unit. Never negative. */
  value: number;
  estimated: boolean;
}

export interface CounterReset {
  fromTMs: number;
  toTMs: number;
  before: number;
  after: number;
}

export interface CounterStep {
  track: CounterTrack | null;
  reset?: CounterReset;
}

/**
 * Feeds one sample to a counter track and appends the intervals it completes to `out`, in order.
 * A missing sample (NaN) changes nothing; a sample not after the last one is ignored. The track passed
 * in is not modified; the returned one replaces it.
 */
export function advanceCounter(track: CounterTrack | null, s: CounterSample, opts: CounterOptions, out: EnergyInterval[]): CounterStep {
  if (!Number.isFinite(s.value)) return { track };
  const { grid } = opts;
  if (track === null) return { track: startTrack(s, grid) };
  if (!(s.tMs > track.lastTMs)) return { track };

  let delta = s.value - track.lastRaw;
  if (delta < 0) {
    const wrapped = delta + s.modulus;
    if (!(Number.isFinite(wrapped) && wrapped >= 0 && wrapped <= s.modulus / ROLLOVER_WINDOW_DIVISOR)) {
      return { track: startTrack(s, grid), reset: { fromTMs: track.lastTMs, toTMs: s.tMs, before: track.lastRaw, after: s.value } };
    }
    delta = wrapped;
  }

  const gapMs = s.tMs - track.lastTMs;
  const acc = track.lastAcc + delta;
  const next: CounterTrack = { ...track, lastTMs: s.tMs, lastRaw: s.value, lastAcc: acc };
  if (gapMs > opts.interpolateMaxGapMs) {
    // Too long to interpolate: the intervals in the gap stay missing; carry on from this sample.
    next.edgeTMs = grid.isStart(s.tMs) ? s.tMs : null;
    next.edgeAcc = acc;
    next.edgeEstimated = false;
    return { track: next };
  }
  const estimated = gapMs > opts.actualMaxGapMs;
  // Every boundary in (lastT, t]: interpolated between the two samples.
  for (let b = grid.next(grid.startOf(track.lastTMs)); b <= s.tMs; b = grid.next(b)) {
    const bAcc = b === s.tMs ? acc : track.lastAcc + (delta * (b - track.lastTMs)) / gapMs;
    if (next.edgeTMs !== null && grid.next(next.edgeTMs) === b) {
      out.push({ startMs: next.edgeTMs, value: Math.round((bAcc - next.edgeAcc) * VALUE_DECIMALS) / VALUE_DECIMALS + 0, estimated: estimated || next.edgeEstimated });
    }
    next.edgeTMs = b;
    next.edgeAcc = bAcc;
    next.edgeEstimated = estimated;
  }
  return { track: rebase(next) };
}

function startTrack(s: CounterSample, grid: IntervalGrid): CounterTrack {
  return { lastTMs: s.tMs, lastRaw: s.value, lastAcc: 0, edgeTMs: grid.isStart(s.tMs) ? s.tMs : null, edgeAcc: 0, edgeEstimated: false };
}

/** Keeps the running value small (relative to the last edge), so float precision does not erode over years. */
function rebase(t: CounterTrack): CounterTrack {
  if (t.edgeTMs === null) return { ...t, lastAcc: 0, edgeAcc: 0 };
  const shift = t.edgeAcc;
  return { ...t, lastAcc: t.lastAcc - shift, edgeAcc: 0 };
}
