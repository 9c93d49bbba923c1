/**
 * A simulated meter that speaks a JSON register map (src/core/modbus/register-map.ts): each point's
 * value, in its channel's unit, is encoded back into the map's type and scale, so a poller reading the
 * same map gets the values back. Registers the map does not define read as zero; a read past
 * `lastRegister` is refused with ILLEGAL DATA ADDRESS.
 */
import type { ChannelKind } from '../../src/core/channels.js';
import type { RegisterMap } from '../../src/core/modbus/register-map.js';
import { encodeRegister, registerCount } from '../../src/core/modbus/registers.js';
import { EXCEPTION, noFaults, type Faults, type SimDevice } from './modbus-server.js';

export class RegisterMapMeter implements SimDevice {
  faults: Faults = noFaults();
  reads = 0;
  /** Reads starting at or above this address are refused (a meter variant without those registers). */
  refuseFrom = Infinity;
  readonly #map: RegisterMap;
  readonly #values: (kind: ChannelKind) => number | undefined;
  readonly #size: number;

  /**
   * @param values the value of a channel kind now, in its unit (kWh for counters); undefined writes the
   *   point's first `missing` value (NaN for floats, 0 for integers without one)
   */
  constructor(map: RegisterMap, values: (kind: ChannelKind) => number | undefined) {
    this.#map = map;
    this.#values = values;
    this.#size = Math.max(...map.points.map((p) => p.address + registerCount(p.type)));
  }

  read(fn: 'holding' | 'input', address: number, count: number): Buffer | number {
    if (address + count > this.#size || address >= this.refuseFrom) return EXCEPTION.ILLEGAL_DATA_ADDRESS;
    const view = new DataView(new ArrayBuffer(2 * count));
    for (const p of this.#map.points) {
      if (p.function !== fn || p.address < address || p.address + registerCount(p.type) > address + count) continue;
      const v = this.#values(p.channel);
      const float = p.type.startsWith('float');
      const raw = v === undefined ? (p.missing[0] ?? (float ? NaN : 0)) : v / p.scale;
      encodeRegister(view, 2 * (p.address - address), p.type, float ? raw : Math.round(raw));
    }
    return Buffer.from(view.buffer);
  }
}
