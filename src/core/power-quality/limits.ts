/**
 * The power-quality limits Keymeter checks against, as data, each with its source (DESIGN.md "Domain
 * facts"). Per-unit values are of the nominal voltage the phase series are measured against.
 */

/** ANSI C84.1 Table 1, Range A at the service: ±5 % of nominal (120 V: 114-126 V). */
export const ANSI_RANGE_A = { lowPu: 0.95, highPu: 1.05 } as const;
/**
 * ANSI C84.1 Table 1, Range B at the service: −8.3 % / +5.8 % of nominal, the rounded form of the table's
 * 110-127 V on 120 V (440-508 V on 480 V), kept as those exact ratios so that 110 V is inside.
 */
export const ANSI_RANGE_B = { lowPu: 110 / 120, highPu: 127 / 120 } as const;

/** EN 50160 §4.2.2: 95 % of the 10-minute mean rms values of each week within Un ± 10 %. */
export const EN50160_RANGE = { lowPu: 0.9, highPu: 1.1 } as const;
/** EN 50160 §4.2.2: the share of a week's 10-minute means that must be inside EN50160_RANGE. */
export const EN50160_MIN_SHARE = 0.95;
/** EN 50160 §4.2.2: all 10-minute means within Un +10 % / −15 %. */
export const EN50160_WIDE_RANGE = { lowPu: 0.85, highPu: 1.1 } as const;
/** EN 50160 §4.2.2 with IEC 61000-4-30 clause 4.5 (aggregation): 10-minute values, minutes. */
export const TEN_MINUTES = 10;

/**
 * IEEE 1159-2019 Table 2 (categories of rms variations), magnitudes in pu:
 * short duration (0.5 cycle to 1 minute): sag 0.1-0.9, swell 1.1-1.8, interruption < 0.1;
 * long duration (> 1 minute): undervoltage 0.8-0.9, overvoltage 1.1-1.2, sustained interruption 0.0.
 */
export const IEEE1159 = {
  interruptionPu: 0.1,
  sagPu: 0.9,
  swellPu: 1.1,
  swellMaxPu: 1.8,
  undervoltageLowPu: 0.8,
  overvoltageHighPu: 1.2,
  /** Short-duration variations last at most 1 minute; longer ones are long-duration (IEEE 1159 Table 2). */
  shortDurationMaxMinutes: 1,
} as const;

/**
 * ANSI C84.1 Annex D: supply systems should limit the voltage unbalance to 3 % (measured at the
 * revenue meter, no load), unbalance = 100 x max deviation from the average / average.
 */
export const ANSI_UNBALANCE_LIMIT_PCT = 3;

/**
 * IEEE 519-2014 Table 1, voltage distortion limits at the point of common coupling, by bus voltage
 * (line to line): [upper bound of the band in V, individual harmonic %, THD %].
 */
export const IEEE519_VOLTAGE_LIMITS: readonly (readonly [maxBusV: number, individualPct: number, thdPct: number])[] = [
  [1_000, 5.0, 8.0],
  [69_000, 3.0, 5.0],
  [161_000, 1.5, 2.5],
  [Infinity, 1.0, 1.5],
];
/** IEEE 519-2014 §5.1 b): the weekly 95th percentile of the 10-minute THD values is held to the limit. */
export const IEEE519_PERCENTILE = 0.95;

/** IEEE 519-2014 Table 1: the voltage THD limit, %, for a bus voltage (line to line, V); RangeError unless positive. */
export function thdLimitPct(busVoltageV: number): number {
  if (!(busVoltageV > 0) || !Number.isFinite(busVoltageV)) throw new RangeError(`bus voltage must be a positive V, got ${busVoltageV}`);
  return IEEE519_VOLTAGE_LIMITS.find(([maxV]) => busVoltageV <= maxV)![2];
}

/**
 * A per-unit limit in volts, rounded to the microvolt so that binary noise in `pu x nominal` does not
 * move a boundary (110/120 x 120 is 110.00000000000001 unrounded; 110 V must be inside Range B).
 */
export function limitV(pu: number, nominalV: number): number {
  return Math.round(pu * nominalV * 1e6) / 1e6;
}
