/**
 * The value of each channel kind for one interval: load kW = peakKw × shape × growth × (1 + noise);
 * energy = average kW × hours; kvarh from a power factor that falls at light load; voltages sag as load
 * rises; gas follows heating, water follows occupancy.
 */
import { PROFILES, WORKDAY, avgOver, tablesFor, type DayTable } from './load-shape.js';
import { DAY_MS } from './local-time.js';
import { streamKey, tri, unit } from './noise.js';
import type { MeterSpec, SimChannel } from './profile.js';

/** Mean Gregorian year, for growth. */
const YEAR_MS = 365.2425 * DAY_MS;
/** Growth is 1.0 at this instant (2025-01-01Z) and compounds linearly around it. */
const GROWTH_REFERENCE_MS = Date.UTC(2025, 0, 1);

/** Default line-to-neutral voltage (V) of a 480Y/277 V service. */
export const DEFAULT_NOMINAL_VOLTAGE_V = 277;

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

/** @internal Everything a value function needs about one interval. */
export interface Slot {
  tMs: number;
  /** Minutes since the epoch of the interval start (the noise input). */
  minute: number;
  dayIndex: number;
  /** Local minute of day of the start, and the interval length in minutes. */
  m0: number;
  lenMin: number;
}

type ValueFn = (s: Slot) => number;

/** @internal Builds the value function of one channel; the load noise is shared by channels of the same length. */
export function valueFunction(spec: MeterSpec, ch: SimChannel, days: DayTable): ValueFn {
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
    case 'temp':
      // Outdoor air: the day's mean with a ±5 °C daily swing, warmest at 15:00 local, coolest at 03:00.
      return (s) => round(days.temperatureC[s.dayIndex]! + 5 * Math.cos((2 * Math.PI * (s.m0 + len / 2 - 15 * 60)) / (24 * 60)) + 0.3 * tri(kKind, s.minute), 1);
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
