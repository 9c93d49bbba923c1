/**
 * The ESPI (NAESB REQ.21 Energy Services Provider Interface, "Green Button") codes Keymeter reads and
 * writes. Values and meanings are those of the ESPI schema `espiDerived.xsd` (simple types named below,
 * as published by the Green Button Alliance in OpenESPI-Common-java `etc/espiDerived.xsd`, version
 * 0.7.20150119). Only the members Keymeter maps are listed; the schema's unions accept any UInt16, so an
 * unlisted code is valid ESPI that Keymeter refuses with a reason rather than a malformed file.
 */

/** ESPI namespaces: Atom 1.0 (RFC 4287) for the feed, ESPI for the resources inside `<content>`. */
export const ATOM_NS = 'http://www.w3.org/2005/Atom';
export const ESPI_NS = 'http://naesb.org/espi';

/** `UnitSymbolKind` (IEC 61968-9 unit symbols), the `uom` of a ReadingType. */
export const Uom = {
  NONE: 0, // none: dimensionless (used here, with kind 47, for THD in percent)
  A: 5, // A: current, ampere
  V: 29, // V: voltage, volt
  HZ: 33, // Hz: frequency
  W: 38, // W: real power, watt
  M3: 42, // m3: cubic metre
  VA: 61, // VA: apparent power
  VAR: 63, // VAr: reactive power
  COS_THETA: 65, // cosθ: power factor
  VAH: 71, // VAh: apparent energy
  WH: 72, // Wh: real energy, watt-hour
  VARH: 73, // VArh: reactive energy
  FT3: 119, // ft3: cubic foot
  FT3_COMPENSATED: 120, // ft3 compensated (temperature/pressure corrected volume)
  US_GAL: 128, // US gal
  IMPERIAL_GAL: 130, // imperial gal
  BTU: 132, // BTU: British thermal unit
  LITRE: 134, // L: litre
  M3_UNCOMPENSATED: 166, // m3 uncompensated
  M3_COMPENSATED: 167, // m3 compensated
  THERM: 169, // therm
} as const;

/** `CommodityKind`: what the ReadingType measures. */
export const Commodity = {
  NONE: 0, // not applicable
  ELECTRICITY_SECONDARY: 1, // electricity, secondary metered (from the meter)
  ELECTRICITY_PRIMARY: 2, // electricity, primary metered (VT/CT ratios applied)
  NATURAL_GAS: 7,
  POTABLE_WATER: 9,
  NON_POTABLE_WATER: 14,
} as const;

/** `FlowDirectionKind`. */
export const FlowDirection = {
  NONE: 0, // not applicable
  FORWARD: 1, // "delivered" / imported: supplied by the utility, consumed at the service
  LAGGING: 2,
  LEADING: 3,
  NET: 4, // |forward| - |reverse|
  Q1_PLUS_Q2: 5, // reactive positive quadrants ("lagging" preferred)
  Q3_PLUS_Q4: 13, // reactive negative quadrants ("leading" preferred)
  REVERSE: 19, // "received" / exported: backfed onto the utility network, always a positive value
  TOTAL: 20, // |forward| + |reverse|
} as const;

/** `AccumulationKind` ("AccumulationBehaviourType"): how a value accumulates over time. */
export const Accumulation = {
  NONE: 0, // not applicable, or implied by the unit of measure
  BULK_QUANTITY: 1, // a register (dial) reading
  CONTINUOUS_CUMULATIVE: 2,
  CUMULATIVE: 3,
  DELTA_DATA: 4, // the difference between the end and the start of the interval: interval data
  INDICATING: 6,
  SUMMATION: 9, // a register selective in time (TOU register)
  TIME_DELAY: 10,
  INSTANTANEOUS: 12,
  LATCHING_QUANTITY: 13,
  BOUNDED_QUANTITY: 14,
} as const;

