/**
 * A simulated SunSpec meter: the "SunS" marker, model 1 (common) and model 203 (wye three-phase meter,
 * integers with scale factors) and the end marker, laid out as src/core/modbus/sunspec.ts reads them.
 * Energy counters advance with the power the caller describes, integrated between reads on the clock the
 * caller passes, so a test that drives the clock knows every counter value exactly. Faults and raw
 * register overrides (a not-implemented value, a bad scale factor) are set on the object.
 */
import { COMMON, METER_MODEL_LENGTH, METER_POINTS, SUNSPEC_END_MODEL_ID, SUNSPEC_MARKER } from '../../src/core/modbus/sunspec.js';
import { EXCEPTION, noFaults, type Faults, type SimDevice } from './modbus-server.js';

const HOUR_MS = 3_600_000;
const COMMON_LENGTH = 66;
/** Registers of the image: marker 2, model 1 (2 + 66), model 203 (2 + 105), end marker 2. */
const IMAGE_REGISTERS = 2 + 2 + COMMON_LENGTH + 2 + METER_MODEL_LENGTH + 2;
const ACC32 = 0x1_0000_0000;

export interface SunSpecIdentityText {
  manufacturer: string;
  model: string;
  version: string;
  serialNumber: string;
}

/** What the meter measures at an instant. */
export interface Measurement {
  /** Total real power, W (positive: imported). */
  powerW: number;
  /** Line-to-neutral voltages, V. */
  voltageV: readonly [number, number, number];
  /** Power factor, a fraction (lagging positive). */
  pf: number;
  hz: number;
}

export interface SunSpecMeterOptions {
  /** Where the marker is: 40000 (default), 0 or 50000. */
  base?: number;
  identity?: Partial<SunSpecIdentityText>;
  /** The measurement at an instant (epoch ms). */
  measure: (tMs: number) => Measurement;
  /** The simulator's clock, epoch ms. */
  now: () => number;
  /** TotWhImp at the start, Wh (default 1,000,000: an acc32 of 0 would read as "not accumulated"). */
  startWh?: number;
  /** Scale factors (defaults: W and VAR 10^2, A 10^-1, V 10^-1, PF 10^-1 %, Hz 10^-2, energies 10^0). */
  scale?: Partial<Record<'W_SF' | 'VAR_SF' | 'A_SF' | 'V_SF' | 'PF_SF' | 'Hz_SF' | 'TotWh_SF' | 'TotVArh_SF', number>>;
}

export class SunSpecMeter implements SimDevice {
  faults: Faults = noFaults();
  reads = 0;
  readonly base: number;
  /** Cumulative energies, Wh / varh. */
  whImported: number;
  whExported = 0;
  varhQ1 = 0;
  readonly #opts: SunSpecMeterOptions;
  readonly #sf: Required<NonNullable<SunSpecMeterOptions['scale']>>;
  readonly #image: DataView;
  /** Offsets (from the model 203 ID) whose raw word is forced. */
  readonly #overrides = new Map<number, number>();
  #lastMs: number;
  #last: Measurement;

  constructor(opts: SunSpecMeterOptions) {
    this.#opts = opts;
    this.base = opts.base ?? 40000;
    this.whImported = opts.startWh ?? 1_000_000;
    this.#sf = { W_SF: 2, VAR_SF: 2, A_SF: -1, V_SF: -1, PF_SF: -1, Hz_SF: -2, TotWh_SF: 0, TotVArh_SF: 0, ...opts.scale };
    this.#image = new DataView(new ArrayBuffer(2 * IMAGE_REGISTERS));
    this.#lastMs = opts.now();
    this.#last = opts.measure(this.#lastMs);
    this.#writeStatic();
  }

  /** Register address of model 203's ID register. */
  get meterModelAddress(): number {
    return this.base + 2 + 2 + COMMON_LENGTH;
  }

  /** Sets TotWhImp (a counter reset, or a value just below the acc32 wrap). */
  setImportedWh(wh: number): void {
    this.advance();
    this.whImported = wh;
  }

  /** Forces the raw word of a model 203 point (by name, e.g. `V_SF` or `PhVphA`), or clears it (undefined). */
  override(point: keyof typeof METER_POINTS, word: number | undefined): void {
    const off = METER_POINTS[point];
    if (word === undefined) this.#overrides.delete(off);
    else this.#overrides.set(off, word & 0xffff);
  }

