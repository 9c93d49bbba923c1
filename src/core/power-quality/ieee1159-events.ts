/**
 * RMS voltage variations by IEEE 1159-2019 Table 2 category (CONTRACT.md `powerQuality.events {sag,
 * swell, interruption, undervoltage, overvoltage}`), from interval data: counts, the worst of each and
 * the list.
 *
 * From interval AVERAGES, runs of consecutive intervals outside the normal band (a missing interval
 * ends a run), classed by how long the run lasts:
 *   - every phase present below 0.1 pu: interruption (IEEE 1159 "interruption", momentary to sustained);
 *   - some phase below 0.9 pu: undervoltage when the run lasts more than 1 minute, else sag;
 *   - some phase above 1.1 pu: overvoltage when the run lasts more than 1 minute, else swell.
 *   (Table 2 gives undervoltage as 0.8-0.9 pu and overvoltage as 1.1-1.2 pu; a sustained average below
 *   0.8 or above 1.2 pu is counted in the same category, as the more severe case of it.)
 * From interval MINIMUM / MAXIMUM series, where a meter records them, in intervals whose average is not
 * already part of a run above: a minimum below 0.9 pu is a sag (an interruption when every phase's
 * minimum is below 0.1 pu), a maximum above 1.1 pu a swell. These are short-duration events, shorter
 * than the interval; their duration is unknown (null). Consecutive such intervals are one event.
 * Polyphase (IEC 61000-4-30 clause 5.4): an event is on the service when it is on any phase (on every
 * phase for an interruption); its magnitude is the worst phase's.
 */
import { MINUTE_MS, type IntervalSeries } from '../series.js';
import { isoUtc } from '../time-zone.js';
import { IEEE1159 } from './limits.js';

export type PqEventKind = 'sag' | 'swell' | 'interruption' | 'undervoltage' | 'overvoltage';
export const PQ_EVENT_KINDS: readonly PqEventKind[] = ['sag', 'swell', 'interruption', 'undervoltage', 'overvoltage'];

export interface PqEvent {
  kind: PqEventKind;
  /** Start of the first interval of the event, epoch ms UTC. */
  startMs: number;
  /** End of the last interval, epoch ms UTC (exclusive). */
  endMs: number;
  /** Run length for events from averages, minutes; null for those from minimum/maximum (shorter than their intervals). */
  durationMinutes: number | null;
  /** Worst voltage of the event, pu of nominal (lowest for sag, interruption, undervoltage; highest otherwise), 4 decimals. */
  magnitudePu: number;
  /** The same in volts, 2 decimals. */
  magnitudeV: number;
  basis: 'average' | 'min-max';
}

export interface PqEventSummary {
  count: number;
  /** Lowest (sag, interruption, undervoltage) or highest (swell, overvoltage) magnitude, pu; null without events. */
  worstPu: number | null;
  worstV: number | null;
  /** Start of the worst event, RFC 3339 UTC. */
  worstAt: string | null;
  /** Longest known duration, minutes; null when no event of the kind has one. */
  longestMinutes: number | null;
}

export type Ieee1159Result = Record<PqEventKind, PqEventSummary> & { list: PqEvent[] };

export interface Ieee1159Options {
  /** Per-phase interval minimum voltage, V, aligned with the phases (same order). */
  readonly minimum?: readonly IntervalSeries[];
  /** Per-phase interval maximum voltage, V, aligned with the phases. */
  readonly maximum?: readonly IntervalSeries[];
}

