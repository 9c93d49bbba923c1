/**
 * SunSpec Modbus: the "SunS" marker, the model chain, the common model (1) and the AC meter models
 * 201-204 (integer values with power-of-ten scale factors). Pure: register words in, values out.
 *
 * Sources (SunSpec Alliance, Apache-2.0):
 * - sunspec/models `json/model_1.json` (commit 09dbbca2), `json/model_201.json` (0d6e5022),
 *   `json/model_202.json` ... `json/model_204.json` (2136f073): the SunSpec Information Model
 *   definitions, whose point order and sizes give the offsets below. A point's offset is the sum of the
 *   sizes before it, counting the model's ID and L registers, so offset 0 is the model ID; e.g.
 *   model_203.json lists `{"name": "TotWhImp", "sf": "TotWh_SF", "size": 2, "type": "acc32",
 *   "units": "Wh"}` after A..PF_SF (38 registers) and the four TotWhExp points (8), hence 46. Models 201
 *   (single phase), 202 (split phase), 203 (wye) and 204 (delta) list the same points in the same order
 *   (105 registers after ID and L); only labels and which points are mandatory differ.
 * - sunspec/pysunspec2 `sunspec2/mb.py` (commit 1cd853f5): `SUNS_BASE_ADDR_DEFAULT = 40000`, the marker
 *   0x53756e53 "SunS", `SUNS_END_MODEL_ID = 0xffff`, and the "not implemented" values
 *   `SUNS_UNIMPL_INT16 = -32768`, `SUNS_UNIMPL_UINT16 = 0xffff`, `SUNS_UNIMPL_ACC32 = 0`,
 *   `SUNS_UNIMPL_SUNSSF = -32768`, `SUNS_UNIMPL_UINT32 = 0xffffffff`, `SUNS_UNIMPL_INT32 = -2147483648`,
 *   and a string whose first character is NUL.
 * - SunSpec Modbus specification: a device puts the marker at 40000, 50000 or 0 (40000 first); the
 *   model chain follows it and ends with ID 0xFFFF, L 0. Scale factors are powers of ten in -10..10.
 */
import type { ChannelKind } from '../channels.js';
import { emptySample, hexWords, type MeterSample } from './meter-sample.js';

/** Where the marker is looked for, in this order (the issue; SunSpec's default first). */
export const SUNSPEC_BASE_ADDRESSES = [40000, 0, 50000] as const;
/** "SunS" as two registers. */
export const SUNSPEC_MARKER = [0x5375, 0x6e53] as const;
export const SUNSPEC_END_MODEL_ID = 0xffff;
export const COMMON_MODEL_ID = 1;
/** The AC meter models read here: single phase, split phase, wye, delta (integer + scale factor). */
export const METER_MODEL_IDS = [201, 202, 203, 204] as const;
/** Registers of models 201-204 after ID and L (`L` in model_20x.json's layout). */
export const METER_MODEL_LENGTH = 105;
/** A chain longer than this is taken as garbage rather than walked to the end of the address space. */
export const MAX_MODELS_IN_CHAIN = 64;

/** SunSpec "not implemented" values (pysunspec2 mb.py `SUNS_UNIMPL_*`). */
export const NOT_IMPLEMENTED = { int16: -0x8000, uint16: 0xffff, sunssf: -0x8000, acc32: 0, uint32: 0xffff_ffff, int32: -0x8000_0000 } as const;
/** Scale factors outside this range are not SunSpec (pysunspec2 mdef.py validate_sf: -10..10). */
export const SCALE_FACTOR_MIN = -10;
export const SCALE_FACTOR_MAX = 10;

/** Model 1 "common": offsets from the model ID (model_1.json: ID 1, L 1, Mn 16, Md 16, Opt 8, Vr 8, SN 16, DA 1, Pad 1). */
export const COMMON = { Mn: [2, 16], Md: [18, 16], Opt: [34, 8], Vr: [42, 8], SN: [50, 16], DA: [66, 1] } as const;
/** Registers to read for model 1: ID, L and the 65 registers up to DA (Pad is optional in older devices). */
export const COMMON_READ_LENGTH = 67;