  /** Integrates the energies up to now (trapezoid between the last measurement and this one). */
  advance(): void {
    const now = this.#opts.now();
    if (now <= this.#lastMs) return;
    const m = this.#opts.measure(now);
    const dtMs = now - this.#lastMs;
    // W x ms / (ms per hour), in that order: whole watts over whole seconds stay exact (60 kW for 60 s is 1000 Wh, not 999.99...).
    const p = (this.#last.powerW + m.powerW) / 2;
    const q = (reactiveVar(this.#last) + reactiveVar(m)) / 2;
    if (p >= 0) this.whImported += (p * dtMs) / HOUR_MS;
    else this.whExported -= (p * dtMs) / HOUR_MS;
    if (q > 0) this.varhQ1 += (q * dtMs) / HOUR_MS;
    this.#lastMs = now;
    this.#last = m;
  }

  read(fn: 'holding' | 'input', address: number, count: number): Buffer | number {
    if (fn !== 'holding') return EXCEPTION.ILLEGAL_FUNCTION; // SunSpec maps are holding registers only
    if (address < this.base || address + count > this.base + IMAGE_REGISTERS) return EXCEPTION.ILLEGAL_DATA_ADDRESS;
    this.advance();
    this.#writeMeasurement();
    const from = 2 * (address - this.base);
    return Buffer.from(this.#image.buffer.slice(from, from + 2 * count));
  }

  #writeStatic(): void {
    const v = this.#image;
    v.setUint16(0, SUNSPEC_MARKER[0]);
    v.setUint16(2, SUNSPEC_MARKER[1]);
    const common = 4; // byte offset of model 1's ID
    v.setUint16(common, 1);
    v.setUint16(common + 2, COMMON_LENGTH);
    const id = { manufacturer: 'Keymeter', model: 'SIM-203', version: '1.0', serialNumber: 'SIM-0001', ...this.#opts.identity };
    const text = (at: readonly [number, number], s: string) => new Uint8Array(v.buffer).set(new TextEncoder().encode(s).subarray(0, 2 * at[1]), common + 2 * at[0]);
    text(COMMON.Mn, id.manufacturer);
    text(COMMON.Md, id.model);
    text(COMMON.Vr, id.version);
    text(COMMON.SN, id.serialNumber);
    const meter = 2 * (this.meterModelAddress - this.base);
    v.setUint16(meter, 203);
    v.setUint16(meter + 2, METER_MODEL_LENGTH);
    const end = meter + 2 * (2 + METER_MODEL_LENGTH);
    v.setUint16(end, SUNSPEC_END_MODEL_ID);
    v.setUint16(end + 2, 0);
  }

  #writeMeasurement(): void {
    const v = this.#image;
    const at = 2 * (this.meterModelAddress - this.base);
    const sf = this.#sf;
    const m = this.#last;
    const int16 = (point: keyof typeof METER_POINTS, value: number, exp: number) => {
      const raw = Math.round(value / 10 ** exp);
      v.setInt16(at + 2 * METER_POINTS[point], Math.max(-0x7fff, Math.min(0x7fff, raw)));
    };
    const acc32 = (point: keyof typeof METER_POINTS, value: number, exp: number) => {
      v.setUint32(at + 2 * METER_POINTS[point], Math.floor(value / 10 ** exp) % ACC32);
    };
    const amps = m.voltageV.map((volts) => (volts > 0 && m.pf !== 0 ? Math.abs(m.powerW) / 3 / (volts * Math.abs(m.pf)) : 0));
    int16('AphA', amps[0]!, sf.A_SF);
    int16('AphB', amps[1]!, sf.A_SF);
    int16('AphC', amps[2]!, sf.A_SF);
    int16('PhVphA', m.voltageV[0], sf.V_SF);
    int16('PhVphB', m.voltageV[1], sf.V_SF);
    int16('PhVphC', m.voltageV[2], sf.V_SF);
    int16('Hz', m.hz, sf.Hz_SF);
    int16('W', m.powerW, sf.W_SF);
    int16('VAR', reactiveVar(m), sf.VAR_SF);
    int16('PF', 100 * m.pf, sf.PF_SF);
    acc32('TotWhImp', this.whImported, sf.TotWh_SF);
    acc32('TotWhExp', this.whExported, sf.TotWh_SF);
    acc32('TotVArhImpQ1', this.varhQ1, sf.TotVArh_SF);
    for (const [point, exp] of Object.entries(sf)) v.setInt16(at + 2 * METER_POINTS[point as keyof typeof METER_POINTS], exp);
    for (const [off, word] of this.#overrides) v.setUint16(at + 2 * off, word);
  }
}

/** Reactive power from real power and power factor, var (lagging positive). */
function reactiveVar(m: Measurement): number {
  const pf = Math.min(1, Math.max(-1, m.pf));
  if (pf === 0) return 0;
  return Math.abs(m.powerW) * Math.tan(Math.acos(Math.abs(pf))) * Math.sign(pf);
}
