import fc from 'fast-check';
import t from 'tap';
import { REGISTER_TYPES, counterModulus, decodeRegister, encodeRegister, registerCount, type RegisterType } from '../../src/core/modbus/registers.js';

/** Register words as a DataView, big-endian on the wire (Modbus Application Protocol V1.1b3 §4.2). */
const words = (...w: number[]): DataView => {
  const v = new DataView(new ArrayBuffer(2 * w.length));
  w.forEach((x, i) => v.setUint16(2 * i, x));
  return v;
};

t.test('literal bytes: each encoding, both word orders', async (t) => {
  const cases: [RegisterType, number[], number][] = [
    ['int16', [0xfffe], -2],
    ['int16', [0x8000], -32768],
    ['uint16', [0xfffe], 65534],
    ['int32', [0xffff, 0xfffe], -2],
    ['int32sw', [0xfffe, 0xffff], -2],
    ['uint32', [0x0001, 0xe240], 123456],
    ['uint32sw', [0xe240, 0x0001], 123456],
    // IEEE 754 binary32: 230.1 is 0x4366199A (nearest float 230.10000610351562)
    ['float32', [0x4366, 0x199a], Math.fround(230.1)],
    ['float32sw', [0x199a, 0x4366], Math.fround(230.1)],
    ['float32', [0x3f80, 0x0000], 1],
    ['float32', [0xc000, 0x0000], -2],
    ['int64', [0xffff, 0xffff, 0xffff, 0xfffe], -2],
    ['uint64', [0x0000, 0x0000, 0x0001, 0xe240], 123456],
  ];
  for (const [type, w, expected] of cases) t.equal(decodeRegister(words(...w), 0, type), expected, `${type} ${w.map((x) => x.toString(16)).join(' ')}`);
});

t.test('float sentinels come back as NaN and infinities, for the caller to call missing', async (t) => {
  t.ok(Number.isNaN(decodeRegister(words(0x7fc0, 0x0000), 0, 'float32')), 'quiet NaN 0x7FC00000 (SunSpec float32 not implemented)');
  t.equal(decodeRegister(words(0x7f80, 0x0000), 0, 'float32'), Infinity);
  t.equal(decodeRegister(words(0x0000, 0xff80), 0, 'float32sw'), -Infinity);
});

t.test('offsets inside a block', async (t) => {
  const v = words(0x1111, 0x0000, 0x00ff, 0x2222);
  t.equal(decodeRegister(v, 2, 'uint32'), 0xff);
  t.equal(decodeRegister(v, 6, 'uint16'), 0x2222);
});

t.test('encode then decode returns the value (property)', async (t) => {
  const ranges: Record<RegisterType, fc.Arbitrary<number>> = {
    int16: fc.integer({ min: -0x8000, max: 0x7fff }),
    uint16: fc.integer({ min: 0, max: 0xffff }),
    int32: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
    int32sw: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
    uint32: fc.integer({ min: 0, max: 0xffff_ffff }),
    uint32sw: fc.integer({ min: 0, max: 0xffff_ffff }),
    float32: fc.float({ noNaN: true }).map(Math.fround),
    float32sw: fc.float({ noNaN: true }).map(Math.fround),
    int64: fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    uint64: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  };
  for (const type of REGISTER_TYPES) {
    fc.assert(fc.property(ranges[type], (x) => {
      const v = new DataView(new ArrayBuffer(2 * registerCount(type)));
      encodeRegister(v, 0, type, x);
      return Object.is(decodeRegister(v, 0, type), x === 0 ? 0 : x) || (x === 0 && decodeRegister(v, 0, type) === 0);
    }));
    t.pass(type);
  }
});

t.test('counter moduli: integers wrap at 2^bits, floats and 64-bit never', async (t) => {
  t.strictSame(REGISTER_TYPES.map((x) => [x, counterModulus(x)]), [
    ['int16', 65536], ['uint16', 65536], ['int32', 4294967296], ['int32sw', 4294967296], ['uint32', 4294967296],
    ['uint32sw', 4294967296], ['float32', Infinity], ['float32sw', Infinity], ['int64', Infinity], ['uint64', Infinity],
  ]);
});

t.test('encode refuses values that do not fit', async (t) => {
  const v = new DataView(new ArrayBuffer(4));
  t.throws(() => encodeRegister(v, 0, 'uint16', -1), RangeError);
  t.throws(() => encodeRegister(v, 0, 'int16', 40000), RangeError);
  t.throws(() => encodeRegister(v, 0, 'uint32', 2 ** 32), RangeError);
});
