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
 */
import { tzOffset } from '@date-fns/tz';
import type { AccountBundle } from '../../src/core/bundle/schema.js';
import type { ChannelKind, Commodity, IntervalMinutes } from '../../src/core/channels.js';

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const MINUTES_PER_DAY = 24 * 60;
/** Mean Gregorian year, for growth. */
const YEAR_MS = 365.2425 * DAY_MS;
/** Growth is 1.0 at this instant (2025-01-01Z) and compounds linearly around it. */
const GROWTH_REFERENCE_MS = Date.UTC(2025, 0, 1);

/** Default line-to-neutral voltage (V) of a 480Y/277 V service. */
export const DEFAULT_NOMINAL_VOLTAGE_V = 277;
/** Below this length an interruption is momentary (IEEE 1366-2022 §3.24: 5 minutes). */
export const MOMENTARY_LIMIT_MS = 5 * MINUTE_MS;

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

/* ------------------------------------------------------------------------------------------------ */
/* Hash noise                                                                                        */

/** murmur3 fmix32: a bijective 32-bit avalanche mix. */
function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** A key for one noise stream: (seed, meter, salt). */
function streamKey(seed: number, id: string, salt: string): number {
  return mix32(mix32(seed ^ 0x9e3779b9) ^ hashString(id) ^ mix32(hashString(salt) + 0x7f4a7c15));
}

const TWO_POW_32 = 4294967296;

/** Uniform in [0, 1) for integer `x` (minutes since the epoch, a day number, ...). */
function unit(key: number, x: number): number {
  return mix32(key ^ mix32(x + 0x632be5ab)) / TWO_POW_32;
}

/** Triangular in (-1, 1), mean 0: the sum of two independent uniforms from the same stream. */
function tri(key: number, x: number): number {
  const a = mix32(key ^ mix32(x + 0x632be5ab));
  const b = mix32(a ^ 0x5bd1e995);
  return (a + b) / TWO_POW_32 - 1;
}

/* ------------------------------------------------------------------------------------------------ */
/* Local time                                                                                        */

/** The zone's offset (ms) applies from `fromMs` until the next segment's `fromMs`. */
interface OffsetSegment {
  fromMs: number;
  offsetMs: number;
}

function offsetMsAt(zone: string, tMs: number): number {
  const m = tzOffset(zone, new Date(tMs));
  if (!Number.isFinite(m)) throw new RangeError(`unknown time zone '${zone}'`);
  return Math.round(m * MINUTE_MS);
}

/**
 * The zone's offsets over [fromMs, toMs): sampled once a day, with each change located to the minute
 * by bisection (about 11 `tzOffset` calls per DST change). Assumes at most one change per day.
 */
function offsetSegments(zone: string, fromMs: number, toMs: number): OffsetSegment[] {
  let t = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
  let o = offsetMsAt(zone, t);
  const segs: OffsetSegment[] = [{ fromMs: -Infinity, offsetMs: o }];
  while (t < toMs) {
    const next = Math.min(t + DAY_MS, Math.ceil(toMs / MINUTE_MS) * MINUTE_MS);
    const o2 = offsetMsAt(zone, next);
    if (o2 !== o) {
      let lo = t;
      let hi = next;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
        if (offsetMsAt(zone, mid) === o) lo = mid;
        else hi = mid;
      }
      segs.push({ fromMs: hi, offsetMs: o2 });
      o = o2;
    }
    t = next;
  }
  return segs;
}

/** UTC instant of a local wall-clock time (ms since the epoch as if local were UTC). */
function localToUtc(zone: string, localMs: number): number {
  const o1 = offsetMsAt(zone, localMs);
  const o2 = offsetMsAt(zone, localMs - o1);
  return localMs - o2;
}

/** Day types: index into the daily curves. */
const WORKDAY = 0;
const SATURDAY = 1;
const SUNDAY_OR_HOLIDAY = 2;

/**
 * US federal holidays that businesses and plants commonly close for (New Year's Day, Memorial Day,
 * Independence Day, Labor Day, Thanksgiving, Christmas; 5 U.S.C. 6103), with the federal observed-day
 * shift (Saturday to Friday, Sunday to Monday).
 */
