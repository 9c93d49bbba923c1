/**
 * From polls to interval readings for one meter: each decoded sample goes to the counter track
 * (energy kinds) or the average track (the others) of every channel the meter has, and what those close
 * comes out as readings on the channel's own grid. Pure: the caller passes the time of the sample and
 * keeps the state (JSON-safe) between polls.
 */
import { isCumulativeKind, type ChannelKind } from '../channels.js';
import type { IntervalGrid } from '../ingest/interval-grid.js';
import { addAverageSample, closeAverage, type AverageInterval, type AverageTrack } from './interval-average.js';
import { advanceCounter, type CounterReset, type CounterTrack, type EnergyInterval } from './counter-intervals.js';
import type { MeterSample } from './meter-sample.js';

/** Kinds whose interval min and max are kept beside the mean (power quality: sags and swells). */
export const EXTREME_KINDS: ReadonlySet<ChannelKind> = new Set<ChannelKind>(['v_a', 'v_b', 'v_c']);

/**
 * Longest gap between samples that is still interpolated across: one hour, a common VEE (validation,
 * editing, estimation) limit for linear interpolation of interval data; longer gaps are left missing
 * for estimation from history, which interpolation would only disguise.
 */
export const MAX_INTERPOLATION_GAP_MS = 60 * 60_000;

export interface ChannelPlan {
  kind: ChannelKind;
  channelId: number;
  grid: IntervalGrid;
}

export interface IntervalState {
  counters: Partial<Record<ChannelKind, CounterTrack>>;
  averages: Partial<Record<ChannelKind, AverageTrack>>;
}

export interface ReadingOut {
  channelId: number;
  kind: ChannelKind;
  tsMs: number;
  value: number;
  /** reading_quality: 0 actual, 1 estimated. */
  quality: 0 | 1;
}

export interface ExtremeOut {
  channelId: number;
  tsMs: number;
  min: number;
  max: number;
  samples: number;
}

export interface ResetOut extends CounterReset {
  kind: ChannelKind;
}

export interface IntervalOutput {
  readings: ReadingOut[];
  extremes: ExtremeOut[];
  resets: ResetOut[];
}

export function emptyIntervalState(): IntervalState {
  return { counters: {}, averages: {} };
}

/**
 * Feeds a poll to the meter's channels. `sample` is null when the poll failed: then only averages whose
 * interval has ended by `tMs` are closed. Returns the new state (the one passed in is not modified).
 *
 * @param tMs when the values were read, epoch ms
 * @param pollMs the poll period, which sets when a gap makes an estimate (more than 2.5 periods) and
 *   how many samples an interval should get
 */
export function accumulateSample(state: IntervalState, sample: MeterSample | null, tMs: number, channels: readonly ChannelPlan[], pollMs: number): { state: IntervalState; output: IntervalOutput } {
  const next: IntervalState = { counters: { ...state.counters }, averages: { ...state.averages } };
  const output: IntervalOutput = { readings: [], extremes: [], resets: [] };
  const energy: EnergyInterval[] = [];
  const means: AverageInterval[] = [];
  for (const ch of channels) {
    if (isCumulativeKind(ch.kind)) {
      const c = sample?.counters.get(ch.kind);
      if (c === undefined) continue;
      energy.length = 0;
      const step = advanceCounter(next.counters[ch.kind] ?? null, { tMs, value: c.value, modulus: c.modulus }, {
        grid: ch.grid,
        actualMaxGapMs: 2.5 * pollMs,
        interpolateMaxGapMs: Math.max(MAX_INTERPOLATION_GAP_MS, 3 * pollMs),
      }, energy);
      if (step.track === null) delete next.counters[ch.kind];
      else next.counters[ch.kind] = step.track;
      if (step.reset) output.resets.push({ kind: ch.kind, ...step.reset });
      for (const e of energy) output.readings.push({ channelId: ch.channelId, kind: ch.kind, tsMs: e.startMs, value: e.value, quality: e.estimated ? 1 : 0 });
    } else {
      means.length = 0;
      const expected = ch.grid.intervalMs / pollMs;
      const v = sample?.instant.get(ch.kind);
      const track = v === undefined
        ? closeAverage(next.averages[ch.kind] ?? null, tMs, ch.grid, expected, means)
        : addAverageSample(next.averages[ch.kind] ?? null, tMs, v, ch.grid, expected, means);
      if (track === null) delete next.averages[ch.kind];
      else next.averages[ch.kind] = track;
      for (const m of means) {
        output.readings.push({ channelId: ch.channelId, kind: ch.kind, tsMs: m.startMs, value: m.value, quality: m.estimated ? 1 : 0 });
        if (EXTREME_KINDS.has(ch.kind)) output.extremes.push({ channelId: ch.channelId, tsMs: m.startMs, min: m.min, max: m.max, samples: m.samples });
      }
    }
  }
  return { state: next, output };
}
