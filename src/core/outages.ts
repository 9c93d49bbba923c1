/**
 * Outages of one customer (Section 4 item 10, CONTRACT.md `outages.annual[]`): interruptions from the
 * meter's power_off / power_on events and, where the events say nothing, inferred from interval data;
 * each classed sustained or momentary, momentary ones grouped into momentary interruption events.
 *
 * IEEE 1366-2012 clause 2 definitions used here:
 *   - sustained interruption: an interruption lasting more than 5 minutes;
 *   - momentary interruption: one lasting 5 minutes or less;
 *   - momentary interruption event: the momentary interruptions within 5 minutes of the start of the
 *     first one (the reclosing sequence of one interrupting device) count as one event (MAIFI_E);
 *     a sequence that ends in a sustained interruption (lockout) is that sustained interruption,
 *     and its momentary interruptions make no momentary event ("MAIFI_E does not include the events
 *     immediately preceding a lockout").
 * Intervals are half-open [startMs, endMs), epoch ms UTC.
 */
import { MINUTE_MS, type IntervalSeries } from './series.js';
import { utcOffsetMs } from './time-zone.js';
import { KeymeterError } from '../errors.js';
import { IEEE1159 } from './power-quality/limits.js';

/** IEEE 1366 clause 2: longer than this is sustained, this or shorter is momentary. */
export const MOMENTARY_MAX_MS = 5 * MINUTE_MS;
/** IEEE 1366 clause 2: momentary interruptions within this time of the first one form one event. */
export const MOMENTARY_EVENT_WINDOW_MS = 5 * MINUTE_MS;

export interface MeterEvent {
  readonly tsMs: number;
  readonly type: 'power_off' | 'power_on';
}

export interface TimeRange {
  /** Inclusive, epoch ms UTC. */
  readonly startMs: number;
  /** Exclusive, epoch ms UTC. */
  readonly endMs: number;
}

/** How an interruption was found: from events, or inferred from interval data (voltage near zero, or a gap). */
export type InterruptionSource = 'event' | 'inferred';

export interface Interruption {
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMinutes: number;
  readonly kind: 'sustained' | 'momentary';
  readonly source: InterruptionSource;
  /** For inferred ones: all phase voltages below 0.1 pu, a gap in reporting, or both adjoining. */
  readonly basis: 'events' | 'voltage' | 'gap' | 'voltage+gap';
  /** True when the power_on was not seen before the end of the range (the end is the range's end). */
  readonly ongoing: boolean;
  /** Index into `momentaryEvents` for a momentary interruption that counts in one; -1 otherwise. */
  readonly momentaryEvent: number;
}

export interface MomentaryEvent {
  readonly startMs: number;
  /** Momentary interruptions in the event. */
  readonly interruptions: number;
}

export interface OutageAnalysis {
  /** Sorted by start; no two overlap. */
  readonly interruptions: Interruption[];
  readonly momentaryEvents: MomentaryEvent[];
  /** power_on events with no power_off before them (ignored), and repeated power_off (the first one is kept). */
  readonly unmatchedEvents: number;
}

export interface OutageInput {
  readonly range: TimeRange;
  /** The meter's events, any order. */
  readonly events?: readonly MeterEvent[];
  /** Phase voltages (v_a, v_b, v_c interval averages, V), aligned with each other. */
  readonly voltages?: readonly IntervalSeries[];
  /** The voltages' nominal (same basis, e.g. line-to-neutral), V; required with `voltages`. */
  readonly nominalV?: number;
  /**
   * Series that show the meter reporting (any channel of the meter, e.g. kwh_del), aligned with each
   * other; an interval is reported when any of them has a value. Default: `voltages`.
   */
  readonly reporting?: readonly IntervalSeries[];
  /** Gaps longer than this are not taken as interruptions (telemetry loss is likelier), minutes. Default: no limit. */
  readonly maxInferredGapMinutes?: number;
}

interface Span {
  startMs: number;
  endMs: number;
  ongoing: boolean;
  basis: Interruption['basis'];
}

/**
 * Interruptions of one customer (service point) over `range`.
 *
 * Sources: event spans (power_off to the next power_on); inferred spans from interval data: runs of
 * intervals where every phase voltage present is below 0.1 pu of nominal (IEEE 1159), and gaps (runs of
 * intervals in which no `reporting` series has a value, with reported intervals on both sides). Adjoining
 * or overlapping inferred spans merge into one. An inferred span that overlaps an event span is dropped:
 * events carry the times to the second, intervals only to their length. Everything is clipped to `range`.
 */
export function detectInterruptions(input: OutageInput): OutageAnalysis {
  const { range } = input;
  if (!(range.endMs > range.startMs)) throw new RangeError('range must have endMs > startMs');
  const { spans: eventSpans, unmatched } = eventInterruptions(input.events ?? [], range);
  const inferred = inferredInterruptions(input);
  const kept = inferred.filter((s) => !eventSpans.some((e) => s.startMs < e.endMs && e.startMs < s.endMs));
  const all = [...eventSpans, ...kept].sort((a, b) => a.startMs - b.startMs);
  const { interruptions, momentaryEvents } = classify(all);
  return { interruptions, momentaryEvents, unmatchedEvents: unmatched };
}

