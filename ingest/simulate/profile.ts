/**
 * Deterministic, realistic interval data for simulated meters (the demo, tests and benchmarks).
 *
 * Pure: no I/O and no clock; the caller passes the range. Every value is a function of
 * (seed, meterId, kind, interval start, interval length) only, never of the requested range, so a
 * backfill and a later live publish of the same interval carry the same value and an MQTT QoS 1
 * redelivery or a republish is a no-op at ingest, not a conflict (CONTRACT.md "MQTT"). That is why
 * the noise is a 32-bit integer hash of those inputs (murmur3's finalizer), not a PRNG stepped over
 * the range, and why outages are planned per local year from the same hash.
 *
 * Model, per interval: load kW = peakKw × shape × growth × (1 + noise), where shape is a daily curve
 * in local time for the profile and day type (workday, Saturday, Sunday or holiday) plus cooling and
 * heating terms weighted by the local day of year. Curves are tabulated per local minute with prefix
 * sums, so an interval's value is the average of the curve over the interval (exact for any length).
 * Energy = average kW × hours; kvarh from a power factor that falls at light load; voltages sag as load
 * rises; gas follows heating, water follows occupancy.
 *
 * The grid: an interval of length L starts where the site's local clock is a multiple of L,
 * `(tsMs + utcOffset) % L === 0` - the rule ingest checks (src/core/ingest/payload.ts). For every zone
 * whose offset is a multiple of L (all ≤15-minute channels outside +05:45, +08:45 and +12:45 zones) this
 * is the UTC grid; 30- and 60-minute channels follow local hours, so a 23-hour local day has 23 hourly
 * intervals and a 25-hour day 25.
 *
 * This module holds the public types and the interval loop; the parts live beside it: noise.ts (hash
 * noise), local-time.ts (zone offsets, holidays), load-shape.ts (curves per profile, per-day table),
 * outages.ts (interruption planning), channel-values.ts (the value of each channel kind) and
 * demo-specs.ts (meters of a demo account bundle).
 */
import type { ChannelKind, Commodity, IntervalMinutes } from '../../src/core/channels.js';
import { valueFunction, type Slot } from './channel-values.js';
import { dayTable } from './load-shape.js';
import { DAY_MS, MINUTE_MS, offsetSegments } from './local-time.js';
import { interruptionsAround } from './outages.js';

// Re-exported so that importers of this module (src/commands/demo.ts, src/commands/simulate.ts) keep
// their imports; new code in ingest/simulate imports from the owning module.
export { DEFAULT_NOMINAL_VOLTAGE_V } from './channel-values.js';
export { DEFAULT_PEAK_KW, demoMeterSpecs, type DemoMeterSpec } from './demo-specs.js';
export { MOMENTARY_LIMIT_MS } from './outages.js';

export type LoadProfile = 'industrial' | 'commercial' | 'hospital' | 'office';

export interface SimChannel {
  kind: ChannelKind;
  intervalMinutes: IntervalMinutes;
  /** Unit for gas (`therm`, `ccf`, `m3`) and water (`gal`, `m3`); others use the kind's unit. */
  unit?: string | undefined;
}

export interface MeterSpec {
  meterId: string;
  commodity: Commodity;
  channels: SimChannel[];
  /** IANA zone of the site: the daily curve, day types and 30/60-minute grids follow local time. */
  timezone: string;
  /** Line-to-neutral nominal voltage, V (default 277). */
  nominalVoltageV?: number | undefined;
  /** Peak electric demand of the load, kW. Gas and water meters scale their flow from it too. */
  peakKw: number;
  profile: LoadProfile;
  seed?: number | undefined;
  /** Meters with the same key share outages (a site's electric meters); default the meter id. */
  outageKey?: string | undefined;
  /** Whether the meter sees power outages; default true for electric meters, false otherwise. */
  outages?: boolean | undefined;
}

/** One channel's intervals as a struct of arrays (STYLE §8): interval starts (epoch ms) and values. */
export interface ChannelSeries {
  kind: ChannelKind;
  intervalMinutes: IntervalMinutes;
  tsMs: Float64Array;
  values: Float64Array;
}

export interface OutageEvent {
  type: 'power_off' | 'power_on';
  tsMs: number;
}