function isObservedHoliday(dayNumber: number): boolean {
  const fixed = (dn: number): boolean => {
    const d = new Date(dn * DAY_MS);
    const m = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    return (m === 1 && day === 1) || (m === 7 && day === 4) || (m === 12 && day === 25);
  };
  const d = new Date(dayNumber * DAY_MS);
  const dow = d.getUTCDay();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  if (dow >= 1 && dow <= 5 && fixed(dayNumber)) return true;
  if (dow === 5 && fixed(dayNumber + 1)) return true;
  if (dow === 1 && fixed(dayNumber - 1)) return true;
  if (m === 5 && dow === 1 && day >= 25) return true; // Memorial Day: last Monday of May
  if (m === 9 && dow === 1 && day <= 7) return true; // Labor Day: first Monday of September
  if (m === 11 && dow === 4 && day >= 22 && day <= 28) return true; // Thanksgiving: fourth Thursday
  return false;
}

/* ------------------------------------------------------------------------------------------------ */
/* Daily curves                                                                                      */

type Knots = readonly (readonly [hour: number, value: number])[];

/** Piecewise-linear curve sampled at each minute's midpoint, as prefix sums (length 1441). */
function prefixOf(knots: Knots): Float64Array {
  const p = new Float64Array(MINUTES_PER_DAY + 1);
  let k = 0;
  for (let m = 0; m < MINUTES_PER_DAY; m++) {
    const h = (m + 0.5) / 60;
    while (k < knots.length - 2 && knots[k + 1]![0] <= h) k++;
    const [h0, v0] = knots[k]!;
    const [h1, v1] = knots[k + 1]!;
    p[m + 1] = p[m]! + v0 + ((v1 - v0) * (h - h0)) / (h1 - h0);
  }
  return p;
}

/** Average of a tabulated curve over local minutes [m0, m0 + len), wrapping past midnight. */
function avgOver(p: Float64Array, m0: number, len: number): number {
  const m1 = m0 + len;
  if (m1 <= MINUTES_PER_DAY) return (p[m1]! - p[m0]!) / len;
  return (p[MINUTES_PER_DAY]! - p[m0]! + p[Math.min(m1 - MINUTES_PER_DAY, MINUTES_PER_DAY)]!) / len;
}

interface ProfileCurves {
  /** Occupancy / process load as a share of peak, per day type. */
  occupancy: readonly [Knots, Knots, Knots];
  /** Cooling and electric heating amplitudes, shares of peak at full season. */
  coolingShare: number;
  heatingShare: number;
  /** Gas base (process, hot water, kitchens) as a share of the winter gas peak. */
  gasBaseShare: number;
  /** Water flow that runs regardless of occupancy, share of peak flow. */
  waterBaseShare: number;
}

const PROFILES: Readonly<Record<LoadProfile, ProfileCurves>> = {
  // Two shifts 06:00-22:00 with a dip at the 14:00 shift change; a Saturday shift; base ~45 %.
  industrial: {
    occupancy: [
      [[0, 0.45], [5.5, 0.45], [6.25, 0.86], [13.75, 0.88], [14, 0.8], [14.25, 0.88], [21.75, 0.86], [22.25, 0.47], [24, 0.45]],
      [[0, 0.45], [5.5, 0.45], [6.25, 0.68], [13.75, 0.68], [14.25, 0.47], [24, 0.45]],
      [[0, 0.43], [24, 0.43]],
    ],
    coolingShare: 0.12, heatingShare: 0.04, gasBaseShare: 0.3, waterBaseShare: 0.25,
  },
  // Open 07:00-19:00 on workdays, shorter Saturdays, low nights and Sundays.
  commercial: {
    occupancy: [
      [[0, 0.3], [6, 0.32], [7, 0.68], [8, 0.82], [12, 0.85], [13, 0.83], [17, 0.82], [19, 0.58], [20, 0.4], [22, 0.32], [24, 0.3]],
      [[0, 0.3], [8, 0.32], [9, 0.5], [17, 0.5], [18, 0.35], [24, 0.3]],
      [[0, 0.28], [10, 0.3], [16, 0.3], [24, 0.28]],
    ],
    coolingShare: 0.18, heatingShare: 0.05, gasBaseShare: 0.08, waterBaseShare: 0.08,
  },
  // 07:00-19:00 workdays with a lunch dip; weekends near the night base.
  office: {
    occupancy: [
      [[0, 0.25], [6, 0.27], [7, 0.58], [8.5, 0.82], [11.75, 0.84], [12.5, 0.77], [13.25, 0.83], [17, 0.81], [18, 0.58], [19, 0.37], [21, 0.27], [24, 0.25]],
      [[0, 0.25], [9, 0.27], [14, 0.3], [16, 0.27], [24, 0.25]],
      [[0, 0.25], [24, 0.25]],
    ],
    coolingShare: 0.18, heatingShare: 0.05, gasBaseShare: 0.05, waterBaseShare: 0.06,
  },
  // 24/7 with a daytime bump (clinics, imaging, elective surgery on workdays); base ~60 %.
  hospital: {
    occupancy: [
      [[0, 0.6], [5, 0.6], [7, 0.72], [9, 0.82], [15, 0.83], [17, 0.77], [19, 0.69], [21, 0.64], [24, 0.6]],
      [[0, 0.6], [7, 0.62], [10, 0.68], [17, 0.68], [20, 0.63], [24, 0.6]],
      [[0, 0.6], [7, 0.61], [10, 0.66], [17, 0.66], [20, 0.62], [24, 0.6]],
    ],
    coolingShare: 0.14, heatingShare: 0.04, gasBaseShare: 0.25, waterBaseShare: 0.35,
  },
};

