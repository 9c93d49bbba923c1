/**
 * Transformer thermal model and insulation aging (Section 4 item 6, CONTRACT.md `transformers[]`
 * `equivalentAgingFactor`, `lossOfLifeHours`; the hourly series of `GET /v1/transformers/{id}/loading`).
 *
 * IEEE C57.91 clause 7 ("exponential" top-oil / hot-spot model, mineral oil, 65 °C average winding rise):
 *   θ_H      = θ_A + Δθ_TO + Δθ_H
 *   Δθ_TO,U  = Δθ_TO,R · ((K²·R + 1) / (R + 1))^n          ultimate top-oil rise over ambient at load K
 *   Δθ_H,U   = Δθ_H,R · K^(2m)                               ultimate hot-spot rise over top oil
 *   Δθ(t)    = Δθ_U + (Δθ_i − Δθ_U) · exp(−t / τ)            each rise follows a step of K exponentially
 * with τ = τ_TO for the top oil and τ_w for the winding, both taken at their rated values (the clause's
 * correction of τ_TO for non-rated load, which needs C and P_T,R from a test report, is not applied).
 * Aging, C57.91 clause 5.2: F_AA = exp(15000/383 − 15000/(θ_H + 273)), F_EQA = Σ F_AA·Δt / Σ Δt,
 * loss of life = F_EQA · t hours against the normal insulation life of 180,000 h (C57.91 Table 2).
 *
 * The step: the load K is the interval average and is held constant over its interval, so the
 * exponential above is the exact response to it (no stability limit on the step, unlike the
 * difference equations of C57.91 Annex G). Each interval is cut into substeps of at most
 * MAX_SUBSTEP_MINUTES so that the aging integral (trapezoid rule over the substep ends) and the peak
 * hot spot follow the 5-minute winding time constant inside 15- or 60-minute intervals.
 */
import { KeymeterError } from '../errors.js';
import { demandKw, HOUR_MS, MINUTE_MS, type IntervalSeries } from './series.js';
import { isoUtc } from './time-zone.js';

/** The clause 7 quantities at rated load (the bundle's `transformers[].thermal` block, same names). */
export interface ThermalParameters {
  /** Δθ_TO,R: top-oil rise over ambient at rated load, °C. */
  readonly topOilRiseC: number;
  /** Δθ_H,R: winding hot-spot rise over top oil at rated load, °C. */
  readonly hotSpotGradientC: number;
  /** R: load losses at rated load / no-load losses. */
  readonly lossRatio: number;
  /** Oil exponent n of the top-oil rise. */
  readonly n: number;
  /** Winding exponent m of the hot-spot rise. */
  readonly m: number;
  /** τ_TO: oil time constant at rated load, minutes. */
  readonly oilTimeConstantMin: number;
  /** τ_w: winding (hot-spot) time constant, minutes. */
  readonly windingTimeConstantMin: number;
}

export type OilCoolingClass = 'ONAN' | 'ONAF' | 'OFAF' | 'ODAF';

/**
 * Defaults per cooling class for a 65 °C-rise transformer whose hot spot rises 80 °C over a 30 °C
 * ambient at rated load (θ_H = 110 °C, F_AA = 1), so Δθ_TO,R + Δθ_H,R = 80 in every class.
 *   n, m: IEEE C57.91 clause 7, Table 4 "Exponents used in temperature determination equations":
 *         OA 0.8/0.8, FA 0.9/0.8, non-directed FOA/FOW 0.9/0.8, directed FOA/FOW 1.0/1.0.
 *   Δθ_TO,R, R, τ_TO: the typical power-transformer characteristics behind the loading tables of
 *         C57.92-1981 / C57.91-1995 (OA: R 3.2, τ 3.0 h; FA: 4.5, 2.0 h; FOA: 6.5, 1.25 h; top oil
 *         55 / 50 / 45 °C). Recalled, not checked against the text here: a transformer's test report
 *         (the bundle's `thermal` block) should replace them.
 *   τ_w: 5 minutes, the usual assumption when no test value is known (IEC 60076-7 Table 5 gives 4-10).
 */
export const THERMAL_DEFAULTS: Readonly<Record<OilCoolingClass, ThermalParameters>> = {
  ONAN: { topOilRiseC: 55, hotSpotGradientC: 25, lossRatio: 3.2, n: 0.8, m: 0.8, oilTimeConstantMin: 180, windingTimeConstantMin: 5 },
  ONAF: { topOilRiseC: 50, hotSpotGradientC: 30, lossRatio: 4.5, n: 0.9, m: 0.8, oilTimeConstantMin: 120, windingTimeConstantMin: 5 },
  OFAF: { topOilRiseC: 45, hotSpotGradientC: 35, lossRatio: 6.5, n: 0.9, m: 0.8, oilTimeConstantMin: 75, windingTimeConstantMin: 5 },
  ODAF: { topOilRiseC: 45, hotSpotGradientC: 35, lossRatio: 6.5, n: 1.0, m: 1.0, oilTimeConstantMin: 75, windingTimeConstantMin: 5 },
};