/** power_off .. power_on pairs, clipped to the range; an off still open at the end of the events runs to range.endMs. */
function eventInterruptions(events: readonly MeterEvent[], range: TimeRange): { spans: Span[]; unmatched: number } {
  const sorted = [...events].sort((a, b) => a.tsMs - b.tsMs);
  const spans: Span[] = [];
  let unmatched = 0;
  let offAt: number | null = null;
  const apply = (e: MeterEvent): void => {
    if (e.type === 'power_off') {
      if (offAt === null) offAt = e.tsMs;
      else unmatched++;
    } else if (offAt === null) {
      unmatched++;
    } else {
      pushClipped(spans, { startMs: offAt, endMs: e.tsMs, ongoing: false, basis: 'events' }, range);
      offAt = null;
    }
  };
  for (let i = 0; i < sorted.length;) {
    // Events logged in the same second: a power_on first closes the open interruption (then an off opens the
    // next); with none open, the power_off comes first, a sub-second interruption.
    let j = i;
    while (j < sorted.length && sorted[j]!.tsMs === sorted[i]!.tsMs) j++;
    const group = sorted.slice(i, j);
    const onFirst = offAt !== null;
    for (const e of group) if ((e.type === 'power_on') === onFirst) apply(e);
    for (const e of group) if ((e.type === 'power_on') !== onFirst) apply(e);
    i = j;
  }
  if (offAt !== null) pushClipped(spans, { startMs: offAt, endMs: range.endMs, ongoing: true, basis: 'events' }, range);
  return { spans, unmatched };
}

/** Adds [startMs, endMs) clipped to the range; a zero-length span (off and on in the same instant) is kept when inside it. */
function pushClipped(spans: Span[], span: Span, range: TimeRange): void {
  const s = Math.max(span.startMs, range.startMs);
  const e = Math.min(span.endMs, range.endMs);
  const inside = e > s || (e === s && span.startMs >= range.startMs && span.startMs < range.endMs);
  if (inside) spans.push({ startMs: s, endMs: e, ongoing: span.ongoing && span.endMs >= range.endMs, basis: span.basis });
}

/** Runs of dead-voltage intervals and of reporting gaps, merged where they touch or overlap, clipped to the range. */
function inferredInterruptions(input: OutageInput): Span[] {
  const { voltages = [], reporting = voltages, range } = input;
  const spans: Span[] = [];
  if (voltages.length > 0) {
    const nominalV = input.nominalV;
    if (!(nominalV !== undefined && nominalV > 0)) throw new RangeError('nominalV must be a positive voltage when voltages are given');
    assertAlignedAll(voltages);
    spans.push(...deadVoltageRuns(voltages, IEEE1159.interruptionPu * nominalV)); // IEEE 1159 Table 2: interruption < 0.1 pu
  }
  if (reporting.length > 0) {
    assertAlignedAll(reporting);
    const maxGapMs = (input.maxInferredGapMinutes ?? Infinity) * MINUTE_MS;
    spans.push(...reportingGaps(reporting).filter((g) => g.endMs - g.startMs <= maxGapMs));
  }
  spans.sort((a, b) => a.startMs - b.startMs);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s.startMs <= last.endMs) {
      last.endMs = Math.max(last.endMs, s.endMs);
      if (last.basis !== s.basis) last.basis = 'voltage+gap';
    } else {
      merged.push({ ...s });
    }
  }
  const out: Span[] = [];
  for (const s of merged) pushClipped(out, s, range);
  return out;
}

/** Runs of intervals where at least one phase has a value and every phase with a value is below `deadV`. */
function deadVoltageRuns(phases: readonly IntervalSeries[], deadV: number): Span[] {
  const first = phases[0]!;
  const n = first.values.length;
  const stepMs = first.intervalMinutes * MINUTE_MS;
  const spans: Span[] = [];
  let runStart = -1;
  for (let i = 0; i <= n; i++) {
    let dead = false;
    if (i < n) {
      let present = 0;
      let high = 0;
      for (let p = 0; p < phases.length; p++) {
        const v = phases[p]!.values[i]!;
        if (v !== v) continue;
        present++;
        if (v >= deadV) high++;
      }
      dead = present > 0 && high === 0;
    }
    if (dead && runStart < 0) runStart = i;
    else if (!dead && runStart >= 0) {
      spans.push({ startMs: first.startMs + runStart * stepMs, endMs: first.startMs + i * stepMs, ongoing: false, basis: 'voltage' });
      runStart = -1;
    }
  }
  return spans;
}

