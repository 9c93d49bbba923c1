/**
 * ESPI ReadingType <-> Keymeter channel kind and unit (CONTRACT.md "Channels"), both ways, and the
 * scaling of IntervalReading values (`value x 10^powerOfTenMultiplier` in the ReadingType's `uom`).
 *
 * Mapping (codes in ./codes.ts, from espiDerived.xsd):
 * - Wh (72): forward (1) or none (0) -> kwh_del, reverse (19) -> kwh_rec; VArh (73): forward, none,
 *   lagging or Q1+Q2 -> kvarh_del, reverse, leading or Q3+Q4 -> kvarh_rec. Net (4) and total (20) have
 *   no Keymeter channel.
 * - W -> kw, VAr -> kvar, V -> v_a/v_b/v_c and A -> i_a/i_b/i_c by phase (A/AN, B/BN, C/CN), Hz -> hz,
 *   cosθ (or kind powerFactor with no unit) -> pf, kind totalHarmonicDistortion (47) with no unit ->
 *   thd_v_a/b/c by phase, in percent.
 * - Gas (commodity naturalGas, or a gas UsagePoint): therm, BTU, m3, ft3 -> gas. Water (potable or
 *   non-potable, or a water UsagePoint): US gal, imperial gal, litre, m3, ft3 -> water.
 * - Register readings (accumulationBehaviour bulkQuantity, cumulative, summation, ...) are refused:
 *   Keymeter stores interval values.
 */
import type { ChannelKind } from '../channels.js';
import { UNITS_BY_KIND } from '../channels.js';
import {
  Accumulation, Commodity, DataQualifier, FlowDirection, INT48_MAX, MeasurementKind, Phase, REGISTER_ACCUMULATIONS,
  ServiceKind, UNIT_MULTIPLIERS, Uom,
} from './codes.js';

/** The fields of an ESPI ReadingType Keymeter reads (absent elements are undefined). */
export interface EspiReadingType {
  accumulationBehaviour?: number | undefined;
  commodity?: number | undefined;
  dataQualifier?: number | undefined;
  flowDirection?: number | undefined;
  /** Seconds. */
  intervalLength?: number | undefined;
  kind?: number | undefined;
  phase?: number | undefined;
  powerOfTenMultiplier?: number | undefined;
  uom?: number | undefined;
}

/** A unit as the ESPI file states it (the `uom`, before the power of ten). */
export type EspiUnit = 'Wh' | 'VArh' | 'W' | 'VAr' | 'V' | 'A' | 'Hz' | 'cos' | 'pct' | 'therm' | 'BTU' | 'm3' | 'ft3' | 'L' | 'USgal' | 'impgal';

export type ReadingTypeMapping =
  | { ok: true; kind: ChannelKind; unit: EspiUnit }
  | { ok: false; reason: string; /** True when the UsagePoint's service kind would settle it (a bare volume). */ needsServiceKind?: true };

type Family = 'electric' | 'gas' | 'water';

const VOLUME_WITHOUT_COMMODITY = 'a volume with no commodity and no UsagePoint service kind (gas or water?)';

/** The commodity of a ReadingType: its `commodity`, else the UsagePoint's service kind, else its unit. */
function familyOf(rt: EspiReadingType, serviceKind: number | undefined): Family | string {
  switch (rt.commodity) {
    case Commodity.ELECTRICITY_SECONDARY: case Commodity.ELECTRICITY_PRIMARY: return 'electric';
    case Commodity.NATURAL_GAS: return 'gas';
    case Commodity.POTABLE_WATER: case Commodity.NON_POTABLE_WATER: return 'water';
    case undefined: case Commodity.NONE: break;
    default: return `commodity ${rt.commodity} has no Keymeter channel (electricity 1/2, natural gas 7, water 9/14)`;
  }
  if (serviceKind === ServiceKind.ELECTRICITY) return 'electric';
  if (serviceKind === ServiceKind.GAS) return 'gas';
  if (serviceKind === ServiceKind.WATER) return 'water';
  switch (rt.uom) {
    case Uom.THERM: case Uom.BTU: return 'gas';
    case Uom.US_GAL: case Uom.IMPERIAL_GAL: case Uom.LITRE: return 'water';
    case Uom.M3: case Uom.M3_COMPENSATED: case Uom.M3_UNCOMPENSATED: case Uom.FT3: case Uom.FT3_COMPENSATED:
      return VOLUME_WITHOUT_COMMODITY;
    default: return 'electric';
  }
}

