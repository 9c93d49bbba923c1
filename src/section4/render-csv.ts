/**
 * The Section 4 document as CSV (CONTRACT.md: `Accept: text/csv` gives the same content): one block per
 * item, each a line `# <item>` (the item's path in the JSON document), a header row and its rows, with a
 * blank line between blocks. An item the document marks with a `status` and no figures is a block
 * with a single `status` column (`# forecast` / `status` / `not yet available`).
 *
 * Cells follow RFC 4180 (fields with a comma, quote, CR or LF are quoted, quotes doubled; CRLF line
 * ends); null is an empty cell. Text cells that a spreadsheet would read as a formula (starting with
 * =, +, -, @, tab or CR) get a leading apostrophe, as OWASP "CSV Injection" advises; numbers are
 * written as numbers, so -12.5 stays -12.5.
 */
import type { Section4 } from './build.js';

const CRLF = '\r\n';
/** OWASP "CSV Injection": the characters that make a spreadsheet treat a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
/** How a list of plain values (meter ids, tariff ids) sits in one cell. */
const LIST_SEPARATOR = '; ';
const NOT_IN_DOCUMENT = 'not available';

// ---- reading the document (it is JSON: everything is checked, nothing is assumed) ----

export type Obj = Record<string, unknown>;

export const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The value at a path of keys, or undefined. */
export function at(x: unknown, ...path: string[]): unknown {
  let v = x;
  for (const k of path) v = isObj(v) ? v[k] : undefined;
  return v;
}