/**
 * Models 201-204: offset from the model ID of each point read here (model_203.json, same in 201, 202
 * and 204): A 2, AphA 3, AphB 4, AphC 5, A_SF 6, PhV 7, PhVphA 8, PhVphB 9, PhVphC 10, PPV 11,
 * PhVphAB 12, PhVphBC 13, PhVphCA 14, V_SF 15, Hz 16, Hz_SF 17, W 18, WphA..C 19-21, W_SF 22, VA 23,
 * VAphA..C 24-26, VA_SF 27, VAR 28, VARphA..C 29-31, VAR_SF 32, PF 33, PFphA..C 34-36, PF_SF 37,
 * TotWhExp 38 (acc32), TotWhExpPhA..C 40-45, TotWhImp 46 (acc32), TotWhImpPhA..C 48-53, TotWh_SF 54,
 * TotVAhExp 55 ... TotVAh_SF 71, TotVArhImpQ1 72 (acc32), ...PhA..C 74-79, TotVArhImpQ2 80 (acc32),
 * ...PhA..C 82-87, TotVArhExpQ3 88, TotVArhExpQ4 96, TotVArh_SF 104, Evt 105 (bitfield32).
 */
export const METER_POINTS = {
  AphA: 3, AphB: 4, AphC: 5, A_SF: 6,
  PhVphA: 8, PhVphB: 9, PhVphC: 10, V_SF: 15,
  Hz: 16, Hz_SF: 17,
  W: 18, W_SF: 22,
  VAR: 28, VAR_SF: 32,
  PF: 33, PF_SF: 37,
  TotWhExp: 38, TotWhImp: 46, TotWh_SF: 54,
  TotVArhImpQ1: 72, TotVArhImpQ2: 80, TotVArh_SF: 104,
} as const;
type MeterPoint = keyof typeof METER_POINTS;

/** The issue's mapping of int16 points to channel kinds, with the scale factor point and the unit conversion. */
const INSTANT_POINTS: readonly { point: MeterPoint; sf: MeterPoint; kind: ChannelKind; perUnit: number }[] = [
  { point: 'W', sf: 'W_SF', kind: 'kw', perUnit: 1000 }, // W -> kW
  { point: 'VAR', sf: 'VAR_SF', kind: 'kvar', perUnit: 1000 }, // var -> kvar
  { point: 'PhVphA', sf: 'V_SF', kind: 'v_a', perUnit: 1 },
  { point: 'PhVphB', sf: 'V_SF', kind: 'v_b', perUnit: 1 },
  { point: 'PhVphC', sf: 'V_SF', kind: 'v_c', perUnit: 1 },
  { point: 'AphA', sf: 'A_SF', kind: 'i_a', perUnit: 1 },
  { point: 'AphB', sf: 'A_SF', kind: 'i_b', perUnit: 1 },
  { point: 'AphC', sf: 'A_SF', kind: 'i_c', perUnit: 1 },
  { point: 'PF', sf: 'PF_SF', kind: 'pf', perUnit: 100 }, // SunSpec PF is in percent (units "Pct"); pf is a fraction
  { point: 'Hz', sf: 'Hz_SF', kind: 'hz', perUnit: 1 },
];

/** acc32 counters (Wh, varh) -> kWh / kvarh; kvarh_del is imported reactive energy, Q1 + Q2. */
const COUNTER_POINTS: readonly { points: readonly MeterPoint[]; sf: MeterPoint; kind: ChannelKind }[] = [
  { points: ['TotWhImp'], sf: 'TotWh_SF', kind: 'kwh_del' },
  { points: ['TotWhExp'], sf: 'TotWh_SF', kind: 'kwh_rec' },
  { points: ['TotVArhImpQ1', 'TotVArhImpQ2'], sf: 'TotVArh_SF', kind: 'kvarh_del' },
];

const ACC32_MODULUS = 0x1_0000_0000;

export interface SunSpecModel {
  id: number;
  /** Register address of the model's ID register. */
  address: number;
  /** `L`: registers after ID and L. */
  length: number;
}

export interface SunSpecIdentity {
  manufacturer: string | null;
  model: string | null;
  version: string | null;
  serialNumber: string | null;
}

/** True when the two registers at `at` (bytes) read "SunS". */
export function isSunSpecMarker(view: DataView, at = 0): boolean {
  return view.byteLength >= at + 4 && view.getUint16(at) === SUNSPEC_MARKER[0] && view.getUint16(at + 2) === SUNSPEC_MARKER[1];
}

/** The model header (ID, L) at byte `at`. */
export function modelHeader(view: DataView, at = 0): { id: number; length: number } {
  return { id: view.getUint16(at), length: view.getUint16(at + 2) };
}

/** The first meter model (201-204) of a chain, or undefined. */
export function meterModelOf(models: readonly SunSpecModel[]): SunSpecModel | undefined {
  return models.find((m) => (METER_MODEL_IDS as readonly number[]).includes(m.id));
}

/**
 * A SunSpec string point: ASCII/UTF-8, NUL-padded (pysunspec2 `data_to_str`); null when not
 * implemented (first byte NUL). Control characters are dropped, surrounding spaces trimmed.
 */
