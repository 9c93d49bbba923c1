import t from 'tap';
import { KeymeterError } from '../../src/errors.js';
import { parseUrdbRate } from '../../src/core/tariff/urdb-rate.js';

const fill = (n: number, v: number): number[] => new Array<number>(n).fill(v);
const all = (p: number): number[][] => Array.from({ length: 12 }, () => fill(24, p));
const base = { energyratestructure: [[{ rate: 0.1, unit: 'kWh' }]], energyweekdayschedule: all(0), energyweekendschedule: all(0) };

/**
 * The paths of the issues a refused rate reports; `code` is the error code expected: KM_TARIFF_UNSUPPORTED
 * for a feature the engine does not bill, KM_VALIDATION for a malformed item.
 */
function refusedPaths(rate: unknown, prefix?: string, code: 'KM_VALIDATION' | 'KM_TARIFF_UNSUPPORTED' = 'KM_VALIDATION'): string[] {
  try {
    parseUrdbRate(rate, prefix);
  } catch (err) {
    if (err instanceof KeymeterError && err.code === code) {
      for (const i of err.issues ?? []) if (!err.message.includes(i.path)) throw new Error(`message does not name ${i.path}`);
      return (err.issues ?? []).map((i) => i.path);
    }
    throw err;
  }
  return [];
}

t.test('a URDB item with descriptive fields is accepted and compiled', async (t) => {
  const r = parseUrdbRate({
    ...base, label: '539f6a23ec4f024411ec8bf9', utility: 'Example Electric Co', name: 'GS', uri: 'https://example.org', sector: 'Commercial',
    startdate: 1704067200, enddate: null, mincharge: null, demandwindow: null, sell: 'ignored', usenetmetering: true,
    peakkwcapacitymin: 400, fixedchargeeaaddl: 12, lookbackmonths: fill(12, 0), lookbackpercent: 0,
    demandratestructure: [[{ rate: 0, unit: 'kVA' }]], // free, so its unit cannot change a bill
  });
  t.equal(r.energy!.periods.length, 1);
  t.equal(r.energy!.periods[0]!.prices[0], 0.1);
  t.equal(r.energy!.periods[0]!.limits[0], Infinity);
  t.equal(r.touDemand, null);
  t.equal(r.demandWindowMinutes, 15);
  t.equal(r.fixedCharge, null);
  t.equal(r.minCharge, null);
});

t.test('unsupported features are refused with the field path named', async (t) => {
  const unsupported: [string, Record<string, unknown>, string[]][] = [
    ['an energy tier unit the engine cannot bill', {
      energyratestructure: [[{ max: 10, rate: 0.2, unit: 'kWh/kW daily' }, { rate: 0.1, unit: 'kWh/kW daily' }]],
    }, ['energyratestructure[0][0].unit', 'energyratestructure[0][1].unit']],
    ['tiers that mix units (block-and-step)', {
      energyratestructure: [[{ max: 200, rate: 0.2, unit: 'kWh/kW' }, { max: 3000, rate: 0.1, unit: 'kWh' }, { rate: 0.05, unit: 'kWh' }]],
    }, ['energyratestructure[0][1].unit']],
    ['kVA demand', {
      demandratestructure: [[{ rate: 5 }]], demandweekdayschedule: all(0), demandweekendschedule: all(0), demandrateunit: 'kVA',
    }, ['demandrateunit']],
    ['hp flat demand tiers', { flatdemandstructure: [[{ rate: 5, unit: 'hp' }]] }, ['flatdemandstructure[0][0].unit']],
    ['demand lookback', { lookbackpercent: 0.35, lookbackmonths: [1, ...fill(11, 0)] }, ['lookbackpercent', 'lookbackmonths']],
    ['a reactive power charge', { demandreactivepowercharge: 2.7 }, ['demandreactivepowercharge']],
    ['free-form charges', { energyattrs: [{ 'Fuel Adjustment': '0.01' }], fixedattrs: [] }, ['energyattrs']],
    ['an annual minimum', { mincharge: 120, minchargeunits: '$/year' }, ['minchargeunits']],
    ['a ratchet without flat demand', { demandratchetpercentage: fill(12, 0.5) }, ['demandratchetpercentage']],
    ['a demand window that does not divide an hour', { flatdemandstructure: [[{ rate: 5 }]], demandwindow: 45 }, ['demandwindow']],
  ];
  for (const [what, extra, paths] of unsupported) t.strictSame(refusedPaths({ ...base, ...extra }, undefined, 'KM_TARIFF_UNSUPPORTED'), paths, what);
  // Malformed items are KM_VALIDATION, and win over unsupported features in the same item (every issue is listed).
  const malformed: [string, Record<string, unknown>, string[]][] = [
    ['a fixed charge without units', { fixedchargefirstmeter: 25 }, ['fixedchargeunits']],
    ['two fixed charges', { fixedchargefirstmeter: 25, fixedchargeunits: '$/month', fixedmonthlycharge: 20 }, ['fixedmonthlycharge']],
    ['a ratchet given in percent', { flatdemandstructure: [[{ rate: 5 }]], demandratchetpercentage: fill(12, 80) }, ['demandratchetpercentage[0]', 'demandratchetpercentage[1]', 'demandratchetpercentage[2]', 'demandratchetpercentage[3]', 'demandratchetpercentage[4]', 'demandratchetpercentage[5]', 'demandratchetpercentage[6]', 'demandratchetpercentage[7]', 'demandratchetpercentage[8]', 'demandratchetpercentage[9]', 'demandratchetpercentage[10]', 'demandratchetpercentage[11]']],
    ['a malformed tier beside a reactive power charge', { demandreactivepowercharge: 2.7, energyratestructure: [[{ rate: 0.1 }, { rate: 0.2 }]] }, ['energyratestructure[0][0].max', 'demandreactivepowercharge']],
  ];
  for (const [what, extra, paths] of malformed) t.strictSame(refusedPaths({ ...base, ...extra }), paths, what);
});