/** The objects of the array at a path (anything else in it is skipped); [] when there is no array. */
export function objsAt(x: unknown, ...path: string[]): Obj[] {
  const v = at(x, ...path);
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** The `status` string of the object at a path ("not yet available", "no gas interval data"), or null. */
export function statusAt(x: unknown, ...path: string[]): string | null {
  const s = at(x, ...path, 'status');
  return typeof s === 'string' ? s : null;
}

// ---- cells ----

/** One CSV field: RFC 4180 quoting, formula guard on text, '' for null and non-finite numbers. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value) && value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
    text = value.map((v) => (v === null ? '' : String(v))).join(LIST_SEPARATOR);
  } else text = JSON.stringify(value) ?? '';
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A nested object as one level of dotted keys (`maintenance.last.date`); arrays stay values. */
export function flatten(o: Obj, omit: readonly string[] = [], prefix = '', out: Obj = {}): Obj {
  for (const [k, v] of Object.entries(o)) {
    if (prefix === '' && omit.includes(k)) continue;
    const key = prefix + k;
    if (isObj(v)) flatten(v, [], `${key}.`, out);
    else out[key] = v;
  }
  return out;
}

// ---- blocks ----

interface Block {
  item: string;
  header: readonly string[];
  rows: readonly (readonly unknown[])[];
}

const statusBlock = (item: string, status: string): Block => ({ item, header: ['status'], rows: [[status]] });

/** The preferred columns first, then any other key the rows have, in the order first seen. */
function tableBlock(item: string, rows: readonly Obj[], preferred: readonly string[]): Block {
  const header = [...preferred];
  const flat = rows.map((r) => flatten(r));
  for (const r of flat) for (const k of Object.keys(r)) if (!header.includes(k)) header.push(k);
  return { item, header, rows: flat.map((r) => header.map((h) => r[h])) };
}

/**
 * The array at `path` as a table. When it is missing, or empty beside a `status` of its parent
 * ("no gas interval data", "not yet available"), the block carries that status instead.
 */
function listBlock(doc: unknown, path: readonly string[], preferred: readonly string[]): Block {
  const item = path.join('.');
  const list = at(doc, ...path);
  const status = statusAt(doc, ...path.slice(0, -1));
  if (!Array.isArray(list)) return statusBlock(item, status ?? NOT_IN_DOCUMENT);
  if (list.length === 0 && status !== null) return statusBlock(item, status);
  return tableBlock(item, list.filter(isObj), preferred);
}

/**
 * The object at `path` as one row (its arrays of objects left to their own blocks via `omit`); no
 * block when nothing is left (`factors` without a power-factor threshold).
 */
function objectBlock(doc: unknown, path: readonly string[], omit: readonly string[] = [], preferred: readonly string[] = []): Block | null {
  const item = path.join('.');
  const o = at(doc, ...path);
  if (!isObj(o)) return statusBlock(item, NOT_IN_DOCUMENT);
  const row = flatten(o, omit);
  return Object.keys(row).length === 0 ? null : tableBlock(item, [row], preferred);
}

/** An item that is only a status (with at most plain fields beside it), or is missing, is one block named after it. */
function onlyStatus(doc: unknown, item: string, dataKeys: readonly string[]): Block | null {
  const o = at(doc, item);
  if (!isObj(o)) return statusBlock(item, NOT_IN_DOCUMENT);
  if (typeof o.status !== 'string') return null;
  if (dataKeys.some((k) => o[k] !== undefined)) return null;
  return objectBlock(doc, [item], [], ['status']);
}

function render(blocks: readonly (Block | null)[]): string {
  return blocks
    .filter((b): b is Block => b !== null)
    .map((b) => [`# ${b.item}`, b.header.map(csvCell).join(','), ...b.rows.map((r) => r.map(csvCell).join(','))].map((l) => l + CRLF).join(''))
    .join(CRLF);
}

// ---- the items ----

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MINUTES_PER_DAY = 24 * 60;

/** Local wall-clock start of a day slot: slot 5 of 96 -> "01:15". */
export function slotTime(slot: number, slotsPerDay: number): string {
  const minutes = Math.round((slot * MINUTES_PER_DAY) / slotsPerDay);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function profileBlocks(doc: unknown): (Block | null)[] {
  const base = ['consumption', 'electric', 'profiles'];
  const profiles = at(doc, ...base);
  if (!isObj(profiles)) {
    const status = statusAt(doc, 'consumption', 'electric') ?? NOT_IN_DOCUMENT;
    return ['', '.monthly', '.heatMap', '.durationCurve'].map((s) => statusBlock(`${base.join('.')}${s}`, status));
  }
  const slotsPerDay = typeof profiles.slotsPerDay === 'number' ? profiles.slotsPerDay : 0;
  const monthly: Obj[] = [];
  for (const m of objsAt(profiles, 'monthly')) {
    const col = (kind: string, field: string, i: number): unknown => {
      const v = at(m, kind, field);
      return Array.isArray(v) ? v[i] : undefined;
    };
    for (let slot = 0; slot < slotsPerDay; slot++) {
      monthly.push({
        month: m.month, slot, time: slotTime(slot, slotsPerDay),
        weekdayKw: col('weekday', 'kw', slot), weekdaySamples: col('weekday', 'samples', slot),
        weekendKw: col('weekend', 'kw', slot), weekendSamples: col('weekend', 'samples', slot),
      });
    }
  }
  const heat: Obj[] = [];
  const kw = at(profiles, 'heatMap', 'kw');
  const samples = at(profiles, 'heatMap', 'samples');
  if (Array.isArray(kw)) {
    kw.forEach((hours: unknown, day) => {
      if (!Array.isArray(hours)) return;
      const s = Array.isArray(samples) ? samples[day] : undefined;
      hours.forEach((v: unknown, hour) => heat.push({ dayOfWeek: day, day: DAY_NAMES[day] ?? null, hour, kw: v, samples: Array.isArray(s) ? s[hour] : null }));
    });
  }
  return [
    objectBlock(doc, base, ['monthly', 'heatMap', 'durationCurve']),
    tableBlock(`${base.join('.')}.monthly`, monthly, ['month', 'slot', 'time', 'weekdayKw', 'weekdaySamples', 'weekendKw', 'weekendSamples']),
    tableBlock(`${base.join('.')}.heatMap`, heat, ['dayOfWeek', 'day', 'hour', 'kw', 'samples']),
    listBlock(doc, [...base, 'durationCurve'], ['fraction', 'kw']),
  ];
}

/**
 * Item 5: one row per compared site (the item's top level, then `otherSites`), and the tariffs, months,
 * unavailable tariffs and reconstructed bills of every site, each row led by its siteId.
 */
function rateComparisonBlocks(doc: unknown): (Block | null)[] {
  const rc = at(doc, 'rateComparison');
  if (!isObj(rc)) return [statusBlock('rateComparison', NOT_IN_DOCUMENT)];
  const sites = [rc, ...objsAt(rc, 'otherSites')];
  if (typeof rc.status === 'string' && sites.length === 1 && objsAt(rc, 'tariffs').length === 0) {
    return [statusBlock('rateComparison', rc.status)];
  }
  const perSite = (f: (site: Obj) => Obj[]): Obj[] => sites.flatMap((site) => f(site).map((row) => ({ siteId: site.siteId, ...row })));
  const siteRows = sites.map((site) => flatten(site, ['tariffs', 'unavailable', 'billReconstruction', 'otherSites']));
  const reconstruction = sites.flatMap((site) => (isObj(site.billReconstruction) ? [{ siteId: site.siteId, ...flatten(site.billReconstruction, ['bills']) }] : []));
  return [
    tableBlock('rateComparison', siteRows, ['siteId', 'current', 'cheapest', 'savingsUsd', 'incompleteMonths']),
    tableBlock('rateComparison.tariffs', perSite((s) => objsAt(s, 'tariffs').map((t) => flatten(t, ['monthly']))), ['siteId', 'id', 'name', 'totalUsd']),
    tableBlock('rateComparison.monthly', perSite((s) => objsAt(s, 'tariffs').flatMap((t) => objsAt(t, 'monthly').map((m) => ({ tariffId: t.id, ...m })))),
      ['siteId', 'tariffId', 'month', 'energyUsd', 'demandUsd', 'fixedUsd', 'minChargeAdjustmentUsd', 'totalUsd', 'complete']),
    tableBlock('rateComparison.unavailable', perSite((s) => objsAt(s, 'unavailable')), ['siteId', 'id', 'code', 'reason']),
    tableBlock('rateComparison.billReconstruction', reconstruction, ['siteId', 'tariffId', 'tolerancePct', 'billsCompared', 'withinTolerance', 'maxAbsDifferencePct', 'summary']),
    tableBlock('rateComparison.billReconstruction.bills', perSite((s) => objsAt(s, 'billReconstruction', 'bills')),
      ['siteId', 'billId', 'periodStart', 'periodEnd', 'billedUsd', 'computedUsd', 'differencePct', 'withinTolerance', 'complete']),
  ];
}

/** Requirements and equipment per site when the document has `sites`, else the flat lists. */
function powerQualityBlocks(doc: unknown): (Block | null)[] {
  const sites = objsAt(doc, 'powerQuality', 'sites');
  const perSite = (key: string): Obj[] | null =>
    Array.isArray(at(doc, 'powerQuality', 'sites'))
      ? sites.flatMap((s) => {
          const list = at(s, key);
          return Array.isArray(list) ? list.map((v: unknown) => (isObj(v) ? { siteId: s.siteId, ...v } : { siteId: s.siteId, requirement: v })) : [];
        })
      : null;
  const requirements = perSite('requirements');
  const equipment = perSite('equipment');
  const flatRequirements = at(doc, 'powerQuality', 'requirements');
  return [
    requirements
      ? tableBlock('powerQuality.requirements', requirements, ['siteId', 'requirement'])
      : tableBlock('powerQuality.requirements', Array.isArray(flatRequirements) ? flatRequirements.map((r) => ({ requirement: r })) : [], ['requirement']),
    equipment ? tableBlock('powerQuality.equipment', equipment, ['siteId', 'kind', 'kva', 'serves']) : listBlock(doc, ['powerQuality', 'equipment'], ['kind', 'kva', 'serves']),
    objectBlock(doc, ['powerQuality', 'voltage']),
    objectBlock(doc, ['powerQuality', 'events']),
    objectBlock(doc, ['powerQuality', 'harmonics']),
  ];
}

function oneLineBlocks(doc: unknown): Block[] {
  const level = new Map<string, number>();
  const levels = at(doc, 'oneLine', 'levels');
  if (Array.isArray(levels)) levels.forEach((row: unknown, i) => Array.isArray(row) && row.forEach((id: unknown) => typeof id === 'string' && level.set(id, i)));
  const nodes = objsAt(doc, 'oneLine', 'nodes').map((n) => ({ id: n.id, kind: n.kind, name: n.name ?? null, level: typeof n.id === 'string' ? (level.get(n.id) ?? null) : null, ...n }));
  return [tableBlock('oneLine.nodes', nodes, ['id', 'kind', 'name', 'level']), listBlock(doc, ['oneLine', 'edges'], ['from', 'to'])];
}

function forecastBlocks(doc: unknown): (Block | null)[] {
  const only = onlyStatus(doc, 'forecast', ['dayAhead', 'monthly', 'backtest']);
  if (only) return [only];
  return [
    listBlock(doc, ['forecast', 'dayAhead'], ['ts', 'kw', 'low', 'high']),
    listBlock(doc, ['forecast', 'monthly'], ['month', 'kwh', 'peakKw']),
    objectBlock(doc, ['forecast', 'backtest'], [], ['cvrmse', 'nmbe', 'mape', 'baseline.cvrmse', 'baseline.nmbe', 'baseline.mape']),
  ];
}

const MONTHLY_QUANTITY = ['month', 'quantity', 'unit', 'meterId', 'completeness'];
const TRANSFORMER = [
  'id', 'siteId', 'kva', 'primaryKv', 'secondaryV', 'cooling', 'meterIds', 'installedOn',
  'peakLoadPct', 'peakAt', 'hoursOverloaded', 'averageLoadPct', 'completeness', 'equivalentAgingFactor', 'lossOfLifeHours',
  'maintenance.last.date', 'maintenance.last.kind', 'maintenance.last.result', 'maintenance.nextDue', 'maintenance.overdue',
];

/** The whole document as CSV blocks, in the CONTRACT's item order after `account` and `period`. */
export function section4Csv(doc: Section4): string {
  const factorsCols = ['loadFactor', 'powerFactor', 'direction', 'powerFactorAtPeak', 'belowThresholdShare', 'completeness'];
  return render([
    objectBlock(doc, ['account'], ['sites'], ['id', 'name', 'segment']),
    listBlock(doc, ['account', 'sites'], ['id', 'name', 'timezone']),
    objectBlock(doc, ['period'], [], ['from', 'to', 'timezone']),
    // 1 consumption
    objectBlock(doc, ['consumption', 'electric'], ['monthly', 'annual', 'daily', 'profiles']),
    listBlock(doc, ['consumption', 'electric', 'monthly'], ['month', 'kwh', 'peakKw', 'peakAt', 'completeness']),
    listBlock(doc, ['consumption', 'electric', 'annual'], ['year', 'kwh', 'peakKw', 'peakAt', 'completeness']),
    listBlock(doc, ['consumption', 'electric', 'daily'], ['date', 'kwh', 'completeness']),
    ...profileBlocks(doc),
    listBlock(doc, ['consumption', 'gas', 'monthly'], MONTHLY_QUANTITY),
    listBlock(doc, ['consumption', 'water', 'monthly'], MONTHLY_QUANTITY),
    // 2 energy cost share
    listBlock(doc, ['energyCostShare', 'annual'], ['year', 'energyCostUsd', 'facilityCostUsd', 'share']),
    // 3 load and power factors
    objectBlock(doc, ['factors'], ['monthly', 'annual']),
    listBlock(doc, ['factors', 'monthly'], ['month', ...factorsCols]),
    listBlock(doc, ['factors', 'annual'], ['year', ...factorsCols]),
    // 4 share of the system's consumption
    listBlock(doc, ['systemShare', 'monthly'], ['month', 'accountKwh', 'systemKwh', 'share', 'completeness']),
    listBlock(doc, ['systemShare', 'annual'], ['year', 'accountKwh', 'systemKwh', 'share', 'months']),
    // 5 rate comparison
    ...rateComparisonBlocks(doc),
    // 6 transformers, 7 equipment, 8 power quality, 9 one-line diagram
    listBlock(doc, ['transformers'], TRANSFORMER),
    listBlock(doc, ['equipment'], ['siteId', 'id', 'kind', 'description', 'ratedKw']),
    ...powerQualityBlocks(doc),
    ...oneLineBlocks(doc),
    // 10 outages
    listBlock(doc, ['outages', 'annual'], ['year', 'sustained', 'momentary', 'minutes', 'longestMinutes']),
    listBlock(doc, ['outages', 'system'], ['year', 'saifi', 'saidi', 'caidi', 'maifi']),
    // 11 billing
    objectBlock(doc, ['billing'], ['bills', 'payments', 'annual'], ['averageDaysToPay', 'latePayments']),
    listBlock(doc, ['billing', 'annual'], ['year', 'billedUsd', 'paidUsd', 'bills', 'latePayments']),
    listBlock(doc, ['billing', 'bills'], ['id', 'siteId', 'periodStart', 'periodEnd', 'kwh', 'peakKw', 'amountUsd', 'issuedOn', 'dueOn']),
    listBlock(doc, ['billing', 'payments'], ['billId', 'paidOn', 'amountUsd']),
    // 12 forecast
    ...forecastBlocks(doc),
  ]);
}
