import t from 'tap';
import {
  METER_MODEL_LENGTH, decodeCommonModel, decodeMeterModel, decodeSunSpecString, isSunSpecMarker, meterModelOf, modelHeader, scaled,
} from '../../src/core/modbus/sunspec.js';

/** A model block of `length` + 2 registers with the given words at their offsets from the model ID. */
function block(id: number, length: number, words: Record<number, number>): DataView {
  const v = new DataView(new ArrayBuffer(2 * (length + 2)));
  v.setUint16(0, id);
  v.setUint16(2, length);
  for (const [offset, w] of Object.entries(words)) v.setUint16(2 * Number(offset), w);
  return v;
}

/**
 * A model 203 worked example, register by register (offsets from sunspec/models json/model_203.json,
 * see src/core/modbus/sunspec.ts). Unlisted registers are 0x0000, which is a real value for int16
 * points and "not implemented" for acc32 ones.
 */
const MODEL_203 = {
  3: 1234, 4: 1200, 5: 0x8000, 6: 0xfffe, // AphA 12.34 A, AphB 12.00 A, AphC not implemented, A_SF -2
  8: 2771, 9: 0x8000, 10: 2765, 15: 0xffff, // PhVphA 277.1 V, PhVphB not implemented, PhVphC 276.5 V, V_SF -1
  16: 6000, 17: 0xfffe, // Hz 60.00, Hz_SF -2
  18: 4567, 22: 0x0001, // W 4567 x 10 = 45,670 W, W_SF 1
  28: 0xfb50, 32: 0x0000, // VAR -1200 var, VAR_SF 0
  33: 953, 37: 0xffff, // PF 95.3 %, PF_SF -1
  38: 0x0000, 39: 0x0000, // TotWhExp acc32 0: not accumulated
  46: 0x0001, 47: 0xe240, 54: 0x0001, // TotWhImp 123456 x 10 Wh, TotWh_SF 1
  72: 0x0000, 73: 0x03e8, 80: 0x0000, 81: 0x0000, 104: 0x0000, // TotVArhImpQ1 1000 varh, Q2 not accumulated, TotVArh_SF 0
} as const;

t.test('model 203: values, scale factors, units and not-implemented sentinels', async (t) => {
  const s = decodeMeterModel(block(203, METER_MODEL_LENGTH, MODEL_203), 40070);
  t.strictSame(Object.fromEntries(s.instant), {
    kw: 45.67, kvar: -1.2, v_a: 277.1, v_b: NaN, v_c: 276.5, i_a: 12.34, i_b: 12, i_c: NaN, pf: 0.953, hz: 60,
  });
  t.strictSame(Object.fromEntries(s.counters), {
    kwh_del: { value: 1234.56, modulus: 42949672.96 }, // 2^32 x 10 Wh in kWh
    kwh_rec: { value: NaN, modulus: Infinity },
    kvarh_del: { value: 1, modulus: 4294967.296 },
  });
  t.strictSame(s.issues, []);
});

t.test('a scale factor out of range: its points are missing and it is reported once', async (t) => {
  const s = decodeMeterModel(block(203, METER_MODEL_LENGTH, { ...MODEL_203, 15: 50 }), 40070);
  t.strictSame([s.instant.get('v_a'), s.instant.get('v_b'), s.instant.get('v_c')], [NaN, NaN, NaN]);
  t.equal(s.instant.get('kw'), 45.67, 'other points still decode');
  t.strictSame(s.issues, [{
    code: 'KM_INGEST_DECODE_RANGE', point: 'V_SF', address: 40085, raw: '0x0032',
    detail: 'V_SF = 50 is outside the SunSpec scale factor range -10..10; its points are missing',
  }]);
});

t.test('a scale factor not implemented (0x8000) makes its points missing, silently', async (t) => {
  const s = decodeMeterModel(block(203, METER_MODEL_LENGTH, { ...MODEL_203, 22: 0x8000, 54: 0x8000 }), 40070);
  t.ok(Number.isNaN(s.instant.get('kw')!));
  t.strictSame(s.counters.get('kwh_del'), { value: NaN, modulus: Infinity });
  t.strictSame(s.issues, []);
});

t.test('kvarh_del is Q1 + Q2', async (t) => {
  const s = decodeMeterModel(block(201, METER_MODEL_LENGTH, { ...MODEL_203, 81: 0x01f4, 104: 0x0001 }), 0);
  t.strictSame(s.counters.get('kvarh_del'), { value: 15, modulus: 42949672.96 }, '(1000 + 500) varh x 10');
});

t.test('a short block is refused, not read past its end', async (t) => {
  const s = decodeMeterModel(block(203, 50, {}), 40070);
  t.equal(s.instant.size, 0);
  t.match(s.issues, [{ code: 'KM_INGEST_DECODE_RANGE', point: 'L' }]);
});

t.test('model 1: strings, NUL padding, not implemented', async (t) => {
  const v = block(1, 66, {});
  const put = (offset: number, text: string) => new Uint8Array(v.buffer).set(new TextEncoder().encode(text), 2 * offset);
  put(2, 'Keymeter Sim');
  put(18, 'KM-203');
  put(42, '1.0.0');
  put(50, 'SN-0001');
  t.strictSame(decodeCommonModel(v), { manufacturer: 'Keymeter Sim', model: 'KM-203', version: '1.0.0', serialNumber: 'SN-0001' });
  t.equal(decodeSunSpecString(v, 2 * 34, 8), null, 'Opt all NUL: not implemented');
});

t.test('marker, header, meter model of a chain', async (t) => {
  t.ok(isSunSpecMarker(new DataView(new Uint8Array([0x53, 0x75, 0x6e, 0x53]).buffer)), '"SunS"');
  t.notOk(isSunSpecMarker(new DataView(new Uint8Array([0x53, 0x75, 0x6e, 0x54]).buffer)));
  t.strictSame(modelHeader(block(203, 105, {})), { id: 203, length: 105 });
  t.strictSame(meterModelOf([{ id: 1, address: 40002, length: 66 }, { id: 101, address: 40070, length: 50 }, { id: 204, address: 40122, length: 105 }]), { id: 204, address: 40122, length: 105 });
  t.equal(meterModelOf([{ id: 1, address: 40002, length: 66 }]), undefined);
});

t.test('scaled: one correctly rounded operation', async (t) => {
  t.equal(scaled(953, -1, 100), 0.953);
  t.equal(scaled(2301, -1, 1), 230.1);
  t.equal(scaled(123456, 1, 1000), 1234.56);
  t.equal(scaled(-1200, 0, 1000), -1.2);
});