/** A sustained interruption, half-open [startMs, endMs). */
export interface OutageWindow {
  startMs: number;
  endMs: number;
}

export interface MeterSeries {
  meterId: string;
  channels: ChannelSeries[];
  /** power_off/power_on events with ts in [startMs, endMs), ascending (sustained and momentary). */
  events: OutageEvent[];
  /** Sustained outages overlapping the range; their intervals are absent from every channel. */
  outages: OutageWindow[];
}

/**
 * Generates a meter's channels for interval starts in [startMs, endMs) and its outage events in the same
 * range. Values depend only on (seed, meterId, kind, interval start and length), so any split of a range
 * gives the same arrays. Intervals that overlap a sustained outage are absent from every channel.
 *
 * @param startMs inclusive, epoch ms UTC
 * @param endMs exclusive, epoch ms UTC
 */
export function generateMeterSeries(spec: MeterSpec, startMs: number, endMs: number): MeterSeries {
  if (!(endMs >= startMs)) throw new RangeError('endMs must not be before startMs');
  if (!(spec.peakKw > 0)) throw new RangeError('peakKw must be positive');
  const segs = offsetSegments(spec.timezone, startMs - DAY_MS, endMs + DAY_MS);
  let minOff = Infinity;
  let maxOff = -Infinity;
  for (const s of segs) {
    minOff = Math.min(minOff, s.offsetMs);
    maxOff = Math.max(maxOff, s.offsetMs);
  }
  const firstDay = Math.floor((startMs + minOff) / DAY_MS) - 1;
  const lastDay = Math.floor((endMs + maxOff) / DAY_MS) + 1;
  const days = dayTable(spec, firstDay, lastDay);
  const withOutages = spec.outages ?? spec.commodity === 'electric';
  const interruptions = withOutages ? interruptionsAround(spec, startMs, endMs) : [];
  const sustained = interruptions.filter((x) => x.sustained);

  const channels = spec.channels.map((ch) => {
    const value = valueFunction(spec, ch, days);
    const stepMs = ch.intervalMinutes * MINUTE_MS;
    const cap = Math.ceil((endMs - startMs) / stepMs) + segs.length + 1;
    const ts = new Float64Array(cap);
    const vs = new Float64Array(cap);
    let n = 0;
    let o = 0; // next sustained outage that may overlap
    const slot: Slot = { tMs: 0, minute: 0, dayIndex: 0, m0: 0, lenMin: ch.intervalMinutes };
    for (let si = 0; si < segs.length; si++) {
      const seg = segs[si]!;
      const segEnd = Math.min(segs[si + 1]?.fromMs ?? Infinity, endMs);
      const segStart = Math.max(seg.fromMs, startMs);
      if (segStart >= segEnd) continue;
      const off = seg.offsetMs;
      for (let t = Math.ceil((segStart + off) / stepMs) * stepMs - off; t < segEnd; t += stepMs) {
        while (o < sustained.length && sustained[o]!.endMs <= t) o++;
        if (o < sustained.length && sustained[o]!.startMs < t + stepMs) continue; // overlaps an outage
        const local = t + off;
        const dayNumber = Math.floor(local / DAY_MS);
        slot.tMs = t;
        slot.minute = Math.floor(t / MINUTE_MS);
        slot.dayIndex = dayNumber - firstDay;
        slot.m0 = Math.round((local - dayNumber * DAY_MS) / MINUTE_MS);
        ts[n] = t;
        vs[n] = value(slot);
        n++;
      }
    }
    return { kind: ch.kind, intervalMinutes: ch.intervalMinutes, tsMs: ts.slice(0, n), values: vs.slice(0, n) };
  });

  const events: OutageEvent[] = [];
  for (const x of interruptions) {
    if (x.startMs >= startMs && x.startMs < endMs) events.push({ type: 'power_off', tsMs: x.startMs });
    if (x.endMs >= startMs && x.endMs < endMs) events.push({ type: 'power_on', tsMs: x.endMs });
  }
  events.sort((a, b) => a.tsMs - b.tsMs || (a.type === 'power_off' ? -1 : 1));
  const outages = sustained.filter((x) => x.endMs > startMs && x.startMs < endMs).map((x) => ({ startMs: x.startMs, endMs: x.endMs }));
  return { meterId: spec.meterId, channels, events, outages };
}
