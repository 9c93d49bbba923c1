/**
 * The power-quality analysis of one meter (Section 4 item 8, CONTRACT.md `powerQuality`;
 * `GET /v1/sites/{id}/power-quality`): voltage against ANSI C84.1 and EN 50160, unbalance, IEEE 1159
 * events and IEEE 519 harmonics, each from its own module in this folder. Pure: the caller loads the
 * channels (v_a, v_b, v_c; thd_v_a, thd_v_b, thd_v_c) as aligned interval series.
 *
 * The output carries the CONTRACT fields (`voltage.nominalV`, `voltage.ansiRangeA.withinShare`,
 * `voltage.en50160.{weeks, compliantWeeks}`, `events.{sag, swell, interruption, undervoltage,
 * overvoltage}` (each a summary with its `count`), `harmonics.{maxThdPct, limitPct, compliant}`) and
 * the detail beside them.
 */
import { ansiC84, type VoltageRangeShare } from './ansi-c84.js';
import { en50160, type En50160Result } from './en50160.js';
import { harmonics, type Harmonics } from './harmonics.js';
import { ieee1159Events, type Ieee1159Result } from './ieee1159-events.js';
import { assertNominal, assertPhases, interruptionMask } from './phases.js';
import { tenMinuteMeans } from './ten-minute.js';
import { voltageUnbalance, type VoltageUnbalance } from './unbalance.js';
import type { IntervalSeries } from '../series.js';

export interface PowerQualityInput {
  /** Phase voltages, V, interval averages (v_a, v_b, v_c; 1-3 of them), aligned; may be empty. */
  readonly phases: readonly IntervalSeries[];
  /** Nominal voltage on the phases' basis (the site's `nominalVoltage`, line to neutral for v_*), V. */
  readonly nominalV: number;
  /** The site's IANA zone, for local weeks. */
  readonly timeZone: string;
  /** Per-phase interval minimum voltage, V, aligned with `phases`, when the meter records it. */
  readonly minimum?: readonly IntervalSeries[];
  /** Per-phase interval maximum voltage, V, aligned with `phases`. */
  readonly maximum?: readonly IntervalSeries[];
  /** Per-phase voltage THD, % (thd_v_a, ...), aligned with each other (not necessarily with `phases`). */
  readonly thdPct?: readonly IntervalSeries[];
  /**
   * Bus voltage for the IEEE 519 limit, line to line, V (e.g. the transformer's `secondaryV`). Default
   * nominalV x √3, the line-to-line voltage of a wye service whose line-to-neutral nominal is given.
   */
  readonly serviceVoltageV?: number;
}

export interface VoltageQuality {
  nominalV: number;
  phases: number;
  intervalMinutes: number;
  /** Intervals with a voltage that are not interruptions, the denominator of the C84.1 shares. */
  intervals: number;
  interruptedIntervals: number;
  ansiRangeA: VoltageRangeShare;
  ansiRangeB: VoltageRangeShare;
  en50160: En50160Result;
  /** Null with fewer than three phases. */
  unbalance: VoltageUnbalance | null;
}

export interface PowerQualityReport {
  /** Null without phase voltages. */
  voltage: VoltageQuality | null;
  /** Null without phase voltages. */
  events: Ieee1159Result | null;
  /** Null without THD data. */
  harmonics: Harmonics | null;
}

/**
 * Runs every check. Throws KM_CORE_SHAPE for misaligned series and RangeError for a nominal that is not
 * a positive voltage or an unknown time zone. Cost: a few passes over the phase values; allocates one
 * mask byte and one 10-minute value per interval per phase.
 */
export function powerQuality(input: PowerQualityInput): PowerQualityReport {
  const { phases, nominalV, timeZone } = input;
  assertNominal(nominalV);
  const thd = input.thdPct ?? [];
  const busV = input.serviceVoltageV ?? Math.round(nominalV * Math.sqrt(3) * 100) / 100; // wye: V_LL = √3 V_LN, to 0.01 V
  const h = thd.length > 0 ? harmonics(thd, busV, timeZone) : null;
  if (phases.length === 0) return { voltage: null, events: null, harmonics: h };
  assertPhases(phases, input.minimum, input.maximum);
  const mask = interruptionMask(phases, nominalV);
  const c84 = ansiC84(phases, nominalV, mask);
  const tens = phases.map((p) => tenMinuteMeans(p, mask));
  return {
    voltage: {
      nominalV,
      phases: phases.length,
      intervalMinutes: phases[0]!.intervalMinutes,
      intervals: c84.intervals,
      interruptedIntervals: c84.interruptedIntervals,
      ansiRangeA: c84.rangeA,
      ansiRangeB: c84.rangeB,
      en50160: en50160(tens, nominalV, timeZone),
      unbalance: voltageUnbalance(phases, mask),
    },
    events: ieee1159Events(phases, nominalV, { minimum: input.minimum, maximum: input.maximum }),
    harmonics: h,
  };
}
