import fc from 'fast-check';
import t from 'tap';
import { CHANNEL_KINDS, UNITS_BY_KIND } from '../../src/core/channels.js';
import { qualityFromEspi } from '../../src/core/espi/codes.js';
import { channelKindOf, channelUnit, conversionTo, exportable, exportReadingType, exportScale, scaleValue, type EspiReadingType } from '../../src/core/espi/reading-type.js';

// Codes from espiDerived.xsd: uom 72 Wh, 73 VArh, 38 W, 63 VAr, 29 V, 5 A, 33 Hz, 65 cosθ, 169 therm,
// 132 BTU, 42 m3, 119 ft3, 128 US gal, 134 L; commodity 1 electricity, 7 natural gas, 9 potable water;
// flowDirection 1 forward, 19 reverse, 4 net, 20 total; accumulationBehaviour 4 deltaData, 1 bulkQuantity.
t.test('ReadingType to channel kind (table)', async (t) => {
  const cases: [EspiReadingType, number | undefined, string][] = [
    [{ uom: 72, flowDirection: 1, commodity: 1, accumulationBehaviour: 4 }, undefined, 'kwh_del Wh'],
    [{ uom: 72, flowDirection: 0 }, undefined, 'kwh_del Wh'],
    [{ uom: 72, flowDirection: 19, commodity: 1 }, undefined, 'kwh_rec Wh'],
    [{ uom: 73, flowDirection: 1 }, undefined, 'kvarh_del VArh'],
    [{ uom: 73, flowDirection: 5 }, undefined, 'kvarh_del VArh'],
    [{ uom: 73, flowDirection: 19 }, undefined, 'kvarh_rec VArh'],
    [{ uom: 73, flowDirection: 13 }, undefined, 'kvarh_rec VArh'],
    [{ uom: 38, kind: 37 }, undefined, 'kw W'],
    [{ uom: 63 }, undefined, 'kvar VAr'],
    [{ uom: 29, phase: 129 }, undefined, 'v_a V'],
    [{ uom: 29, phase: 64 }, undefined, 'v_b V'],
    [{ uom: 5, phase: 33 }, undefined, 'i_c A'],
    [{ uom: 33 }, undefined, 'hz Hz'],
    [{ uom: 65 }, undefined, 'pf cos'],
    [{ uom: 0, kind: 38 }, undefined, 'pf cos'],
    [{ uom: 0, kind: 47, phase: 65 }, undefined, 'thd_v_b pct'],
    [{ uom: 169, commodity: 7 }, undefined, 'gas therm'],
    [{ uom: 169 }, undefined, 'gas therm'],
    [{ uom: 132, commodity: 7 }, undefined, 'gas BTU'],
    [{ uom: 42, commodity: 7 }, undefined, 'gas m3'],
    [{ uom: 119, commodity: 7 }, undefined, 'gas ft3'],
    [{ uom: 42 }, 1, 'gas m3'],
    [{ uom: 42 }, 2, 'water m3'],
    [{ uom: 128, commodity: 9 }, undefined, 'water USgal'],
    [{ uom: 134 }, undefined, 'water L'],
  ];
  for (const [rt, serviceKind, expected] of cases) {
    const m = channelKindOf(rt, serviceKind);
    t.equal(m.ok ? `${m.kind} ${m.unit}` : m.reason, expected, JSON.stringify(rt));
  }
  const refused: [EspiReadingType, RegExp][] = [
    [{ uom: 72, flowDirection: 4 }, /Wh with flowDirection 4 has no Keymeter channel/],
    [{ uom: 72, flowDirection: 20 }, /flowDirection 20/],
    [{ uom: 72, accumulationBehaviour: 1 }, /accumulationBehaviour 1 is a register reading/],
    [{ uom: 72, accumulationBehaviour: 9 }, /register reading/],
    [{ flowDirection: 1 }, /no uom/],
    [{ uom: 29 }, /voltage on phase none/],
    [{ uom: 42 }, /gas or water/],
    [{ uom: 72, commodity: 10 }, /commodity 10 has no Keymeter channel/],
    [{ uom: 61 }, /uom 61 has no Keymeter channel/],
  ];
  for (const [rt, reason] of refused) {
    const m = channelKindOf(rt);
    t.notOk(m.ok, JSON.stringify(rt));
    if (!m.ok) t.match(m.reason, reason);
  }
  const bare = channelKindOf({ uom: 42 });
  t.equal(!bare.ok && bare.needsServiceKind, true, 'a bare volume waits for its UsagePoint');
});