/** IEC 60076-1 names and the older ANSI ones (C57.12.00: OA, FA, FOA, FOW) mapped to the four classes. */
const COOLING_CLASS: Readonly<Record<string, OilCoolingClass>> = {
  ONAN: 'ONAN', OA: 'ONAN',
  ONAF: 'ONAF', FA: 'ONAF',
  OFAF: 'OFAF', OFWF: 'OFAF', FOA: 'OFAF', FOW: 'OFAF',
  ODAF: 'ODAF', ODWF: 'ODAF',
};

/** Cooling assumed when the bundle names none: most key-account service transformers are self-cooled. */
export const DEFAULT_COOLING: OilCoolingClass = 'ONAN';

/** C57.91 clause 5.2: the reference hot spot of 65 °C-rise insulation, where F_AA = 1 (°C). */
export const REFERENCE_HOT_SPOT_C = 110;
/** C57.91 clause 5.2: the aging constant B of the Arrhenius life curve, K. */
const AGING_B = 15000;
/** C57.91 writes the absolute temperature as θ + 273 (not 273.15); kept so F_AA(110 °C) is exactly 1. */
const KELVIN_OFFSET = 273;
/** C57.91 Table 2: normal insulation life, 50 % retained tensile strength, hours. */
export const NORMAL_INSULATION_LIFE_H = 180_000;
/** C57.12.00 usual service conditions: 30 °C average ambient; used where no ambient is known. */
export const RATED_AMBIENT_C = 30;
/** Longest substep of the model, minutes (see the module comment). */
export const MAX_SUBSTEP_MINUTES = 1;

/**
 * Resolved parameters for a transformer: the class defaults overridden field by field by `overrides`
 * (the bundle's `thermal` block; undefined fields keep the default). Returns null for the dry-type
 * classes AN/AF: C57.91 covers oil-immersed units only (dry types are C57.96, a different model).
 * Throws RangeError for an override that is not a positive finite number.
 *
 * @param cooling the bundle's `cooling` (ONAN, ONAF, OFAF, ODAF, OFWF, ODWF, OA, FA, FOA, FOW, AN, AF); undefined: DEFAULT_COOLING
 */
export function thermalParameters(cooling: string | undefined, overrides: Partial<ThermalParameters> = {}): ThermalParameters | null {
  const cls = COOLING_CLASS[cooling ?? DEFAULT_COOLING];
  if (cls === undefined) return null;
  const out: Record<string, number> = { ...THERMAL_DEFAULTS[cls] };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in out)) throw new RangeError(`unknown thermal parameter '${key}'`);
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) throw new RangeError(`thermal parameter ${key} must be a positive number, got ${String(value)}`);
    out[key] = value;
  }
  return out as unknown as ThermalParameters;
}

/** IEEE C57.91 clause 5.2, eq. (2): aging acceleration factor at hot-spot temperature θ_H (°C); 1 at 110 °C. */
export function agingAccelerationFactor(hotSpotC: number): number {
  return Math.exp(AGING_B / (REFERENCE_HOT_SPOT_C + KELVIN_OFFSET) - AGING_B / (hotSpotC + KELVIN_OFFSET));
}

/** C57.91 clause 7: ultimate top-oil rise over ambient at constant per-unit load K, °C. */
export function ultimateTopOilRiseC(k: number, p: ThermalParameters): number {
  return p.topOilRiseC * Math.pow((k * k * p.lossRatio + 1) / (p.lossRatio + 1), p.n);
}

/** C57.91 clause 7: ultimate hot-spot rise over top oil at constant per-unit load K, °C. */
export function ultimateHotSpotRiseC(k: number, p: ThermalParameters): number {
  return p.hotSpotGradientC * Math.pow(k, 2 * p.m);
}

/**
 * Per-unit load K of each interval: apparent power / rating, kVA = sqrt(kW² + kvar²) with kW = kWh x 60
 * / interval minutes (DESIGN.md "Domain facts"); without kvarh, kVA = kW (unity power factor, which
 * understates K). NaN in kWh, or in kvarh when given, gives NaN. Throws KM_CORE_SHAPE when kvarh is
 * not aligned with kWh and RangeError for a rating that is not a positive kVA.
 */