/** Cooling load through the day (afternoon peak) and heating load (early-morning peak). */
const COOLING_DIURNAL: Knots = [[0, 0.35], [6, 0.3], [10, 0.7], [15, 1], [18, 0.85], [22, 0.5], [24, 0.35]];
const HEATING_DIURNAL: Knots = [[0, 0.75], [5, 1], [8, 0.95], [14, 0.6], [18, 0.75], [24, 0.75]];

interface CurveTables {
  occupancy: [Float64Array, Float64Array, Float64Array];
  occupancyMin: number;
  occupancyMax: number;
  cooling: Float64Array;
  heating: Float64Array;
}

const tableCache = new Map<LoadProfile, CurveTables>();
function tablesFor(profile: LoadProfile): CurveTables {
  let t = tableCache.get(profile);
  if (t === undefined) {
    const c = PROFILES[profile];
    const values = c.occupancy[WORKDAY].map(([, v]) => v);
    t = {
      occupancy: [prefixOf(c.occupancy[0]), prefixOf(c.occupancy[1]), prefixOf(c.occupancy[2])],
      occupancyMin: Math.min(...values),
      occupancyMax: Math.max(...values),
      cooling: prefixOf(COOLING_DIURNAL),
      heating: prefixOf(HEATING_DIURNAL),
    };
    tableCache.set(profile, t);
  }
  return t;
}

/* ------------------------------------------------------------------------------------------------ */
/* Per-day facts                                                                                     */

/** Seasonal weight peaks (1) in mid-July for cooling and mid-January for heating (northern hemisphere). */
const COOLING_PEAK_DOY = 200;
const HEATING_PEAK_DOY = 20;
/** Chance per local day of a voltage sag (feeder fault elsewhere, motor start) and of a swell. */
const SAG_PER_DAY = 0.05;
const SWELL_PER_DAY = 0.006;

interface DayTable {
  firstDay: number;
  dayType: Uint8Array;
  coolingWeight: Float64Array;
  heatingWeight: Float64Array;
  /** Day-to-day load variation (production volume, weather), about ±2 %. */
  loadNoise: Float64Array;
  /** Voltage event window in local minutes of the day, depth as a fraction (negative: sag). */
  vEventStartMin: Float64Array;
  vEventLenMin: Float64Array;
  vEventDepth: Float64Array;
}

