/**
 * What a poller keeps per meter between polls, saved with the meter's lease (migrations/0006
 * `modbus_leases.state`) after each poll commits, so the next holder of the lease carries on: the last
 * tick polled, the SunSpec layout found (discovery is not repeated), and the counter and average tracks
 * of src/core/modbus/meter-intervals.ts. JSON; validated when loaded, a state that does not parse
 * (another version, a hand edit) is replaced by a fresh one rather than trusted.
 */
import { z } from 'zod';
import { emptyIntervalState, type IntervalState } from '../../src/core/modbus/meter-intervals.js';

const STATE_VERSION = 1;

const Model = z.object({ id: z.number().int(), address: z.number().int(), length: z.number().int() });
const CounterTrack = z.object({
  lastTMs: z.number(), lastRaw: z.number(), lastAcc: z.number(),
  edgeTMs: z.number().nullable(), edgeAcc: z.number(), edgeEstimated: z.boolean(),
});
const AverageTrack = z.object({ startMs: z.number(), sum: z.number(), n: z.number().int(), min: z.number(), max: z.number() });

const MeterStateSchema = z.object({
  v: z.literal(STATE_VERSION),
  lastTickMs: z.number().nullable(),
  /** host:port/unit and map the layout was found for; a settings change drops it. */
  layoutKey: z.string().nullable(),
  sunspec: z.object({ base: z.number().int(), meter: Model }).nullable(),
  intervals: z.object({ counters: z.record(z.string(), CounterTrack), averages: z.record(z.string(), AverageTrack) }),
});

export interface MeterState {
  v: typeof STATE_VERSION;
  lastTickMs: number | null;
  layoutKey: string | null;
  sunspec: { base: number; meter: { id: number; address: number; length: number } } | null;
  intervals: IntervalState;
}

export function freshState(): MeterState {
  return { v: STATE_VERSION, lastTickMs: null, layoutKey: null, sunspec: null, intervals: emptyIntervalState() };
}

/** The stored state, or a fresh one (with `valid: false` when something was stored but did not parse). */
export function loadState(stored: unknown): { state: MeterState; valid: boolean } {
  if (stored === null || stored === undefined) return { state: freshState(), valid: true };
  const parsed = MeterStateSchema.safeParse(stored);
  if (!parsed.success) return { state: freshState(), valid: false };
  return { state: parsed.data as MeterState, valid: true };
}

export function serializeState(state: MeterState): string {
  return JSON.stringify(state);
}