/** Runs of intervals with no value in any series, reported intervals on both sides. */
function reportingGaps(series: readonly IntervalSeries[]): Span[] {
  const first = series[0]!;
  const n = first.values.length;
  const stepMs = first.intervalMinutes * MINUTE_MS;
  const spans: Span[] = [];
  let seen = false;
  let gapStart = -1;
  for (let i = 0; i < n; i++) {
    let reported = false;
    for (let s = 0; s < series.length && !reported; s++) {
      const v = series[s]!.values[i]!;
      reported = v === v;
    }
    if (reported) {
      if (gapStart >= 0 && seen) spans.push({ startMs: first.startMs + gapStart * stepMs, endMs: first.startMs + i * stepMs, ongoing: false, basis: 'gap' });
      gapStart = -1;
      seen = true;
    } else if (gapStart < 0) {
      gapStart = i;
    }
  }
  return spans;
}

function assertAlignedAll(series: readonly IntervalSeries[]): void {
  const a = series[0]!;
  for (const b of series) {
    if (a.startMs !== b.startMs || a.intervalMinutes !== b.intervalMinutes || a.values.length !== b.values.length) {
      throw new KeymeterError('KM_CORE_SHAPE', 'series are not aligned (start, interval and length must match)');
    }
  }
}

/** Sustained / momentary per IEEE 1366, then momentary interruption events. `spans` sorted by start. */
function classify(spans: readonly Span[]): { interruptions: Interruption[]; momentaryEvents: MomentaryEvent[] } {
  const kinds = spans.map((s) => (s.endMs - s.startMs > MOMENTARY_MAX_MS ? 'sustained' : 'momentary') as Interruption['kind']);
  const eventOf = new Int32Array(spans.length).fill(-1);
  const momentaryEvents: MomentaryEvent[] = [];
  for (let i = 0; i < spans.length;) {
    if (kinds[i] !== 'momentary') {
      i++;
      continue;
    }
    // The sequence: every interruption starting within the window of the first one's start.
    const windowEnd = spans[i]!.startMs + MOMENTARY_EVENT_WINDOW_MS;
    let j = i;
    let lockout = false;
    while (j < spans.length && spans[j]!.startMs <= windowEnd) {
      if (kinds[j] === 'sustained') lockout = true;
      j++;
    }
    if (!lockout) {
      const members = j - i;
      for (let x = i; x < j; x++) eventOf[x] = momentaryEvents.length;
      momentaryEvents.push({ startMs: spans[i]!.startMs, interruptions: members });
    }
    i = j;
  }
  const interruptions = spans.map((s, i): Interruption => ({
    startMs: s.startMs,
    endMs: s.endMs,
    durationMinutes: (s.endMs - s.startMs) / MINUTE_MS,
    kind: kinds[i]!,
    source: s.basis === 'events' ? 'event' : 'inferred',
    basis: s.basis,
    ongoing: s.ongoing,
    momentaryEvent: eventOf[i]!,
  }));
  return { interruptions, momentaryEvents };
}

/** One local year of CONTRACT.md `outages.annual[]`, with more detail. */
export interface OutageYear {
  year: number;
  /** Sustained interruptions starting in the year. */
  sustained: number;
  /** Momentary interruption events (MAIFI_E) starting in the year. */
  momentary: number;
  /** Momentary interruptions (MAIFI counts these). */
  momentaryInterruptions: number;
  /** Minutes of the sustained interruptions (as SAIDI counts them), 2 decimals. */
  minutes: number;
  /** The longest interruption of any kind, minutes, 2 decimals; 0 when there was none. */
  longestMinutes: number;
  /** Of the interruptions counted, those inferred from interval data. */
  inferred: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Per local year of `timeZone` (IANA), every year from range.startMs's to the one of the range's last
 * instant, years without interruptions included. An interruption counts in the year in which it
 * starts, with its whole duration (IEEE 1366 counts an interruption once, at its start).
 */
export function annualOutages(analysis: Pick<OutageAnalysis, 'interruptions' | 'momentaryEvents'>, timeZone: string, range: TimeRange): OutageYear[] {
  const yearOf = (ms: number): number => new Date(ms + utcOffsetMs(timeZone, ms)).getUTCFullYear();
  const y0 = yearOf(range.startMs);
  const y1 = yearOf(range.endMs - 1);
  const years: OutageYear[] = [];
  for (let y = y0; y <= y1; y++) years.push({ year: y, sustained: 0, momentary: 0, momentaryInterruptions: 0, minutes: 0, longestMinutes: 0, inferred: 0 });
  const at = (ms: number): OutageYear | undefined => years[yearOf(ms) - y0];
  for (const it of analysis.interruptions) {
    const y = at(it.startMs);
    if (y === undefined) continue;
    if (it.kind === 'sustained') {
      y.sustained++;
      y.minutes += it.durationMinutes;
    } else {
      y.momentaryInterruptions++;
    }
    if (it.source === 'inferred') y.inferred++;
    y.longestMinutes = Math.max(y.longestMinutes, it.durationMinutes);
  }
  for (const ev of analysis.momentaryEvents) {
    const y = at(ev.startMs);
    if (y !== undefined) y.momentary++;
  }
  for (const y of years) {
    y.minutes = round2(y.minutes);
    y.longestMinutes = round2(y.longestMinutes);
  }
  return years;
}