/** Accumulations that are register readings, not interval values: Keymeter stores interval data only. */
export const REGISTER_ACCUMULATIONS: ReadonlySet<number> = new Set([
  Accumulation.BULK_QUANTITY, Accumulation.CONTINUOUS_CUMULATIVE, Accumulation.CUMULATIVE, Accumulation.SUMMATION,
  Accumulation.LATCHING_QUANTITY, Accumulation.BOUNDED_QUANTITY,
]);

/** `MeasurementKind` (the ReadingType `kind`). */
export const MeasurementKind = {
  NONE: 0,
  CURRENT: 4,
  DEMAND: 8,
  ENERGY: 12,
  FREQUENCY: 15,
  POWER: 37,
  POWER_FACTOR: 38,
  TOTAL_HARMONIC_DISTORTION: 47,
  VOLTAGE: 54,
  VOLUME: 58,
} as const;

/** `DataQualifierKind`. */
export const DataQualifier = { NONE: 0, AVERAGE: 2, NORMAL: 12 } as const;

/** `PhaseCodeKind`: the phases Keymeter's per-phase channels (v_a, i_b, thd_v_c, ...) map to. */
export const Phase = { NONE: 0, A: 128, AN: 129, B: 64, BN: 65, C: 32, CN: 33 } as const;

/** `ServiceKind` (UsagePoint/ServiceCategory/kind). */
export const ServiceKind = { ELECTRICITY: 0, GAS: 1, WATER: 2 } as const;

/**
 * `QualityOfReading` (IntervalReading/ReadingQuality/quality) as Keymeter's reading_quality code
 * (0 actual, 1 estimated), or 'reject' for values that are not readings at all.
 * - 0 valid, 10 questionable, 11 derived, 13 mixed, 14 raw, 16 other, 17 validated, 18 verified,
 *   19 revenue-quality: a measured value (Keymeter's validation flags live beside it, later);
 * - 7 manually edited, 8 estimated using reference day, 9 estimated using linear interpolation,
 *   15 normalized for weather: not the value the meter measured, so 'estimated';
 * - 12 projected (forecast): a forecast of future readings, refused.
 * A code the schema does not list counts as actual: the union admits any UInt16 and the reading is
 * still a value from the data custodian.
 */
export function qualityFromEspi(code: number): 0 | 1 | 'reject' {
  switch (code) {
    case 7: case 8: case 9: case 15: return 1;
    case 12: return 'reject';
    default: return 0;
  }
}

/**
 * The QualityOfReading written for a Keymeter quality code on export: 0 actual is written without a
 * ReadingQuality (ESPI: absent means valid); 1 estimated as 8 "estimated using reference day", the
 * schema's generic machine estimate (Keymeter does not record how an estimate was made).
 */
export function espiQualityOf(quality: number): number | undefined {
  return quality === 0 ? undefined : 8;
}

/**
 * `UnitMultiplierKind`: the powers of ten the schema enumerates for `powerOfTenMultiplier`
 * (p, n, micro, m, c, d, none, da, h, k, M, G, T). The export only writes these.
 */
export const UNIT_MULTIPLIERS: readonly number[] = [-12, -9, -6, -3, -2, -1, 0, 1, 2, 3, 6, 9, 12];

/** `Int48` (IntervalReading/value): the largest magnitude a value may have, 2^47 - 1. */
export const INT48_MAX = 2 ** 47 - 1;

/**
 * The QualityOfReading of an effective value (VEE: the latest edit, else the reading, else an estimate):
 * 7 "manually edited" for an edit; for an estimate 9 "estimated using linear interpolation" or 8
 * "estimated using reference day" (Keymeter's like-day method); a reading keeps espiQualityOf its own code.
 * `null`: write no ReadingQuality (a valid reading).
 */
export function espiEffectiveQuality(source: 'edit' | 'reading' | 'estimate', readingQuality: number, estimateMethod: string | null): number | null {
  if (source === 'edit') return 7;
  if (source === 'estimate') return estimateMethod === 'linear' ? 9 : 8;
  return espiQualityOf(readingQuality) ?? null;
}
