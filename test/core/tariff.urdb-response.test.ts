import t from 'tap';
import { KeymeterError } from '../../src/errors.js';
import { urdbLibraryEntries } from '../../src/core/tariff/urdb-response.js';

const fill = (n: number, v: number): number[] => new Array<number>(n).fill(v);
const all = (p: number): number[][] => Array.from({ length: 12 }, () => fill(24, p));
const rate = (extra: Record<string, unknown> = {}) => ({
  energyratestructure: [[{ rate: 0.1, unit: 'kWh' }]], energyweekdayschedule: all(0), energyweekendschedule: all(0), ...extra,
});

function refusal(input: unknown, id?: string): { code: string; paths: string[] } {
  try {
    urdbLibraryEntries(input, id);
  } catch (err) {
    if (err instanceof KeymeterError) return { code: err.code, paths: (err.issues ?? []).map((i) => i.path) };
    throw err;
  }
  return { code: 'none', paths: [] };
}

t.test('a URDB API response or one item, named by label or the given id', async (t) => {
  const items = [rate({ label: '539f6a23ec4f024411ec8bf9', name: 'GS-1', utility: 'Example Co' }), rate({ label: '539f6a23ec4f024411ec8bfa' })];
  t.strictSame(urdbLibraryEntries({ items }).map((e) => [e.id, e.name, e.utility]), [
    ['539f6a23ec4f024411ec8bf9', 'GS-1', 'Example Co'], ['539f6a23ec4f024411ec8bfa', null, null],
  ]);
  t.equal(urdbLibraryEntries(items[0]).length, 1, 'one item');
  t.equal(urdbLibraryEntries(rate(), 'sched-x')[0]!.id, 'sched-x', 'a lone item without a label, named by the caller');
  t.equal(urdbLibraryEntries({ items: [items[0]] }, 'sched-y')[0]!.id, 'sched-y', 'the given id replaces the label');
});

t.test('refusals name the path: KM_VALIDATION for a malformed document, KM_TARIFF_UNSUPPORTED for features', async (t) => {
  t.strictSame(refusal([1, 2]), { code: 'KM_VALIDATION', paths: ['(root)'] });
  t.strictSame(refusal({ items: {} }), { code: 'KM_VALIDATION', paths: ['items'] });
  t.strictSame(refusal({ items: [] }), { code: 'KM_VALIDATION', paths: ['items'] });
  t.strictSame(refusal(rate()), { code: 'KM_VALIDATION', paths: ['label'] });
  t.strictSame(refusal({ items: [rate({ label: 'a b' }), rate({ label: 'x' }), rate({ label: 'x' })] }), { code: 'KM_VALIDATION', paths: ['items[0].label', 'items[2].label'] });
  t.strictSame(refusal({ items: [rate({ label: 'x' }), rate({ label: 'y' })] }, 'z'), { code: 'KM_VALIDATION', paths: ['items'] });
  t.strictSame(refusal(rate(), 'no/slash'), { code: 'KM_VALIDATION', paths: ['--id'] });
  t.strictSame(refusal({ items: [rate({ label: 'x' }), rate({ label: 'y', energyratestructure: [[{ max: 5, rate: 0.2, unit: 'kWh/kW daily' }, { rate: 0.1, unit: 'kWh/kW daily' }]] })] }),
    { code: 'KM_TARIFF_UNSUPPORTED', paths: ['items[1].energyratestructure[0][0].unit', 'items[1].energyratestructure[0][1].unit'] });
  t.strictSame(refusal(rate({ label: 'x', lookbackpercent: 0.5, energyweekdayschedule: all(3) })), { code: 'KM_VALIDATION', paths: ['energyweekdayschedule[0][0]', 'lookbackpercent'] });
  t.strictSame(refusal({ items: [rate({ lookbackrange: 3 })] }), { code: 'KM_VALIDATION', paths: ['items[0].label', 'items[0].lookbackrange'] }, 'a missing label makes it malformed');
});