t.test('invalid structures are refused with their paths, under the caller prefix', async (t) => {
  t.strictSame(refusedPaths({ energyratestructure: [[{ rate: 0.1 }]], energyweekdayschedule: all(0) }, 'tariffs[2].urdb'),
    ['tariffs[2].urdb.energyweekendschedule']);
  const sched = all(0);
  sched[6]![17] = 3;
  t.strictSame(refusedPaths({ ...base, energyweekdayschedule: sched }), ['energyweekdayschedule[6][17]']);
  t.strictSame(refusedPaths({ ...base, energyratestructure: [[{ rate: 0.1 }, { rate: 0.2 }]] }), ['energyratestructure[0][0].max']);
  t.strictSame(refusedPaths({ ...base, energyratestructure: [[{ max: 500, rate: 0.1 }, { max: 400, rate: 0.2 }, { rate: 0.3 }]] }), ['energyratestructure[0][1].max']);
  t.strictSame(refusedPaths({ ...base, energyweekendschedule: all(0).slice(0, 11) }), ['energyweekendschedule']);
  t.strictSame(refusedPaths({ ...base, flatdemandstructure: [[{ rate: 1 }], [{ rate: 2 }]] }), ['flatdemandmonths']);
  t.strictSame(refusedPaths({ ...base, energyratestructure: [[{ rate: '0.1' }]] }), ['energyratestructure[0][0].rate']);
  t.strictSame(refusedPaths('not a rate'), ['(root)']);
});

t.test('what is compiled: adj added to rate, units, fixed and minimum charges, ratchet, window, fuel adjustments', async (t) => {
  const r = parseUrdbRate({
    energyratestructure: [[{ max: 100, rate: 0.1, adj: 0.02, unit: 'KWH DAILY' }, { rate: 0.08, adj: 0.02 }]],
    energyweekdayschedule: all(0), energyweekendschedule: all(0), fueladjustmentsmonthly: fill(12, 0.005),
    flatdemandstructure: [[{ rate: 4, adj: 1 }], [{ rate: 6 }]], flatdemandmonths: [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0],
    demandratchetpercentage: fill(12, 0.75), demandwindow: 30, demandunits: 'kW',
    fixedchargefirstmeter: 3.5, fixedchargeunits: '$/day', minmonthlycharge: 40,
  });
  t.strictSame(Array.from(r.energy!.periods[0]!.prices), [0.1 + 0.02, 0.08 + 0.02]);
  t.strictSame(Array.from(r.energy!.periods[0]!.limits), [100, Infinity]);
  t.equal(r.energy!.periods[0]!.unit, 'kWh daily');
  t.strictSame(Array.from(r.flatDemand!.periods[0]!.prices), [5]);
  t.strictSame(Array.from(r.flatDemand!.months), [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0]);
  t.strictSame(Array.from(r.ratchet!), fill(12, 0.75));
  t.strictSame(Array.from(r.fuelAdjustments!), fill(12, 0.005));
  t.equal(r.demandWindowMinutes, 30);
  t.strictSame(r.fixedCharge, { usd: 3.5, unit: '$/day' });
  t.strictSame(r.minCharge, { usd: 40, unit: '$/month' });
});