function dayTable(spec: MeterSpec, firstDay: number, lastDay: number): DayTable {
  const n = lastDay - firstDay + 1;
  const seed = spec.seed ?? 0;
  const kLoad = streamKey(seed, spec.meterId, 'day-load');
  const kWeather = streamKey(seed, spec.meterId, 'day-weather');
  const kV = streamKey(seed, spec.outageKey ?? spec.meterId, 'day-voltage');
  const t: DayTable = {
    firstDay, dayType: new Uint8Array(n), coolingWeight: new Float64Array(n), heatingWeight: new Float64Array(n),
    loadNoise: new Float64Array(n), vEventStartMin: new Float64Array(n), vEventLenMin: new Float64Array(n), vEventDepth: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const dn = firstDay + i;
    const d = new Date(dn * DAY_MS);
    const dow = d.getUTCDay();
    const doy = Math.floor((dn * DAY_MS - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS);
    t.dayType[i] = dow === 0 || isObservedHoliday(dn) ? SUNDAY_OR_HOLIDAY : dow === 6 ? SATURDAY : WORKDAY;
    const weather = 1 + 0.35 * tri(kWeather, dn); // heat waves and cold snaps
    t.coolingWeight[i] = Math.max(0, Math.cos((2 * Math.PI * (doy - COOLING_PEAK_DOY)) / 365.25)) ** 1.5 * weather;
    t.heatingWeight[i] = Math.max(0, Math.cos((2 * Math.PI * (doy - HEATING_PEAK_DOY)) / 365.25)) * (2 - weather);
    t.loadNoise[i] = 0.02 * tri(kLoad, dn);
    const u = unit(kV, dn);
    if (u < SAG_PER_DAY) {
      // A sag long enough to pull interval averages a few % down (regulator lag, a feeder fault nearby).
      t.vEventStartMin[i] = Math.floor(unit(kV, dn + 0x10000000) * MINUTES_PER_DAY);
      t.vEventLenMin[i] = 10 + Math.floor(unit(kV, dn + 0x20000000) * 50);
      t.vEventDepth[i] = -(0.03 + 0.03 * unit(kV, dn + 0x30000000));
    } else if (u < SAG_PER_DAY + SWELL_PER_DAY) {
      t.vEventStartMin[i] = Math.floor(unit(kV, dn + 0x10000000) * MINUTES_PER_DAY);
      t.vEventLenMin[i] = 5 + Math.floor(unit(kV, dn + 0x20000000) * 25);
      t.vEventDepth[i] = 0.03 + 0.02 * unit(kV, dn + 0x30000000);
    }
  }
  return t;
}

/* ------------------------------------------------------------------------------------------------ */
/* Outages                                                                                           */

interface Interruption {
  startMs: number;
  endMs: number;
  sustained: boolean;
}

/**
 * The interruptions a meter sees in one local year, planned from the hash so that every range sees the
 * same ones: 2-6 sustained (15 min to 4 h, mostly short) and 2-6 momentary events, each a recloser
 * sequence of 1-3 open intervals of a few seconds (IEEE 1366 MAIFI_E counts such a sequence once).
 */
function interruptionsInYear(spec: MeterSpec, year: number): Interruption[] {
  const key = streamKey(spec.seed ?? 0, spec.outageKey ?? spec.meterId, 'outage');
  const yearStartLocal = Date.UTC(year, 0, 1);
  const daysInYear = Math.round((Date.UTC(year + 1, 0, 1) - yearStartLocal) / DAY_MS);
  const out: Interruption[] = [];
  const at = (slot: number) => unit(key, year * 256 + slot);
  const sustained = 2 + Math.floor(at(0) * 5);
  for (let k = 0; k < sustained; k++) {
    const doy = Math.floor(at(1 + 4 * k) * daysInYear);
    const startSec = Math.floor(at(2 + 4 * k) * 86_400);
    const durationMs = Math.round((15 + at(3 + 4 * k) ** 2 * 225) * MINUTE_MS / 1000) * 1000;
    const startMs = localToUtc(spec.timezone, yearStartLocal + doy * DAY_MS + startSec * 1000);
    out.push({ startMs, endMs: startMs + durationMs, sustained: true });
  }
  const momentary = 2 + Math.floor(at(100) * 5);
  for (let k = 0; k < momentary; k++) {
    const doy = Math.floor(at(101 + 8 * k) * daysInYear);
    const startSec = Math.floor(at(102 + 8 * k) * 86_400);
    let t = localToUtc(spec.timezone, yearStartLocal + doy * DAY_MS + startSec * 1000);
    const shots = 1 + Math.floor(at(103 + 8 * k) * 3);
    for (let s = 0; s < shots; s++) {
      const openMs = (1 + Math.floor(at(104 + 8 * k + s) * 20)) * 1000;
      out.push({ startMs: t, endMs: t + openMs, sustained: false });
      t += openMs + (2 + Math.floor(at(107 + 8 * k + s) * 13)) * 1000;
    }
  }
  return out;
}

/** Sustained windows merged and sorted; momentary ones that fall inside a sustained one dropped. */
function interruptionsAround(spec: MeterSpec, fromMs: number, toMs: number): Interruption[] {
  const y0 = new Date(fromMs - 2 * DAY_MS).getUTCFullYear();
  const y1 = new Date(toMs + 2 * DAY_MS).getUTCFullYear();
  const all: Interruption[] = [];
  for (let y = y0; y <= y1; y++) all.push(...interruptionsInYear(spec, y));
  const sustained = all.filter((x) => x.sustained).sort((a, b) => a.startMs - b.startMs);
  const merged: Interruption[] = [];
  for (const s of sustained) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
    else merged.push({ ...s });
  }
  const momentary = all.filter((x) => !x.sustained && !merged.some((s) => x.endMs >= s.startMs && x.startMs <= s.endMs));
  return [...merged, ...momentary].sort((a, b) => a.startMs - b.startMs);
}

