/**
 * The load shape of each profile: daily curves in local time per day type (workday, Saturday, Sunday or
 * holiday), cooling and heating curves, and the per-day table of day types, seasonal weights, day-to-day
 * load noise and voltage sag/swell windows. Curves are tabulated per local minute with prefix sums, so
 * an interval's value is the average of the curve over the interval (exact for any length).
 */
import { DAY_MS, MINUTES_PER_DAY, isObservedHoliday } from './local-time.js';
import { streamKey, tri, unit } from './noise.js';
import type { LoadProfile, MeterSpec } from './profile.js';

/** @internal Day types: index into the daily curves. */
export const WORKDAY = 0;
const SATURDAY = 1;
const SUNDAY_OR_HOLIDAY = 2;

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

/** @internal Average of a tabulated curve over local minutes [m0, m0 + len), wrapping past midnight. */
export function avgOver(p: Float64Array, m0: number, len: number): number {
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

/** @internal */
export const PROFILES: Readonly<Record<LoadProfile, ProfileCurves>> = {
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
/** @internal */
export function tablesFor(profile: LoadProfile): CurveTables {
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

/** Seasonal weight peaks (1) in mid-July for cooling and mid-January for heating (northern hemisphere). */
const COOLING_PEAK_DOY = 200;
const HEATING_PEAK_DOY = 20;
/** Chance per local day of a voltage sag (feeder fault elsewhere, motor start) and of a swell. */
const SAG_PER_DAY = 0.05;
const SWELL_PER_DAY = 0.006;

/** @internal */
export interface DayTable {
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
  /** Daily mean outdoor temperature, °C: the season plus the day's weather, which also drives the cooling and heating above. */
  temperatureC: Float64Array;
}

/** @internal */
export function dayTable(spec: MeterSpec, firstDay: number, lastDay: number): DayTable {
  const n = lastDay - firstDay + 1;
  const seed = spec.seed ?? 0;
  const kLoad = streamKey(seed, spec.meterId, 'day-load');
  const kWeather = streamKey(seed, spec.meterId, 'day-weather');
  const kV = streamKey(seed, spec.outageKey ?? spec.meterId, 'day-voltage');
  const t: DayTable = {
    firstDay, dayType: new Uint8Array(n), coolingWeight: new Float64Array(n), heatingWeight: new Float64Array(n),
    loadNoise: new Float64Array(n), vEventStartMin: new Float64Array(n), vEventLenMin: new Float64Array(n), vEventDepth: new Float64Array(n),
    temperatureC: new Float64Array(n),
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
    // 12 °C mean, ±13 °C over the year (warmest near the cooling peak), ±6 °C for the day's heat wave or cold snap.
    t.temperatureC[i] = 12 + 13 * Math.cos((2 * Math.PI * (doy - COOLING_PEAK_DOY)) / 365.25) + (6 * (weather - 1)) / 0.35;
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
