/**
 * The register encodings of Modbus meters (STYLE §8; EV `float32s`, `uint32nan`). Pure: bytes in a
 * DataView, numbers out. Modbus sends every register big-endian (Modbus Application Protocol V1.1b3
 * §4.2: "big-Endian representation is used for addresses and data items"); values wider than one
 * register are split over several, and vendors differ in which word comes first. `sw` ("swapped
 * words") means the least significant word comes first, as on Carlo Gavazzi meters.
 */

export const REGISTER_TYPES = [
  'int16', 'uint16', 'int32', 'int32sw', 'uint32', 'uint32sw', 'float32', 'float32sw', 'int64', 'uint64',
] as const;
export type RegisterType = (typeof REGISTER_TYPES)[number];

/** Modbus Application Protocol V1.1b3 §6.3/§6.4: a read asks for 1 to 125 (0x7D) registers. */
export const MAX_READ_REGISTERS = 125;
/** Register addresses are 16-bit (the PDU's starting address field). */
export const MAX_REGISTER_ADDRESS = 0xffff;

const WORDS: Readonly<Record<RegisterType, 1 | 2 | 4>> = {
  int16: 1, uint16: 1, int32: 2, int32sw: 2, uint32: 2, uint32sw: 2, float32: 2, float32sw: 2, int64: 4, uint64: 4,
};

/** Registers (16-bit words) a value of `type` takes. */
export function registerCount(type: RegisterType): 1 | 2 | 4 {
  return WORDS[type];
}

/** True for the integer encodings, whose counters wrap at 2^bits. */
export function isIntegerType(type: RegisterType): boolean {
  return !type.startsWith('float');
}

/**
 * How far a counter of this type drops when it wraps (2^bits: a signed counter jumps from 2^(bits-1) - 1
 * to -2^(bits-1), an unsigned one from 2^bits - 1 to 0), or Infinity for floats (which do not wrap) and
 * 64-bit values (which never get there in a meter's life).
 */
export function counterModulus(type: RegisterType): number {
  switch (type) {
    case 'int16': case 'uint16': return 0x10000;
    case 'int32': case 'int32sw': case 'uint32': case 'uint32sw': return 0x1_0000_0000;
    default: return Infinity;
  }
}

/**
 * The value stored at `byteOffset` as `type`, before any scale. Float NaN and infinities come back as
 * they are (the caller decides they are missing); 64-bit integers beyond 2^53 lose their last digits.
 */
export function decodeRegister(view: DataView, byteOffset: number, type: RegisterType): number {
  switch (type) {
    case 'int16': return view.getInt16(byteOffset);
    case 'uint16': return view.getUint16(byteOffset);
    case 'int32': return view.getInt32(byteOffset);
    case 'uint32': return view.getUint32(byteOffset);
    case 'float32': return view.getFloat32(byteOffset);
    case 'int32sw': return (view.getInt16(byteOffset + 2) * 0x10000) + view.getUint16(byteOffset);
    case 'uint32sw': return (view.getUint16(byteOffset + 2) * 0x10000) + view.getUint16(byteOffset);
    case 'float32sw': {
      const swapped = new DataView(new ArrayBuffer(4));
      swapped.setUint16(0, view.getUint16(byteOffset + 2));
      swapped.setUint16(2, view.getUint16(byteOffset));
      return swapped.getFloat32(0);
    }
    case 'int64': return Number(view.getBigInt64(byteOffset));
    case 'uint64': return Number(view.getBigUint64(byteOffset));
  }
}

/**
 * Writes `value` at `byteOffset` as `type` (the simulators' side, and round-trip tests). Integers are
 * rounded and must fit the type; a RangeError says otherwise.
 */
export function encodeRegister(view: DataView, byteOffset: number, type: RegisterType, value: number): void {
  const int = Math.round(value);
  const fits = (lo: number, hi: number): number => {
    if (!(int >= lo && int <= hi)) throw new RangeError(`${value} does not fit ${type}`);
    return int;
  };
  switch (type) {
    case 'int16': view.setInt16(byteOffset, fits(-0x8000, 0x7fff)); return;
    case 'uint16': view.setUint16(byteOffset, fits(0, 0xffff)); return;
    case 'int32': view.setInt32(byteOffset, fits(-0x8000_0000, 0x7fff_ffff)); return;
    case 'uint32': view.setUint32(byteOffset, fits(0, 0xffff_ffff)); return;
    case 'float32': view.setFloat32(byteOffset, value); return;
    case 'int32sw': {
      const v = fits(-0x8000_0000, 0x7fff_ffff) >>> 0;
      view.setUint16(byteOffset, v & 0xffff);
      view.setUint16(byteOffset + 2, v >>> 16);
      return;
    }
    case 'uint32sw': {
      const v = fits(0, 0xffff_ffff);
      view.setUint16(byteOffset, v % 0x10000);
      view.setUint16(byteOffset + 2, Math.floor(v / 0x10000));
      return;
    }
    case 'float32sw': {
      const tmp = new DataView(new ArrayBuffer(4));
      tmp.setFloat32(0, value);
      view.setUint16(byteOffset, tmp.getUint16(2));
      view.setUint16(byteOffset + 2, tmp.getUint16(0));
      return;
    }
    case 'int64': view.setBigInt64(byteOffset, BigInt(int)); return;
    case 'uint64': view.setBigUint64(byteOffset, BigInt(fits(0, Number.MAX_SAFE_INTEGER))); return;
  }
}