/* ------------------------------------------------------------------------------------------------ */
/* Generation                                                                                        */

/** Power factor range (IEEE 1459 displacement PF of a mixed motor load, lower at light load). */
const PF_MIN = 0.86;
const PF_MAX = 0.97;
/** Gas peak (therm/h) and water peak (gal/h) per kW of the site's electric peak. */
const GAS_THERM_PER_HOUR_PER_PEAK_KW = 0.05;
const WATER_GAL_PER_HOUR_PER_PEAK_KW = 1.5;
/** Unit conversions: 1 ccf ≈ 1.037 therm (EIA average heat content); 1 therm ≈ 2.7306 m³; 1 gal = 0.003785411784 m³. */
const THERM_PER_CCF = 1.037;
const M3_PER_THERM = 2.7306;
const M3_PER_GAL = 0.003785411784;
/** Each phase's steady offset from nominal (unbalance), fraction. */
const PHASE_BIAS = { v_a: 0.004, v_b: -0.003, v_c: 0.001, thd_v_a: 0.1, thd_v_b: -0.1, thd_v_c: 0 } as const;

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Everything a value function needs about one interval. */
interface Slot {
  tMs: number;
  /** Minutes since the epoch of the interval start (the noise input). */
  minute: number;
  dayIndex: number;
  /** Local minute of day of the start, and the interval length in minutes. */
  m0: number;
  lenMin: number;
}

type ValueFn = (s: Slot) => number;

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

