import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { RegisterMap, decodeBlocks, planBlocks, scaleValue } from '../../src/core/modbus/register-map.js';
import { ROOT } from '../helpers/cli.js';

const MAPS_DIR = path.join(ROOT, 'fixtures/registermaps');
const loadMap = async (name: string) => RegisterMap.parse(JSON.parse(await readFile(path.join(MAPS_DIR, `${name}.json`), 'utf8')));

t.test('every map in fixtures/registermaps is valid and named after its file', async (t) => {
  const files = (await readdir(MAPS_DIR)).filter((f) => f.endsWith('.json')).sort();
  t.strictSame(files, ['carlo-gavazzi-em24.json', 'eastron-sdm630.json']);
  for (const f of files) {
    const map = RegisterMap.parse(JSON.parse(await readFile(path.join(MAPS_DIR, f), 'utf8')));
    t.equal(`${map.name}.json`, f);
  }
});

t.test('block plans: coalesced within the gap, split at the block limit', async (t) => {
  const sdm = await loadMap('eastron-sdm630');
  t.strictSame(planBlocks(sdm).map((b) => [b.function, b.address, b.count, b.points.length]), [['input', 0, 80, 14], ['input', 234, 6, 3]]);
  const em24 = await loadMap('carlo-gavazzi-em24');
  t.strictSame(planBlocks(em24).map((b) => [b.address, b.count]), [[0, 6], [12, 6], [40, 2], [53, 1], [55, 1], [66, 2], [92, 2]]);
});

/** Input registers of one block as literal words. */
const words = (...w: number[]): DataView => {
  const v = new DataView(new ArrayBuffer(2 * w.length));
  w.forEach((x, i) => v.setUint16(2 * i, x));
  return v;
};

t.test('EM24: int32 with the low word first, value weights, int16', async (t) => {
  const map = await loadMap('carlo-gavazzi-em24');
  const blocks = planBlocks(map);
  const data = [
    words(0x0b01, 0x0000, 0x0af0, 0x0000, 0x0000, 0x0000), // V L1 2817 -> 281.7 V, V L2 2800 -> 280 V, V L3 0
    words(0x3039, 0x0000, 0xffff, 0xffff, 0x86a0, 0x0001), // A L1 12345 -> 12.345 A, A L2 -1 -> -0.001 A, A L3 100000 -> 100 A
    words(0x0d80, 0x0001), // W sys 0x00010D80 = 68992 -> 6.8992 kW
    words(0x03b9), // PF 953 -> 0.953
    words(0x0258), // Hz 600 -> 60
    words(0xe240, 0x0001), // kWh+ 123456 -> 12345.6 kWh
    undefined, // kWh- read failed
  ];
  const s = decodeBlocks(map, blocks, data);
  t.strictSame(Object.fromEntries(s.instant), { v_a: 281.7, v_b: 280, v_c: 0, i_a: 12.345, i_b: -0.001, i_c: 100, kw: 6.8992, pf: 0.953, hz: 60 });
  t.strictSame(Object.fromEntries(s.counters), {
    kwh_del: { value: 12345.6, modulus: 2 ** 32 * 0.1 },
    kwh_rec: { value: NaN, modulus: 2 ** 32 * 0.1 },
  });
  t.strictSame(s.issues, []);
});

t.test('SDM630: floats; NaN is missing; out of [min, max] is refused with the raw words', async (t) => {
  const map = await loadMap('eastron-sdm630');
  const blocks = planBlocks(map);
  const first = new DataView(new ArrayBuffer(160));
  first.setFloat32(0, 230.5); // v_a
  first.setUint32(4, 0x7fc00000); // v_b: NaN
  first.setFloat32(8, 5000); // v_c: above max 1000
  first.setFloat32(104, 12345); // W -> 12.345 kW
  first.setFloat32(144, 1000.5); // Import active energy kWh
  const thd = new DataView(new ArrayBuffer(12));
  thd.setFloat32(0, 2.5);
  const s = decodeBlocks(map, blocks, [first, thd]);
  t.equal(s.instant.get('v_a'), 230.5);
  t.ok(Number.isNaN(s.instant.get('v_b')!), 'NaN float is missing');
  t.ok(Number.isNaN(s.instant.get('v_c')!), 'out of range is missing');
  t.equal(s.instant.get('kw'), Math.fround(12345) / 1000);
  t.strictSame(s.counters.get('kwh_del'), { value: 1000.5, modulus: Infinity });
  t.equal(s.instant.get('thd_v_a'), 2.5);
  t.strictSame(s.issues, [{ code: 'KM_INGEST_DECODE_RANGE', point: 'Phase 3 line to neutral volts', address: 4, raw: '0x459c 0x4000', detail: 'Phase 3 line to neutral volts = 5000 V is outside [0, 1000]' }]);
});

t.test('the schema: units must match the channel, a channel is mapped once', async (t) => {
  const base = { name: 'x', manufacturer: 'M', model: 'X', source: 'doc', points: [] as unknown[] };
  const r = RegisterMap.safeParse({
    ...base,
    points: [
      { name: 'P', address: 0, function: 'holding', type: 'int16', unit: 'W', channel: 'kw' },
      { name: 'P2', address: 2, function: 'holding', type: 'int16', unit: 'kW', channel: 'kw' },
      { name: 'PF', address: 4, function: 'holding', type: 'int16', unit: '%', channel: 'pf' },
    ],
  });
  t.notOk(r.success);
  t.strictSame(r.error!.issues.map((i) => [i.path.join('.'), i.message]), [
    ['points.0.unit', 'channel kw takes "kW", got "W"'],
    ['points.1.channel', 'kw is mapped twice'],
    ['points.2.unit', 'channel pf takes no unit (""), got "%"'],
  ]);
});

t.test('scaleValue divides by exact reciprocals', async (t) => {
  t.equal(scaleValue(2301, 0.1), 230.1);
  t.equal(scaleValue(68992, 0.0001), 6.8992);
  t.equal(scaleValue(3, 2), 6);
});