export function decodeSunSpecString(view: DataView, at: number, words: number): string | null {
  if (view.byteLength < at + 2 * words || view.getUint8(at) === 0) return null;
  const bytes = new Uint8Array(view.buffer, view.byteOffset + at, 2 * words);
  const end = bytes.indexOf(0);
  const text = new TextDecoder('utf-8').decode(end < 0 ? bytes : bytes.subarray(0, end));
  const clean = text.replace(/[\u0000-\u001f\u007f\ufffd]/g, '').trim();
  return clean === '' ? null : clean;
}

/** Model 1 (common): manufacturer, model, version and serial number. `view` starts at the model ID. */
export function decodeCommonModel(view: DataView): SunSpecIdentity {
  const s = (p: readonly [number, number]): string | null => decodeSunSpecString(view, 2 * p[0], p[1]);
  return { manufacturer: s(COMMON.Mn), model: s(COMMON.Md), version: s(COMMON.Vr), serialNumber: s(COMMON.SN) };
}

/**
 * Decodes a meter model (201-204) read whole, from its ID register on: each mapped point times
 * 10^scale factor, converted to the channel's unit. Not-implemented values and points whose scale
 * factor is not implemented are missing (NaN); a scale factor outside -10..10 makes its points missing
 * and is reported as an issue (KM_INGEST_DECODE_RANGE). kvarh_del is TotVArhImpQ1 + TotVArhImpQ2,
 * where an unimplemented (0) quadrant counts as nothing and both unimplemented is missing.
 *
 * @param view the model's registers from its ID register, at least 2 + 105 registers
 * @param address register address of the model's ID register (for issue reports)
 */
export function decodeMeterModel(view: DataView, address: number): MeterSample {
  const sample = emptySample();
  const words = view.byteLength / 2;
  if (words < 2 + METER_MODEL_LENGTH) {
    sample.issues.push({ code: 'KM_INGEST_DECODE_RANGE', point: 'L', address: address + 1, raw: hexWords(view, 2, 1), detail: `model block has ${words} registers; models 201-204 have ${2 + METER_MODEL_LENGTH}` });
    return sample;
  }
  const reported = new Set<MeterPoint>();
  /** The scale factor's exponent, or NaN when it is not implemented or out of range (reported once). */
  const exponent = (sfPoint: MeterPoint): number => {
    const at = 2 * METER_POINTS[sfPoint];
    const sf = view.getInt16(at);
    if (sf === NOT_IMPLEMENTED.sunssf) return NaN;
    if (sf < SCALE_FACTOR_MIN || sf > SCALE_FACTOR_MAX) {
      if (!reported.has(sfPoint)) {
        reported.add(sfPoint);
        sample.issues.push({
          code: 'KM_INGEST_DECODE_RANGE', point: sfPoint, address: address + METER_POINTS[sfPoint], raw: hexWords(view, at, 1),
          detail: `${sfPoint} = ${sf} is outside the SunSpec scale factor range ${SCALE_FACTOR_MIN}..${SCALE_FACTOR_MAX}; its points are missing`,
        });
      }
      return NaN;
    }
    return sf;
  };
  for (const p of INSTANT_POINTS) {
    const raw = view.getInt16(2 * METER_POINTS[p.point]);
    const sf = exponent(p.sf);
    sample.instant.set(p.kind, raw === NOT_IMPLEMENTED.int16 || Number.isNaN(sf) ? NaN : scaled(raw, sf, p.perUnit));
  }
  for (const c of COUNTER_POINTS) {
    const sf = exponent(c.sf);
    let sum = 0;
    let implemented = false;
    for (const point of c.points) {
      const raw = view.getUint32(2 * METER_POINTS[point]);
      if (raw === NOT_IMPLEMENTED.acc32) continue;
      implemented = true;
      sum += raw;
    }
    // acc32 rolls over at 2^32 (an accumulator); in kWh that is 2^32 * 10^sf / 1000.
    sample.counters.set(c.kind, implemented && !Number.isNaN(sf)
      ? { value: scaled(sum, sf, 1000), modulus: scaled(ACC32_MODULUS, sf, 1000) }
      : { value: NaN, modulus: Infinity });
  }
  return sample;
}

/**
 * raw × 10^sf / perUnit as one correctly rounded operation: a division by an exact integer for negative
 * exponents, so 953 with PF_SF -1 in percent gives 0.953, not 0.9530000000000001.
 */
export function scaled(raw: number, sf: number, perUnit: number): number {
  return sf < 0 ? raw / (10 ** -sf * perUnit) : (raw * 10 ** sf) / perUnit;
}