/** A run of consecutive intervals in one condition, with its worst value. */
class Run {
  start = -1;
  worst = NaN;
  constructor(readonly low: boolean) {}
  /** Extends (or opens) the run at interval i with value v. */
  add(i: number, v: number): void {
    if (this.start < 0) {
      this.start = i;
      this.worst = v;
    } else if (this.low ? v < this.worst : v > this.worst) {
      this.worst = v;
    }
  }
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** One pass over the phases (and minimum / maximum when given), all aligned (assertPhases). */
export function ieee1159Events(phases: readonly IntervalSeries[], nominalV: number, options: Ieee1159Options = {}): Ieee1159Result {
  const first = phases[0]!;
  const n = first.values.length;
  const np = phases.length;
  const stepMs = first.intervalMinutes * MINUTE_MS;
  const avgValues = phases.map((s) => s.values);
  const minValues = (options.minimum ?? []).map((s) => s.values);
  const maxValues = (options.maximum ?? []).map((s) => s.values);
  const intV = IEEE1159.interruptionPu * nominalV;
  const sagV = IEEE1159.sagPu * nominalV;
  const swellV = IEEE1159.swellPu * nominalV;
  const list: PqEvent[] = [];

  const avgInt = new Run(true);
  const avgLow = new Run(true);
  const avgHigh = new Run(false);
  const mmInt = new Run(true);
  const mmSag = new Run(true);
  const mmSwell = new Run(false);
  const close = (run: Run, end: number, kind: (minutes: number) => PqEventKind, basis: PqEvent['basis']): void => {
    if (run.start < 0) return;
    const minutes = (end - run.start) * first.intervalMinutes;
    list.push({
      kind: kind(minutes),
      startMs: first.startMs + run.start * stepMs,
      endMs: first.startMs + end * stepMs,
      durationMinutes: basis === 'average' ? minutes : null,
      magnitudePu: round4(run.worst / nominalV),
      magnitudeV: Math.round(run.worst * 100) / 100,
      basis,
    });
    run.start = -1;
  };
  const long = IEEE1159.shortDurationMaxMinutes;
  const interruption = (): PqEventKind => 'interruption';
  const low = (m: number): PqEventKind => (m > long ? 'undervoltage' : 'sag');
  const high = (m: number): PqEventKind => (m > long ? 'overvoltage' : 'swell');
  const sag = (): PqEventKind => 'sag';
  const swell = (): PqEventKind => 'swell';

  for (let i = 0; i <= n; i++) {
    // Averages across the phases present.
    let present = 0;
    let minAvg = Infinity;
    let maxAvg = -Infinity;
    let minMin = Infinity;
    let maxOfMins = -Infinity;
    let minsPresent = 0;
    let maxMax = -Infinity;
    if (i < n) {
      for (let p = 0; p < np; p++) {
        const v = avgValues[p]![i]!;
        if (v === v) {
          present++;
          if (v < minAvg) minAvg = v;
          if (v > maxAvg) maxAvg = v;
        }
      }
      for (let p = 0; p < minValues.length; p++) {
        const lo = minValues[p]![i]!;
        if (lo === lo) {
          minsPresent++;
          if (lo < minMin) minMin = lo;
          if (lo > maxOfMins) maxOfMins = lo;
        }
      }
      for (let p = 0; p < maxValues.length; p++) {
        const hi = maxValues[p]![i]!;
        if (hi > maxMax) maxMax = hi; // false for NaN
      }
    }
    const isInt = present > 0 && maxAvg < intV;
    const isLow = present > 0 && !isInt && minAvg < sagV;
    const isHigh = present > 0 && maxAvg > swellV;
    const lowest = Math.min(minAvg, minMin);
    if (isInt) avgInt.add(i, lowest);
    else close(avgInt, i, interruption, 'average');
    if (isLow) avgLow.add(i, lowest);
    else close(avgLow, i, low, 'average');
    if (isHigh) avgHigh.add(i, Math.max(maxAvg, maxMax));
    else close(avgHigh, i, high, 'average');

    // Within-interval extremes where the average shows nothing of the same direction.
    const mmIsInt = present > 0 && !isInt && !isLow && minsPresent > 0 && maxOfMins < intV;
    const mmIsSag = present > 0 && !isInt && !isLow && !mmIsInt && minMin < sagV;
    const mmIsSwell = present > 0 && !isHigh && maxMax > swellV;
    if (mmIsInt) mmInt.add(i, minMin);
    else close(mmInt, i, interruption, 'min-max');
    if (mmIsSag) mmSag.add(i, minMin);
    else close(mmSag, i, sag, 'min-max');
    if (mmIsSwell) mmSwell.add(i, maxMax);
    else close(mmSwell, i, swell, 'min-max');
  }
  list.sort((a, b) => a.startMs - b.startMs);
  return { ...summarize(list), list };
}

function summarize(list: readonly PqEvent[]): Record<PqEventKind, PqEventSummary> {
  const out = {} as Record<PqEventKind, PqEventSummary>;
  for (const kind of PQ_EVENT_KINDS) {
    const lowIsWorse = kind === 'sag' || kind === 'interruption' || kind === 'undervoltage';
    let worst: PqEvent | null = null;
    let count = 0;
    let longest: number | null = null;
    for (const e of list) {
      if (e.kind !== kind) continue;
      count++;
      if (worst === null || (lowIsWorse ? e.magnitudeV < worst.magnitudeV : e.magnitudeV > worst.magnitudeV)) worst = e;
      if (e.durationMinutes !== null && (longest === null || e.durationMinutes > longest)) longest = e.durationMinutes;
    }
    out[kind] = {
      count,
      worstPu: worst?.magnitudePu ?? null,
      worstV: worst?.magnitudeV ?? null,
      worstAt: worst === null ? null : isoUtc(worst.startMs),
      longestMinutes: longest,
    };
  }
  return out;
}