t.test('unit conversions into the channel unit (NIST SP 811 exact factors)', async (t) => {
  const v = (unit: string, from: Parameters<typeof conversionTo>[1], raw: number, pow10 = 0) => scaleValue(raw, pow10, conversionTo(unit, from)!);
  t.equal(v('kWh', 'Wh', 703), 0.703);
  t.equal(v('kWh', 'Wh', 1234, 3), 1234, 'kWh written as Wh x 10^3');
  t.equal(v('therm', 'therm', 850, -3), 0.85);
  t.equal(v('therm', 'BTU', 250_000), 2.5, '100,000 BTU per therm');
  t.equal(v('ccf', 'ft3', 250), 2.5);
  t.equal(v('m3', 'ft3', 1000), 28.316846592, '1 ft3 = 0.028316846592 m3');
  t.equal(v('m3', 'L', 1500), 1.5);
  t.equal(v('gal', 'USgal', 12), 12);
  t.ok(Math.abs(v('gal', 'm3', 1) - 264.17205235814845) < 1e-9, '1 m3 = 264.172 US gal');
  t.equal(conversionTo('m3', 'therm'), undefined, 'therm to m3 needs the heat content: refused');
  t.equal(conversionTo('kWh', 'VArh'), undefined);
  for (const kind of CHANNEL_KINDS) {
    if (!exportable(kind)) {
      // Outdoor temperature is not usage: the Green Button export leaves it out.
      t.equal(kind, 'temp');
      t.throws(() => exportReadingType(kind, 'degC'), RangeError, 'temp has no Green Button reading type');
      continue;
    }
    for (const unit of UNITS_BY_KIND[kind].length > 0 ? UNITS_BY_KIND[kind] : ['']) {
      const rt = exportReadingType(kind, channelUnit(kind, unit || undefined));
      const back = channelKindOf({ ...rt, intervalLength: 900, powerOfTenMultiplier: 0 });
      t.ok(back.ok && back.kind === kind && conversionTo(channelUnit(kind, unit || undefined), back.unit) !== undefined, `${kind} (${unit || 'no unit'}) maps back to itself`);
    }
  }
});

t.test('export scale: the fewest decimals that keep every value, within Int48 and the enumerated multipliers', async (t) => {
  t.strictSame(exportScale(812.5, 3, 3), { decimals: 3, pow10: 0 }, 'kWh with Wh resolution: Wh');
  t.strictSame(exportScale(812, 0, 3), { decimals: 0, pow10: 3 }, 'whole kWh: kWh');
  t.strictSame(exportScale(0.95, 4, 0), { decimals: 6, pow10: -6 }, 'pf to 4 decimals: micro');
  t.strictSame(exportScale(1 / 3, 15, 3), { decimals: 12, pow10: -9 }, 'more digits than Int48 holds: the finest that fits');
  t.strictSame(exportScale(2e9, 3, 3), { decimals: 3, pow10: 0 }, '2 TWh in Wh still fits Int48');
  t.throws(() => exportScale(1e30, 0, 3), RangeError);
});

t.test('property: a value with at most k decimals survives export and import exactly', async (t) => {
  fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 6 }), fc.constantFrom('kwh_del', 'kvar', 'pf', 'gas', 'water', 'v_a'), (units, k, kind) => {
    const v = units / 10 ** k; // the double nearest the decimal with k digits
    const unit = channelUnit(kind as 'gas', kind === 'gas' ? 'ccf' : kind === 'water' ? 'gal' : undefined);
    const rt = exportReadingType(kind as 'gas', unit);
    const { decimals, pow10 } = exportScale(Math.abs(v), k, rt.unitExp);
    const raw = Math.round(v * 10 ** decimals);
    const m = channelKindOf({ ...rt, powerOfTenMultiplier: pow10 });
    if (!m.ok) return false;
    const back = scaleValue(raw, pow10, conversionTo(unit, m.unit)!);
    return Object.is(back, v) || (back === 0 && v === 0);
  }), { numRuns: 2000 });
  t.pass('2,000 random values');
});

t.test('QualityOfReading to Keymeter quality', async (t) => {
  t.strictSame([0, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 99].map(qualityFromEspi), [0, 1, 1, 1, 0, 0, 'reject', 0, 0, 1, 0, 0, 0, 0, 0]);
});
