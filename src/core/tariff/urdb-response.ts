/**
 * What `keymeter import tariff FILE.json` reads (CONTRACT.md "Command line"): an OpenEI URDB API
 * response `{"items": [...]}` or one rate item. Each item becomes a tariff of the library under its URDB
 * `label` (the rate's id in the URDB, a 24-character hex string), or under the id the caller gives for a
 * lone item; `name` and `utility` are kept beside it for listings.
 *
 * Every item is checked by the tariff engine before anything is stored: paths are `items[2].label`,
 * `items[0].energyratestructure[1][0].unit` for a response and `energyratestructure[1][0].unit` for a
 * lone item.
 */
import { Id } from '../bundle/schema.js';
import { formatPath, KeymeterError, type ErrorIssue } from '../../errors.js';
import { checkTariffEntries } from './tariff-entries.js';

export interface LibraryEntry {
  id: string;
  name: string | null;
  utility: string | null;
  urdb: Record<string, unknown>;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The library entries of a URDB document. `idOverride` names a lone item (a response with one item, or
 * one item) that has no label, or replaces its label. Throws KM_VALIDATION for a malformed document,
 * a missing or bad id, or a malformed rate; KM_TARIFF_UNSUPPORTED when the only issues are rate features
 * the engine does not bill. Every issue names its path.
 */
export function urdbLibraryEntries(input: unknown, idOverride?: string): LibraryEntry[] {
  const fail = (issues: ErrorIssue[]): never => {
    throw new KeymeterError('KM_VALIDATION', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
  };
  if (!isObject(input)) return fail([{ path: '(root)', message: 'must be a URDB rate item or a URDB API response {"items": [...]}' }]);
  const response = 'items' in input;
  if (response && !Array.isArray(input.items)) return fail([{ path: 'items', message: 'must be an array of URDB rate items' }]);
  const items: unknown[] = response ? (input.items as unknown[]) : [input];
  if (items.length === 0) return fail([{ path: 'items', message: 'the response has no rate items' }]);
  const prefix = (i: number): string => (response ? `items[${i}]` : '');
  const at = (i: number, key: string): string => (response ? `${prefix(i)}.${key}` : key);

  const issues: ErrorIssue[] = [];
  if (idOverride !== undefined) {
    if (items.length > 1) issues.push({ path: 'items', message: `an id given for the import names one tariff; the response has ${items.length} items` });
    const checked = Id.safeParse(idOverride);
    if (!checked.success) issues.push({ path: '--id', message: checked.error.issues[0]!.message });
  }
  const seen = new Map<string, number>();
  const ids = items.map((item, i): string => {
    if (idOverride !== undefined) return idOverride;
    const label = isObject(item) ? item.label : undefined;
    if (typeof label !== 'string') {
      issues.push({ path: at(i, 'label'), message: 'required to name the tariff (a URDB rate has one); for a lone item without it, give an id' });
      return '';
    }
    const checked = Id.safeParse(label);
    if (!checked.success) issues.push({ path: at(i, 'label'), message: checked.error.issues[0]!.message });
    const first = seen.get(label);
    if (first !== undefined) issues.push({ path: at(i, 'label'), message: `duplicate label '${label}' (first at ${formatPath(['items', first])})` });
    else seen.set(label, i);
    return label;
  });
  try {
    checkTariffEntries(items, { pathOf: prefix, malformedCode: 'KM_VALIDATION' });
  } catch (err) {
    if (!(err instanceof KeymeterError) || issues.length === 0) throw err;
    issues.push(...(err.issues ?? []));
  }
  if (issues.length > 0) fail(issues);
  return items.map((item, i) => {
    const urdb = item as Record<string, unknown>;
    return { id: ids[i]!, name: text(urdb.name), utility: text(urdb.utility), urdb };
  });
}