function byPhase(phase: number | undefined, a: ChannelKind, b: ChannelKind, c: ChannelKind): ChannelKind | undefined {
  switch (phase) {
    case Phase.A: case Phase.AN: return a;
    case Phase.B: case Phase.BN: return b;
    case Phase.C: case Phase.CN: return c;
    default: return undefined;
  }
}

/**
 * The channel kind and unit of a ReadingType, or the reason there is none. `serviceKind` is the
 * ServiceCategory kind of the UsagePoint the reading belongs to, when known.
 */
export function channelKindOf(rt: EspiReadingType, serviceKind?: number): ReadingTypeMapping {
  const acc = rt.accumulationBehaviour ?? Accumulation.NONE;
  if (REGISTER_ACCUMULATIONS.has(acc)) return { ok: false, reason: `accumulationBehaviour ${acc} is a register reading, not interval data (deltaData is 4)` };
  if (rt.uom === undefined) return { ok: false, reason: 'the ReadingType has no uom' };
  const family = familyOf(rt, serviceKind);
  const no = (what: string): ReadingTypeMapping => ({ ok: false, reason: `${what} has no Keymeter channel` });
  const flow = rt.flowDirection ?? FlowDirection.NONE;
  if (family === 'gas') {
    switch (rt.uom) {
      case Uom.THERM: return { ok: true, kind: 'gas', unit: 'therm' };
      case Uom.BTU: return { ok: true, kind: 'gas', unit: 'BTU' };
      case Uom.M3: case Uom.M3_COMPENSATED: case Uom.M3_UNCOMPENSATED: return { ok: true, kind: 'gas', unit: 'm3' };
      case Uom.FT3: case Uom.FT3_COMPENSATED: return { ok: true, kind: 'gas', unit: 'ft3' };
      default: return no(`gas in uom ${rt.uom}`);
    }
  }
  if (family === 'water') {
    switch (rt.uom) {
      case Uom.US_GAL: return { ok: true, kind: 'water', unit: 'USgal' };
      case Uom.IMPERIAL_GAL: return { ok: true, kind: 'water', unit: 'impgal' };
      case Uom.LITRE: return { ok: true, kind: 'water', unit: 'L' };
      case Uom.M3: case Uom.M3_COMPENSATED: case Uom.M3_UNCOMPENSATED: return { ok: true, kind: 'water', unit: 'm3' };
      case Uom.FT3: case Uom.FT3_COMPENSATED: return { ok: true, kind: 'water', unit: 'ft3' };
      default: return no(`water in uom ${rt.uom}`);
    }
  }
  if (family === VOLUME_WITHOUT_COMMODITY) return { ok: false, reason: family, needsServiceKind: true };
  if (family !== 'electric') return { ok: false, reason: family };
  switch (rt.uom) {
    case Uom.WH:
      if (flow === FlowDirection.FORWARD || flow === FlowDirection.NONE) return { ok: true, kind: 'kwh_del', unit: 'Wh' };
      if (flow === FlowDirection.REVERSE) return { ok: true, kind: 'kwh_rec', unit: 'Wh' };
      return no(`Wh with flowDirection ${flow}`);
    case Uom.VARH:
      if (flow === FlowDirection.FORWARD || flow === FlowDirection.NONE || flow === FlowDirection.LAGGING || flow === FlowDirection.Q1_PLUS_Q2) {
        return { ok: true, kind: 'kvarh_del', unit: 'VArh' };
      }
      if (flow === FlowDirection.REVERSE || flow === FlowDirection.LEADING || flow === FlowDirection.Q3_PLUS_Q4) return { ok: true, kind: 'kvarh_rec', unit: 'VArh' };
      return no(`VArh with flowDirection ${flow}`);
    case Uom.W: return { ok: true, kind: 'kw', unit: 'W' };
    case Uom.VAR: return { ok: true, kind: 'kvar', unit: 'VAr' };
    case Uom.HZ: return { ok: true, kind: 'hz', unit: 'Hz' };
    case Uom.COS_THETA: return { ok: true, kind: 'pf', unit: 'cos' };
    case Uom.V: {
      const kind = byPhase(rt.phase, 'v_a', 'v_b', 'v_c');
      return kind ? { ok: true, kind, unit: 'V' } : no(`voltage on phase ${rt.phase ?? 'none'} (A/AN, B/BN, C/CN map to v_a, v_b, v_c)`);
    }
    case Uom.A: {
      const kind = byPhase(rt.phase, 'i_a', 'i_b', 'i_c');
      return kind ? { ok: true, kind, unit: 'A' } : no(`current on phase ${rt.phase ?? 'none'} (A/AN, B/BN, C/CN map to i_a, i_b, i_c)`);
    }
    case Uom.NONE: {
      if (rt.kind === MeasurementKind.POWER_FACTOR) return { ok: true, kind: 'pf', unit: 'cos' };
      if (rt.kind === MeasurementKind.TOTAL_HARMONIC_DISTORTION) {
        const kind = byPhase(rt.phase, 'thd_v_a', 'thd_v_b', 'thd_v_c');
        return kind ? { ok: true, kind, unit: 'pct' } : no(`THD on phase ${rt.phase ?? 'none'}`);
      }
      return no(`uom 0 with kind ${rt.kind ?? 'none'}`);
    }
    default: return no(`uom ${rt.uom}`);
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Units                                                                                             */

/** NIST SP 811 (2008) Appendix B.8/B.9: 1 ft3 = 0.028316846592 m3 (exact, from 1 ft = 0.3048 m). */
const FT3_IN_M3 = 0.028316846592;
/** 1 US gallon = 231 in3 = 3.785411784 L (exact). */
const US_GAL_IN_L = 3.785411784;
/** 1 imperial gallon = 4.54609 L (exact, UK Weights and Measures Act 1985). */
const IMP_GAL_IN_L = 4.54609;

/** channel value = ESPI value (in `uom`) x 10^exp x factor. */
export interface UnitConversion {
  exp: number;
  factor: number;
}

/** Conversions into each channel unit, by ESPI unit. A missing pair cannot be converted (therm <-> m3 needs the gas's heat content). */
const CONVERSIONS: Readonly<Record<string, Partial<Record<EspiUnit, UnitConversion>>>> = {
  kWh: { Wh: { exp: -3, factor: 1 } },
  kvarh: { VArh: { exp: -3, factor: 1 } },
  kW: { W: { exp: -3, factor: 1 } },
  kvar: { VAr: { exp: -3, factor: 1 } },
  V: { V: { exp: 0, factor: 1 } },
  A: { A: { exp: 0, factor: 1 } },
  Hz: { Hz: { exp: 0, factor: 1 } },
  '': { cos: { exp: 0, factor: 1 } }, // pf: a fraction, no unit
  '%': { pct: { exp: 0, factor: 1 } },
  // The US therm is 100,000 BTU (NIST SP 811 B.8 note).
  therm: { therm: { exp: 0, factor: 1 }, BTU: { exp: -5, factor: 1 } },
  // ccf: 100 ft3.
  ccf: { ft3: { exp: -2, factor: 1 }, m3: { exp: -2, factor: 1 / FT3_IN_M3 } },
  m3: { m3: { exp: 0, factor: 1 }, L: { exp: -3, factor: 1 }, ft3: { exp: 0, factor: FT3_IN_M3 }, USgal: { exp: -3, factor: US_GAL_IN_L }, impgal: { exp: -3, factor: IMP_GAL_IN_L } },
  gal: { USgal: { exp: 0, factor: 1 }, L: { exp: 0, factor: 1 / US_GAL_IN_L }, m3: { exp: 3, factor: 1 / US_GAL_IN_L }, impgal: { exp: 0, factor: IMP_GAL_IN_L / US_GAL_IN_L }, ft3: { exp: 3, factor: FT3_IN_M3 / US_GAL_IN_L } },
};

/** The unit a channel's values are in: its own, else the kind's default (CONTRACT.md "Channels"; pf has none). */
export function channelUnit(kind: ChannelKind, unit: string | null | undefined): string {
  return unit ?? UNITS_BY_KIND[kind][0] ?? '';
}

/** How to turn values in `from` into the channel's `unit`, or undefined when they cannot be converted. */
export function conversionTo(unit: string, from: EspiUnit): UnitConversion | undefined {
  return CONVERSIONS[unit]?.[from];
}

/**
 * An ESPI integer value in the channel's unit: raw x 10^(pow10 + conv.exp) x conv.factor. A negative
 * total exponent divides by the exact power of ten instead of multiplying by its inexact inverse, so a
 * value with at most that many decimals comes back as the double nearest to that decimal (the same
 * number `Number("12.345")` gives), which is what makes an export read back to the same readings.
 */
export function scaleValue(raw: number, pow10: number, conv: UnitConversion): number {
  const e = pow10 + conv.exp;
  const v = e >= 0 ? raw * 10 ** e : raw / 10 ** -e;
  return conv.factor === 1 ? v : v * conv.factor;
}

/* ------------------------------------------------------------------------------------------------ */
/* Export                                                                                            */

/** The ReadingType written for a channel, and the power of ten of its unit: channel unit = 10^unitExp x uom. */
export interface ExportReadingType {
  accumulationBehaviour: number;
  commodity: number;
  dataQualifier: number;
  flowDirection: number;
  kind: number;
  phase: number;
  uom: number;
  unitExp: number;
}

const ELECTRIC = Commodity.ELECTRICITY_SECONDARY;

function average(uom: number, kind: number, phase: number, unitExp: number): ExportReadingType {
  return { accumulationBehaviour: Accumulation.NONE, commodity: ELECTRIC, dataQualifier: DataQualifier.AVERAGE, flowDirection: FlowDirection.NONE, kind, phase, uom, unitExp };
}

function delta(commodity: number, uom: number, kind: number, flowDirection: number, unitExp: number): ExportReadingType {
  return { accumulationBehaviour: Accumulation.DELTA_DATA, commodity, dataQualifier: DataQualifier.NORMAL, flowDirection, kind, phase: Phase.NONE, uom, unitExp };
}

/** Whether the Green Button export writes channels of this kind (usage and electric measurements, not weather). */
export function exportable(kind: ChannelKind): boolean {
  return kind !== 'temp';
}

/** The ReadingType for a channel of `kind` in `unit` (its channelUnit), the inverse of channelKindOf. */
export function exportReadingType(kind: ChannelKind, unit: string): ExportReadingType {
  switch (kind) {
    case 'kwh_del': return delta(ELECTRIC, Uom.WH, MeasurementKind.ENERGY, FlowDirection.FORWARD, 3);
    case 'kwh_rec': return delta(ELECTRIC, Uom.WH, MeasurementKind.ENERGY, FlowDirection.REVERSE, 3);
    case 'kvarh_del': return delta(ELECTRIC, Uom.VARH, MeasurementKind.ENERGY, FlowDirection.FORWARD, 3);
    case 'kvarh_rec': return delta(ELECTRIC, Uom.VARH, MeasurementKind.ENERGY, FlowDirection.REVERSE, 3);
    case 'kw': return average(Uom.W, MeasurementKind.POWER, Phase.NONE, 3);
    case 'kvar': return average(Uom.VAR, MeasurementKind.POWER, Phase.NONE, 3);
    case 'v_a': return average(Uom.V, MeasurementKind.VOLTAGE, Phase.AN, 0);
    case 'v_b': return average(Uom.V, MeasurementKind.VOLTAGE, Phase.BN, 0);
    case 'v_c': return average(Uom.V, MeasurementKind.VOLTAGE, Phase.CN, 0);
    case 'i_a': return average(Uom.A, MeasurementKind.CURRENT, Phase.A, 0);
    case 'i_b': return average(Uom.A, MeasurementKind.CURRENT, Phase.B, 0);
    case 'i_c': return average(Uom.A, MeasurementKind.CURRENT, Phase.C, 0);
    case 'hz': return average(Uom.HZ, MeasurementKind.FREQUENCY, Phase.NONE, 0);
    case 'pf': return average(Uom.COS_THETA, MeasurementKind.POWER_FACTOR, Phase.NONE, 0);
    case 'thd_v_a': return average(Uom.NONE, MeasurementKind.TOTAL_HARMONIC_DISTORTION, Phase.AN, 0);
    case 'thd_v_b': return average(Uom.NONE, MeasurementKind.TOTAL_HARMONIC_DISTORTION, Phase.BN, 0);
    case 'thd_v_c': return average(Uom.NONE, MeasurementKind.TOTAL_HARMONIC_DISTORTION, Phase.CN, 0);
    case 'gas':
      if (unit === 'therm') return delta(Commodity.NATURAL_GAS, Uom.THERM, MeasurementKind.ENERGY, FlowDirection.FORWARD, 0);
      if (unit === 'ccf') return delta(Commodity.NATURAL_GAS, Uom.FT3, MeasurementKind.VOLUME, FlowDirection.FORWARD, 2);
      return delta(Commodity.NATURAL_GAS, Uom.M3, MeasurementKind.VOLUME, FlowDirection.FORWARD, 0);
    case 'water':
      if (unit === 'gal') return delta(Commodity.POTABLE_WATER, Uom.US_GAL, MeasurementKind.VOLUME, FlowDirection.FORWARD, 0);
      return delta(Commodity.POTABLE_WATER, Uom.M3, MeasurementKind.VOLUME, FlowDirection.FORWARD, 0);
    case 'temp':
      // Green Button carries usage; the export leaves weather channels out (exportable() above).
      throw new RangeError('a temperature channel has no Green Button reading type');
  }
}

/**
 * The decimals `k` to write a channel's values with (IntervalReading/value = round(v x 10^k), an Int48,
 * with powerOfTenMultiplier = unitExp - k) and that multiplier. The smallest k with
 * unitExp - k in UNIT_MULTIPLIERS that keeps `neededDecimals` and keeps every value within Int48; when
 * no such k exists, the largest one that fits (about 14 significant digits of the largest value).
 *
 * @param maxAbs the largest |value| to write, in the channel's unit
 * @param neededDecimals decimals of the most precise value (PostgreSQL's numeric scale of the float8)
 */
export function exportScale(maxAbs: number, neededDecimals: number, unitExp: number): { decimals: number; pow10: number } {
  const ks = UNIT_MULTIPLIERS.map((p) => unitExp - p).sort((a, b) => a - b);
  const fits = (k: number): boolean => maxAbs * 10 ** k <= INT48_MAX;
  const exact = ks.find((k) => k >= neededDecimals && fits(k));
  const k = exact ?? [...ks].reverse().find(fits);
  if (k === undefined) throw new RangeError(`values up to ${maxAbs} cannot be written as ESPI Int48`);
  return { decimals: k, pow10: unitExp - k };
}