export function loadPerUnit(kwh: IntervalSeries, kvarh: IntervalSeries | undefined, kva: number): IntervalSeries {
  if (!(kva > 0) || !Number.isFinite(kva)) throw new RangeError(`transformer rating must be a positive kVA, got ${kva}`);
  if (kvarh !== undefined && (kvarh.startMs !== kwh.startMs || kvarh.intervalMinutes !== kwh.intervalMinutes || kvarh.values.length !== kwh.values.length)) {
    throw new KeymeterError('KM_CORE_SHAPE', 'kvarh is not aligned with kWh (start, interval and length must match)');
  }
  const p = kwh.values;
  const q = kvarh?.values;
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const kw = demandKw(p[i]!, kwh.intervalMinutes);
    out[i] = (q === undefined ? Math.abs(kw) : Math.hypot(kw, demandKw(q[i]!, kwh.intervalMinutes))) / kva;
  }
  return { startMs: kwh.startMs, intervalMinutes: kwh.intervalMinutes, values: out };
}

export interface ThermalOptions {
  /**
   * Ambient temperature, °C: a constant, or a series of any interval read at each load interval's
   * start (NaN or outside the series: `fallbackAmbientC`). Default RATED_AMBIENT_C.
   */
  readonly ambientC?: number | IntervalSeries;
  /** Ambient where the ambient series has no value, °C. Default RATED_AMBIENT_C. */
  readonly fallbackAmbientC?: number;
}

/** The hourly series (epoch-aligned UTC hours, hour h starts at `startMs + h x 1 h`); NaN where an hour has no load data. */
export interface ThermalHourly {
  readonly startMs: number;
  readonly intervalMinutes: 60;
  /** Mean per-unit load K of the hour's intervals with data. */
  readonly loadPu: Float64Array;
  /** Highest top-oil temperature of the hour, °C. */
  readonly topOilC: Float64Array;
  /** Highest hot-spot temperature of the hour, °C. */
  readonly hotSpotC: Float64Array;
  /** Equivalent aging factor of the hour, Σ F_AA·Δt / Σ Δt. */
  readonly agingFactor: Float64Array;
}

export interface TransformerThermal {
  readonly parameters: ThermalParameters;
  /** Hours with load data (the t of loss of life). */
  readonly hours: number;
  /** F_EQA over the hours with data (C57.91 eq. 3); null without data. */
  readonly equivalentAgingFactor: number | null;
  /** F_EQA x hours (C57.91 eq. 4), hours of normal life used in the period. */
  readonly lossOfLifeHours: number;
  /** lossOfLifeHours / NORMAL_INSULATION_LIFE_H. */
  readonly lossOfLifeShare: number;
  /** Hours in intervals with K > 1 (load above the nameplate rating). */
  readonly hoursAboveNameplate: number;
  /** Hours in substeps whose hot spot exceeds 110 °C (aging faster than normal). */
  readonly hoursHotSpotAboveReference: number;
  readonly peakLoadPu: number | null;
  readonly peakHotSpotC: number | null;
  /** Start of the interval holding the peak hot spot, RFC 3339 UTC; null with peakHotSpotC. */
  readonly peakHotSpotAt: string | null;
  readonly peakTopOilC: number | null;
  readonly hourly: ThermalHourly;
}

/**
 * Runs the clause 7 model over a per-unit load series (from `loadPerUnit`).
 *
 * Start: steady state at the first interval with data (the rises equal their ultimate values at that
 * load). Missing intervals (NaN load) keep the last known load for the thermal state, since a meter gap
 * is not a de-energized transformer, but add nothing to hours, aging, peaks or the hourly series.
 * Each interval belongs to the hour its start falls in. Cost: one exp per substep (525,600 for a
 * year of hourly or 15-minute data); allocates the four hourly arrays.
 */
