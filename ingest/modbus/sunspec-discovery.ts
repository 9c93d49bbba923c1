/**
 * SunSpec discovery over a live connection: the "SunS" marker at 40000, then 0, then 50000; the model
 * chain walked from there to the end marker (ID 0xFFFF); model 1 read for the meter's identity; the
 * first meter model (201-204) chosen for polling. The decoding is src/core/modbus/sunspec.ts.
 *
 * A base that answers with an exception (typically 0x02 ILLEGAL DATA ADDRESS) or with other words is
 * "not here"; a timeout or a dropped connection aborts discovery (it is tried again at the next poll)
 * rather than concluding that the device has no SunSpec map.
 */
import {
  COMMON_MODEL_ID, COMMON_READ_LENGTH, MAX_MODELS_IN_CHAIN, SUNSPEC_BASE_ADDRESSES, SUNSPEC_END_MODEL_ID,
  decodeCommonModel, isSunSpecMarker, meterModelOf, modelHeader, type SunSpecIdentity, type SunSpecModel,
} from '../../src/core/modbus/sunspec.js';
import { MAX_REGISTER_ADDRESS } from '../../src/core/modbus/registers.js';
import { ModbusReadError } from './connection.js';

/** Reads holding registers (the SunSpec map is in holding registers, function 3). */
export type HoldingReader = (address: number, count: number) => Promise<DataView>;

export interface SunSpecLayout {
  base: number;
  models: SunSpecModel[];
  /** The meter model polled: 201, 202, 203 or 204. */
  meter: SunSpecModel;
}

export type Discovery =
  | { ok: true; layout: SunSpecLayout; identity: SunSpecIdentity | null }
  | { ok: false; detail: string; payload: unknown };

/** Runs discovery; transport failures (timeout, offline) are rethrown as ModbusReadError. */
export async function discoverSunSpec(read: HoldingReader): Promise<Discovery> {
  const tried: string[] = [];
  let base: number | undefined;
  for (const b of SUNSPEC_BASE_ADDRESSES) {
    try {
      if (isSunSpecMarker(await read(b, 2))) {
        base = b;
        break;
      }
      tried.push(`${b}: not "SunS"`);
    } catch (err) {
      if (err instanceof ModbusReadError && err.failure === 'exception') {
        tried.push(`${b}: ${err.message}`);
        continue;
      }
      throw err;
    }
  }
  if (base === undefined) return { ok: false, detail: `no "SunS" marker at ${SUNSPEC_BASE_ADDRESSES.join(', ')} (${tried.join('; ')})`, payload: { tried } };

  const models: SunSpecModel[] = [];
  let address = base + 2;
  for (;;) {
    if (models.length >= MAX_MODELS_IN_CHAIN || address + 1 > MAX_REGISTER_ADDRESS) {
      return { ok: false, detail: `model chain from ${base} does not end (${models.length} models, at ${address})`, payload: { base, models } };
    }
    let header: { id: number; length: number };
    try {
      header = modelHeader(await read(address, 2));
    } catch (err) {
      if (err instanceof ModbusReadError && err.failure === 'exception') {
        // SunSpec devices are not required to expose the end marker's address range; some stop with 0x02.
        break;
      }
      throw err;
    }
    if (header.id === SUNSPEC_END_MODEL_ID) break;
    models.push({ id: header.id, address, length: header.length });
    address += 2 + header.length;
  }

  const meter = meterModelOf(models);
  if (!meter) {
    return { ok: false, detail: `SunSpec map at ${base} has no meter model 201-204 (models: ${models.map((m) => m.id).join(', ') || 'none'})`, payload: { base, models } };
  }
  let identity: SunSpecIdentity | null = null;
  const common = models.find((m) => m.id === COMMON_MODEL_ID);
  if (common) identity = decodeCommonModel(await read(common.address, Math.min(COMMON_READ_LENGTH, 2 + common.length)));
  return { ok: true, layout: { base, models, meter }, identity };
}