/** Builds the value function of one channel; the load noise is shared by channels of the same length. */
function valueFunction(spec: MeterSpec, ch: SimChannel, days: DayTable): ValueFn {
  const seed = spec.seed ?? 0;
  const id = spec.meterId;
  const curves = PROFILES[spec.profile];
  const tables = tablesFor(spec.profile);
  const len = ch.intervalMinutes;
  const hours = len / 60;
  const kLoadWhite = streamKey(seed, id, `load/${len}`);
  const kLoadHour = streamKey(seed, id, 'load-hour');
  const kPf = streamKey(seed, id, `pf/${len}`);
  const kKind = streamKey(seed, id, `${ch.kind}/${len}`);
  const kVoltHour = streamKey(seed, spec.outageKey ?? id, 'volt-hour');
  const kHzHour = streamKey(seed, spec.outageKey ?? id, 'hz-hour');
  const growthPerYear = 0.01 + 0.01 * unit(streamKey(seed, id, 'growth'), 0);
  const nominalV = spec.nominalVoltageV ?? DEFAULT_NOMINAL_VOLTAGE_V;

  /** Slowly wandering noise: hourly hash values, linearly interpolated at the interval midpoint. */
  const hourly = (key: number, s: Slot): number => {
    const hMid = (s.minute + len / 2) / 60;
    const h0 = Math.floor(hMid);
    const w = hMid - h0;
    return tri(key, h0) * (1 - w) + tri(key, h0 + 1) * w;
  };
  /** Load as a share of peakKw, averaged over the interval (noise within about ±5 %). */
  const loadShare = (s: Slot): number => {
    const d = s.dayIndex;
    const shape =
      avgOver(tables.occupancy[days.dayType[d]! as 0 | 1 | 2], s.m0, len) +
      curves.coolingShare * days.coolingWeight[d]! * avgOver(tables.cooling, s.m0, len) +
      curves.heatingShare * days.heatingWeight[d]! * avgOver(tables.heating, s.m0, len);
    const growth = 1 + growthPerYear * ((s.tMs - GROWTH_REFERENCE_MS) / YEAR_MS);
    const noise = 1 + days.loadNoise[d]! + 0.018 * hourly(kLoadHour, s) + 0.012 * tri(kLoadWhite, s.minute);
    return Math.max(0.02, shape * growth * noise);
  };
  const powerFactor = (share: number, s: Slot): number =>
    clamp(PF_MIN + (PF_MAX - PF_MIN) * clamp((share - 0.2) / 0.7, 0, 1) + 0.008 * tri(kPf, s.minute), PF_MIN, PF_MAX);
  const tanPhi = (pf: number): number => Math.sqrt(1 - pf * pf) / pf;
  /** Voltage per unit: lower under load, daily wander, phase unbalance, sag or swell overlap. */
  const voltagePu = (s: Slot, bias: number): number => {
    const share = loadShare(s);
    let pu = 1 + 0.03 * (0.6 - share) + bias + 0.004 * hourly(kVoltHour, s) + 0.003 * tri(kKind, s.minute);
    const d = s.dayIndex;
    const depth = days.vEventDepth[d]!;
    if (depth !== 0) {
      const a = days.vEventStartMin[d]!;
      const overlap = Math.min(a + days.vEventLenMin[d]!, s.m0 + len) - Math.max(a, s.m0);
      if (overlap > 0) pu += (depth * overlap) / len;
    }
    return clamp(pu, 0.91, 1.09);
  };
  const peak = spec.peakKw;

  switch (ch.kind) {
    case 'kwh_del':
      return (s) => round(peak * loadShare(s) * hours, 3);
    case 'kw':
      return (s) => round(peak * loadShare(s), 3);
    case 'kvarh_del':
    case 'kvar': {
      const h = ch.kind === 'kvar' ? 1 : hours;
      return (s) => {
        const share = loadShare(s);
        return round(peak * share * h * tanPhi(powerFactor(share, s)), 3);
      };
    }
    case 'kwh_rec':
    case 'kvarh_rec':
      return () => 0; // no on-site generation exporting
    case 'pf':
      return (s) => round(powerFactor(loadShare(s), s), 3);
    case 'v_a':
    case 'v_b':
    case 'v_c': {
      const bias = PHASE_BIAS[ch.kind];
      return (s) => round(nominalV * voltagePu(s, bias), 1);
    }
    case 'i_a':
    case 'i_b':
    case 'i_c':
      // Per-phase current of a balanced three-phase load: I = P / (3 · V_LN · PF).
      return (s) => {
        const share = loadShare(s);
        return round((peak * share * 1000) / (3 * nominalV * powerFactor(share, s)), 1);
      };
    case 'hz':
      return (s) => round(60 + 0.012 * hourly(kHzHour, s) + 0.006 * tri(kKind, s.minute), 3);
    case 'thd_v_a':
    case 'thd_v_b':
    case 'thd_v_c': {
      const bias = PHASE_BIAS[ch.kind];
      // Nonlinear load (VFDs, imaging, IT) raises voltage THD; IEEE 519-2022 Table 1 limits it to 5 % (8 % at ≤1 kV).
      return (s) => round(clamp(1.6 + 2.2 * clamp(loadShare(s) / 1.1, 0, 1) + bias + 0.35 * tri(kKind, s.minute), 1.5, 4.5), 2);
    }
    case 'gas': {
      const thermPerHour = peak * GAS_THERM_PER_HOUR_PER_PEAK_KW;
      const toUnit = ch.unit === 'ccf' ? 1 / THERM_PER_CCF : ch.unit === 'm3' ? M3_PER_THERM : 1;
      const setback = spec.profile === 'office' || spec.profile === 'commercial';
      return (s) => {
        const d = s.dayIndex;
        const heat = (1 - curves.gasBaseShare) * days.heatingWeight[d]! * avgOver(tables.heating, s.m0, len);
        const occupied = setback && days.dayType[d] !== WORKDAY ? 0.75 : 1;
        const q = thermPerHour * (curves.gasBaseShare + heat * occupied) * (1 + 0.08 * tri(kKind, s.minute)) * hours;
        return round(Math.max(0, q) * toUnit, 3);
      };
    }
    case 'water': {
      const galPerHour = peak * WATER_GAL_PER_HOUR_PER_PEAK_KW;
      const toUnit = ch.unit === 'm3' ? M3_PER_GAL : 1;
      const span = tables.occupancyMax - tables.occupancyMin;
      return (s) => {
        const d = s.dayIndex;
        const busy = clamp((avgOver(tables.occupancy[days.dayType[d]! as 0 | 1 | 2], s.m0, len) - tables.occupancyMin) / span, 0, 1);
        const tower = 0.3 * days.coolingWeight[d]! * avgOver(tables.cooling, s.m0, len); // cooling-tower make-up
        const q = galPerHour * (curves.waterBaseShare + (1 - curves.waterBaseShare) * busy + tower) * (1 + 0.1 * tri(kKind, s.minute)) * hours;
        return round(Math.max(0, q) * toUnit, ch.unit === 'm3' ? 4 : 1);
      };
    }
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Demo accounts                                                                                     */

/** A simulated meter of a demo account, with where it sits and how it reports. */
export interface DemoMeterSpec extends MeterSpec {
  accountId: string;
  siteId: string;
  protocol: 'mqtt' | 'modbus' | 'file' | undefined;
}

/** Site peak when the bundle lists no rated equipment, kW. */
export const DEFAULT_PEAK_KW = 1500;
/** Coincident peak over connected load: the sum of equipment ratings × this (the brief's rule of thumb). */
const PEAK_PER_RATED_KW = 1.6;
/** A site's further electric meters are treated as submeters of this share of the site peak. */
const SUBMETER_SHARE = 0.3;
/** Equipment that supplies power rather than drawing it; its rating is not load. */
const SOURCE_EQUIPMENT = /generator|genset|\bups\b|\bats\b|transfer switch|\bpv\b|solar|battery|storage/i;
const MEDICAL_EQUIPMENT = /\bmri\b|\bct\b|imaging|x-ray|hospital|surgical/i;

function profileFor(segment: string | undefined, equipmentText: string): LoadProfile {
  const s = (segment ?? '').toLowerCase();
  if (/hospital|health|medical|clinic/.test(s) || MEDICAL_EQUIPMENT.test(equipmentText)) return 'hospital';
  if (/industr|manufactur|plant|process|mining/.test(s)) return 'industrial';
  if (/office/.test(s)) return 'office';
  if (s.length > 0) return 'commercial';
  return 'industrial';
}

/**
 * The simulated meters of an account bundle: every meter with channels, with peakKw from the site's load
 * equipment (Σ ratedKw × 1.6, DEFAULT_PEAK_KW without ratings; the site's first electric meter carries
 * it, further electric meters 30 %), the profile from the account's segment (medical equipment makes a
 * hospital), nominal voltage and time zone from the site. A site's electric meters share outages.
 */
export function demoMeterSpecs(bundle: AccountBundle): DemoMeterSpec[] {
  const out: DemoMeterSpec[] = [];
  for (const site of bundle.sites) {
    const loads = site.equipment.filter((e) => !SOURCE_EQUIPMENT.test(`${e.kind ?? ''} ${e.id}`));
    const ratedKw = loads.reduce((sum, e) => sum + (e.ratedKw ?? 0), 0);
    const sitePeakKw = ratedKw > 0 ? Math.round(ratedKw * PEAK_PER_RATED_KW) : DEFAULT_PEAK_KW;
    const profile = profileFor(bundle.segment, site.equipment.map((e) => `${e.kind ?? ''} ${e.description ?? ''}`).join(' | '));
    let electricSeen = 0;
    for (const m of site.meters) {
      if (m.channels.length === 0) continue;
      const share = m.commodity === 'electric' && electricSeen++ > 0 ? SUBMETER_SHARE : 1;
      out.push({
        accountId: bundle.id,
        siteId: site.id,
        protocol: m.protocol,
        meterId: m.id,
        commodity: m.commodity,
        channels: m.channels.map((c) => ({ kind: c.kind, intervalMinutes: c.intervalMinutes, unit: c.unit })),
        timezone: site.timezone,
        nominalVoltageV: site.nominalVoltage ?? DEFAULT_NOMINAL_VOLTAGE_V,
        peakKw: Math.round(sitePeakKw * share),
        profile,
        outageKey: m.commodity === 'electric' ? `site:${site.id}` : m.id,
      });
    }
  }
  return out;
}