export function transformerThermal(loadPu: IntervalSeries, parameters: ThermalParameters, options: ThermalOptions = {}): TransformerThermal {
  const p = parameters;
  const k = loadPu.values;
  const n = k.length;
  const intervalMin = loadPu.intervalMinutes;
  if (!(intervalMin > 0)) throw new RangeError(`intervalMinutes must be positive, got ${intervalMin}`);
  const fallback = options.fallbackAmbientC ?? RATED_AMBIENT_C;
  const ambient = options.ambientC ?? RATED_AMBIENT_C;
  const ambientAt = typeof ambient === 'number' ? () => ambient : seriesLookup(ambient, fallback);

  const substeps = Math.ceil(intervalMin / MAX_SUBSTEP_MINUTES);
  const dtMin = intervalMin / substeps;
  const dtH = dtMin / 60;
  const decayOil = Math.exp(-dtMin / p.oilTimeConstantMin);
  const decayWinding = Math.exp(-dtMin / p.windingTimeConstantMin);
  const stepMs = intervalMin * MINUTE_MS;

  const hour0 = Math.floor(loadPu.startMs / HOUR_MS) * HOUR_MS;
  const hoursLen = n === 0 ? 0 : Math.floor((loadPu.startMs + (n - 1) * stepMs - hour0) / HOUR_MS) + 1;
  const hLoad = new Float64Array(hoursLen);
  const hCount = new Float64Array(hoursLen);
  const hTopOil = new Float64Array(hoursLen).fill(NaN);
  const hHotSpot = new Float64Array(hoursLen).fill(NaN);
  const hAging = new Float64Array(hoursLen);
  const hAgingH = new Float64Array(hoursLen);

  let first = 0;
  while (first < n && !(k[first]! >= 0)) first++;
  let kNow = first < n ? k[first]! : 0;
  let topOil = ultimateTopOilRiseC(kNow, p);
  let hotSpot = ultimateHotSpotRiseC(kNow, p);
  let faaPrev = agingAccelerationFactor((first < n ? ambientAt(loadPu.startMs + first * stepMs) : fallback) + topOil + hotSpot);

  let hours = 0;
  let agingHours = 0;
  let aboveNameplate = 0;
  let aboveReference = 0;
  let peakLoad = -Infinity;
  let peakHot = -Infinity;
  let peakHotIndex = -1;
  let peakTop = -Infinity;
  for (let i = first; i < n; i++) {
    const v = k[i]!;
    const present = v >= 0; // false for NaN (and for a negative K, which no load can have)
    if (present) kNow = v;
    const t0 = loadPu.startMs + i * stepMs;
    const amb = ambientAt(t0);
    const ultTop = ultimateTopOilRiseC(kNow, p);
    const ultHot = ultimateHotSpotRiseC(kNow, p);
    const h = Math.floor((t0 - hour0) / HOUR_MS);
    let maxTop = -Infinity;
    let maxHot = -Infinity;
    let aging = 0;
    for (let s = 0; s < substeps; s++) {
      topOil = ultTop + (topOil - ultTop) * decayOil;
      hotSpot = ultHot + (hotSpot - ultHot) * decayWinding;
      const thetaTop = amb + topOil;
      const thetaHot = thetaTop + hotSpot;
      const faa = agingAccelerationFactor(thetaHot);
      aging += ((faaPrev + faa) / 2) * dtH; // trapezoid over the substep
      faaPrev = faa;
      if (thetaTop > maxTop) maxTop = thetaTop;
      if (thetaHot > maxHot) maxHot = thetaHot;
      if (present && thetaHot > REFERENCE_HOT_SPOT_C) aboveReference += dtH;
    }
    if (!present) continue;
    const intervalH = intervalMin / 60;
    hours += intervalH;
    agingHours += aging;
    if (v > 1) aboveNameplate += intervalH;
    if (v > peakLoad) peakLoad = v;
    if (maxHot > peakHot) {
      peakHot = maxHot;
      peakHotIndex = i;
    }
    if (maxTop > peakTop) peakTop = maxTop;
    hLoad[h] = hLoad[h]! + v;
    hCount[h] = hCount[h]! + 1;
    if (!(hTopOil[h]! >= maxTop)) hTopOil[h] = maxTop;
    if (!(hHotSpot[h]! >= maxHot)) hHotSpot[h] = maxHot;
    hAging[h] = hAging[h]! + aging;
    hAgingH[h] = hAgingH[h]! + intervalH;
  }
  for (let h = 0; h < hoursLen; h++) {
    const c = hCount[h]!;
    hLoad[h] = c > 0 ? hLoad[h]! / c : NaN;
    hAging[h] = c > 0 ? hAging[h]! / hAgingH[h]! : NaN;
  }

  const feqa = hours > 0 ? agingHours / hours : null;
  const lossOfLifeHours = feqa === null ? 0 : feqa * hours;
  return {
    parameters: p,
    hours,
    equivalentAgingFactor: feqa,
    lossOfLifeHours,
    lossOfLifeShare: lossOfLifeHours / NORMAL_INSULATION_LIFE_H,
    hoursAboveNameplate: aboveNameplate,
    hoursHotSpotAboveReference: aboveReference,
    peakLoadPu: peakHotIndex < 0 ? null : peakLoad,
    peakHotSpotC: peakHotIndex < 0 ? null : peakHot,
    peakHotSpotAt: peakHotIndex < 0 ? null : isoUtc(loadPu.startMs + peakHotIndex * stepMs),
    peakTopOilC: peakHotIndex < 0 ? null : peakTop,
    hourly: { startMs: hour0, intervalMinutes: 60, loadPu: hLoad, topOilC: hTopOil, hotSpotC: hHotSpot, agingFactor: hAging },
  };
}

/** Value of `s` at instant `ms` (the interval holding it), or `fallback` outside the series or where NaN. */
function seriesLookup(s: IntervalSeries, fallback: number): (ms: number) => number {
  const step = s.intervalMinutes * MINUTE_MS;
  return (ms) => {
    const i = Math.floor((ms - s.startMs) / step);
    const v = i >= 0 && i < s.values.length ? s.values[i]! : NaN;
    return v === v ? v : fallback;
  };
}
