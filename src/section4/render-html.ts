/**
 * The Section 4 document as a printable page (CONTRACT.md: `Accept: text/html`): one self-contained
 * HTML5 file (inline CSS with print rules, inline SVG charts, no scripts, fonts or other external
 * resources; a Content-Security-Policy that forbids them all) with a section per Section 4 item in the
 * CONTRACT's order. Every string taken from the document is escaped: account, site and equipment
 * names are user input. Items the document marks "not yet available" say so.
 *
 * The page is a readable summary of the same figures: the daily totals and the 7 x 24 heat map stay
 * in the JSON and the CSV.
 */
import { oneLine, oneLineSvg, type SupplyPathNode } from '../core/one-line.js';
import { utcOffsetMs } from '../core/time-zone.js';
import type { Section4 } from './build.js';
import { at, flatten, isObj, objsAt, slotTime, statusAt, type Obj } from './render-csv.js';
import { barChart, htmlPageStart, lineChart, xmlEscape as esc } from './svg-charts.js';

/** What an empty figure shows. */
const NONE = '\u2014';
const HOURS_PER_DAY = 24;
/** A tick every 3 hours on the 24-hour profile axis. */
const PROFILE_TICK_HOURS = 3;
const DURATION_TICKS = [0, 25, 50, 75, 100];
/** Percentages below this (in %) keep 2 significant digits instead of showing 0.0%. */
const SMALL_PERCENT = 0.1;

const CSS = `
:root { color-scheme: light; }
body { font: 10.5pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111; max-width: 1000px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 18pt; margin: 0 0 4px; }
h2 { font-size: 13pt; border-bottom: 1px solid #999; padding-bottom: 2px; margin: 28px 0 8px; }
h3 { font-size: 11pt; margin: 16px 0 6px; }
.meta { color: #444; margin: 2px 0; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 9.5pt; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status { font-style: italic; color: #555; }
.overdue { color: #a00; font-weight: bold; }
figure { margin: 8px 0 16px; }
svg { max-width: 100%; height: auto; }
nav ol { columns: 2; margin: 8px 0; }
@page { margin: 15mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 9.5pt; }
  nav { display: none; }
  h2, h3 { break-after: avoid; }
  figure, tr, svg { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}`;

// ---- formatting: every function returns plain text, escaped where it is put into the page ----

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Thousands separators, at most `maxDecimals` decimals. */
export function fmtNumber(v: unknown, maxDecimals = 1): string {
  return isNum(v) ? new Intl.NumberFormat('en-US', { maximumFractionDigits: maxDecimals }).format(v) : NONE;
}

/** A percentage, 1 decimal (tiny non-zero shares, as of a utility's system, keep 2 significant digits). */
export function fmtPercent(percent: unknown): string {
  if (!isNum(percent)) return NONE;
  const small = percent !== 0 && Math.abs(percent) < SMALL_PERCENT;
  const options: Intl.NumberFormatOptions = small ? { maximumSignificantDigits: 2 } : { minimumFractionDigits: 1, maximumFractionDigits: 1 };
  return `${new Intl.NumberFormat('en-US', options).format(percent)}%`;
}

const fmtShare = (fraction: unknown): string => (isNum(fraction) ? fmtPercent(fraction * 100) : NONE);
const fmtUsd = (v: unknown): string => (isNum(v) ? new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(v) : NONE);
/** Power factor and other ratios: as the document rounds them (4 decimals). */
const fmtRatio = (v: unknown): string => fmtNumber(v, 4);

/** Any document value as text: strings as they are, lists joined, numbers with separators. */
function fmtText(v: unknown): string {
  if (v === null || v === undefined || v === '') return NONE;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return fmtNumber(v, 4);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.length === 0 ? NONE : v.map(fmtText).join(', ');
  return JSON.stringify(v);
}

/** An instant (`...Z`) as local wall-clock time in the document's zone: "2026-01-01 06:00". */
function fmtLocal(v: unknown, timeZone: string): string {
  if (typeof v !== 'string') return NONE;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) return v;
  try {
    return new Date(ms + utcOffsetMs(timeZone, ms)).toISOString().slice(0, 16).replace('T', ' ');
  } catch {
    return v; // not an IANA zone: show the instant as given
  }
}

// ---- building blocks ----

interface Col {
  label: string;
  cell: (row: Obj) => string;
  num?: boolean;
  /** An extra class for a cell, from its row (e.g. `overdue`). */
  flag?: (row: Obj) => string | null;
}

function table(cols: readonly Col[], rows: readonly Obj[]): string {
  if (rows.length === 0) return '<p class="status">No records.</p>';
  const cls = (c: Col, r?: Obj) => {
    const names = [c.num ? 'num' : null, r && c.flag ? c.flag(r) : null].filter((x) => x !== null);
    return names.length ? ` class="${names.join(' ')}"` : '';
  };
  const head = `<thead><tr>${cols.map((c) => `<th${cls(c)}>${esc(c.label)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${cols.map((c) => `<td${cls(c, r)}>${esc(c.cell(r))}</td>`).join('')}</tr>`).join('\n');
  return `<table>${head}<tbody>\n${body}\n</tbody></table>`;
}

/** One object as a two-column table of its (flattened) fields. */
function fieldsTable(o: Obj, omit: readonly string[] = []): string {
  const rows = Object.entries(flatten(o, omit)).map(([k, v]) => ({ k, v }));
  return table([{ label: 'Field', cell: (r) => String(r.k) }, { label: 'Value', cell: (r) => fmtText(r.v) }], rows);
}

/** Extra columns for fields the known columns do not cover (equipment registers vary by account). */
function extraCols(rows: readonly Obj[], known: readonly string[]): Col[] {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(flatten(r))) if (!known.includes(k) && !keys.includes(k)) keys.push(k);
  return keys.map((k) => ({ label: k, cell: (r: Obj) => fmtText(flatten(r)[k]) }));
}

const col = (label: string, key: string, f: (v: unknown) => string = fmtText, num = false): Col => ({ label, cell: (r) => f(r[key]), num });
const numCol = (label: string, key: string, f: (v: unknown) => string = (v) => fmtNumber(v)): Col => col(label, key, f, true);

function statusP(status: string): string {
  return `<p class="status">${esc(status.charAt(0).toUpperCase() + status.slice(1))}.</p>`;
}

function figure(svg: string): string {
  return `<figure>${svg}</figure>`;
}

function section(n: number, id: string, title: string, body: string): string {
  return `<section id="${id}">\n<h2>${n}. ${esc(title)}</h2>\n${body}\n</section>`;
}

// ---- the items ----

function consumptionSection(doc: Section4, tz: string): string {
  const e = at(doc, 'consumption', 'electric');
  const parts: string[] = ['<h3>Electric</h3>'];
  const status = statusAt(doc, 'consumption', 'electric');
  if (status) parts.push(statusP(status));
  if (isObj(e)) {
    const meters = Array.isArray(e.meters) ? e.meters.map(fmtText).join(', ') : null;
    if (meters) parts.push(`<p class="meta">Meters: ${esc(meters)}${isNum(e.intervalMinutes) ? `; ${esc(fmtNumber(e.intervalMinutes))}-minute intervals` : ''}.</p>`);
    const monthly = objsAt(e, 'monthly');
    if (monthly.length > 0) {
      if (monthly.some((m) => isNum(m.kwh))) parts.push(figure(barChart(monthly.map((m) => ({ label: fmtText(m.month), value: isNum(m.kwh) ? m.kwh : null })), {
        title: 'Monthly electric energy', yLabel: 'Energy (kWh)', xLabel: 'Month', unit: 'kWh',
      })));
      parts.push(table([
        col('Month', 'month'), numCol('Energy (kWh)', 'kwh'), numCol('Peak demand (kW)', 'peakKw'),
        col('Peak at (local time)', 'peakAt', (v) => fmtLocal(v, tz)), numCol('Completeness', 'completeness', fmtShare),
      ], monthly));
    }
    const annual = objsAt(e, 'annual');
    if (annual.length > 0) {
      parts.push('<h3>Electric, per year</h3>', table([
        col('Year', 'year', String), numCol('Energy (kWh)', 'kwh'), numCol('Peak demand (kW)', 'peakKw'),
        col('Peak at (local time)', 'peakAt', (v) => fmtLocal(v, tz)), numCol('Completeness', 'completeness', fmtShare),
      ], annual));
    }
    parts.push(profileFigures(e));
  }
  for (const commodity of ['gas', 'water'] as const) {
    parts.push(`<h3>${commodity === 'gas' ? 'Gas' : 'Water'}</h3>`);
    const s = statusAt(doc, 'consumption', commodity);
    const rows = objsAt(doc, 'consumption', commodity, 'monthly');
    if (s) parts.push(statusP(s));
    if (rows.length === 0) continue;
    const meters = new Set(rows.map((r) => `${fmtText(r.meterId)} ${fmtText(r.unit)}`));
    if (meters.size === 1 && rows.some((r) => isNum(r.quantity))) {
      const unit = fmtText(rows[0]!.unit);
      parts.push(figure(barChart(rows.map((r) => ({ label: fmtText(r.month), value: isNum(r.quantity) ? r.quantity : null })), {
        title: `Monthly ${commodity}`, yLabel: `Quantity (${unit})`, xLabel: 'Month', unit,
      })));
    }
    parts.push(table([col('Month', 'month'), col('Meter', 'meterId'), numCol('Quantity', 'quantity'), col('Unit', 'unit'), numCol('Completeness', 'completeness', fmtShare)], rows));
  }
  return parts.join('\n');
}

/** The average weekday and weekend day of the last month with data, and the load-duration curve. */
function profileFigures(electric: Obj): string {
  const p = electric.profiles;
  if (!isObj(p)) return '';
  const parts: string[] = ['<h3>Load profile</h3>'];
  const slotsPerDay = isNum(p.slotsPerDay) ? p.slotsPerDay : 0;
  const kwOf = (m: Obj, kind: string): (number | null)[] => {
    const v = at(m, kind, 'kw');
    return Array.isArray(v) ? v.map((x: unknown) => (isNum(x) ? x : null)) : [];
  };
  const withData = objsAt(p, 'monthly').filter((m) => [...kwOf(m, 'weekday'), ...kwOf(m, 'weekend')].some((x) => x !== null));
  const last = withData[withData.length - 1];
  if (last && slotsPerDay > 0) {
    const ticks = [];
    for (let h = 0; h < HOURS_PER_DAY; h += PROFILE_TICK_HOURS) ticks.push({ at: (h * slotsPerDay) / HOURS_PER_DAY, label: slotTime((h * slotsPerDay) / HOURS_PER_DAY, slotsPerDay) });
    parts.push(figure(lineChart([{ name: 'Weekday', values: kwOf(last, 'weekday') }, { name: 'Weekend', values: kwOf(last, 'weekend') }], {
      title: `Average weekday and weekend day, ${fmtText(last.month)}`, yLabel: 'Average demand (kW)', xLabel: 'Local time',
      xTicks: ticks, xMin: 0, xMax: slotsPerDay - 1, unit: 'kW',
    })));
  } else {
    parts.push('<p class="status">No interval data for a load profile.</p>');
  }
  const curve = objsAt(p, 'durationCurve').filter((d) => isNum(d.kw) && isNum(d.fraction));
  if (curve.length > 0) {
    parts.push(figure(lineChart([{ name: 'Demand', values: curve.map((d) => d.kw as number) }], {
      title: 'Load-duration curve', yLabel: 'Demand (kW)', xLabel: 'Share of intervals at or above the demand (%)',
      x: curve.map((d) => (d.fraction as number) * 100), xMin: 0, xMax: 100,
      xTicks: DURATION_TICKS.map((t) => ({ at: t, label: `${t}%` })), unit: 'kW',
    })));
  }
  const percentile = isNum(p.baseloadPercentile) ? `${fmtNumber(p.baseloadPercentile, 0)}th percentile` : 'percentile';
  parts.push(table([
    numCol('Peak demand (kW)', 'peakKw'), numCol(`Baseload (kW, ${percentile})`, 'baseloadKw'),
    numCol('Peak-to-base ratio', 'peakToBaseRatio', (v) => fmtNumber(v, 2)), numCol('Intervals', 'samples', (v) => fmtNumber(v, 0)),
  ], [p]));
  return parts.join('\n');
}

function factorsSection(doc: Section4): string {
  const threshold = at(doc, 'factors', 'powerFactorThreshold');
  const cols = (first: Col): Col[] => [
    first, numCol('Load factor', 'loadFactor', fmtShare), numCol('Power factor', 'powerFactor', fmtRatio), col('Direction', 'direction'),
    numCol('Power factor at peak', 'powerFactorAtPeak', fmtRatio), numCol(`Intervals below ${isNum(threshold) ? fmtRatio(threshold) : 'threshold'}`, 'belowThresholdShare', fmtShare),
    numCol('Completeness', 'completeness', fmtShare),
  ];
  return [
    '<h3>Per month</h3>', table(cols(col('Month', 'month')), objsAt(doc, 'factors', 'monthly')),
    '<h3>Per year</h3>', table(cols(col('Year', 'year', String)), objsAt(doc, 'factors', 'annual')),
  ].join('\n');
}

function systemShareSection(doc: Section4): string {
  const cols = (first: Col, last: Col): Col[] => [first, numCol('Account (kWh)', 'accountKwh'), numCol('System (kWh)', 'systemKwh'), numCol('Share', 'share', fmtShare), last];
  return [
    '<h3>Per month</h3>', table(cols(col('Month', 'month'), numCol('Completeness', 'completeness', fmtShare)), objsAt(doc, 'systemShare', 'monthly')),
    '<h3>Per year</h3>', table(cols(col('Year', 'year', String), numCol('Months', 'months', (v) => fmtNumber(v, 0))), objsAt(doc, 'systemShare', 'annual')),
  ].join('\n');
}

/** Item 5: for each compared site, its tariffs' totals and months, what could not be compared, and the bills reconstructed. */
function rateComparisonSection(doc: Section4): string {
  const rc = at(doc, 'rateComparison');
  if (!isObj(rc)) return statusP('not available');
  const sites = [rc, ...objsAt(rc, 'otherSites')];
  return sites.map((site) => rateComparisonSite(site, sites.length > 1)).join('\n');
}

function rateComparisonSite(rc: Obj, severalSites: boolean): string {
  const parts: string[] = [];
  if (severalSites) parts.push(`<h3>Site ${esc(fmtText(rc.siteId))}</h3>`);
  const status = str(rc.status);
  if (status) parts.push(statusP(status));
  const tariffs = objsAt(rc, 'tariffs');
  if (rc.current !== null || tariffs.length > 0) parts.push(`<p class="meta">Current rate: ${esc(fmtText(rc.current))}.</p>`);
  if (tariffs.length > 0) {
    parts.push(`<p class="meta">Cheapest: ${esc(fmtText(rc.cheapest))}; savings against the current rate: ${esc(fmtUsd(rc.savingsUsd))}.</p>`);
    const incomplete = Array.isArray(rc.incompleteMonths) ? rc.incompleteMonths.map(fmtText) : [];
    if (incomplete.length > 0) parts.push(`<p class="meta">Months with missing intervals, billed on the data present: ${esc(incomplete.join(', '))}.</p>`);
    parts.push(table([col('Tariff', 'id'), col('Name', 'name'), numCol('Total', 'totalUsd', fmtUsd)], tariffs));
    const months = [...new Set(tariffs.flatMap((t) => objsAt(t, 'monthly').map((m) => fmtText(m.month))))].sort();
    const rows = months.map((month) => {
      const row: Obj = { month };
      tariffs.forEach((t, i) => (row[`t${i}`] = objsAt(t, 'monthly').find((m) => fmtText(m.month) === month)?.totalUsd ?? null));
      return row;
    });
    parts.push('<h3>Per month</h3>', table([col('Month', 'month'), ...tariffs.map((t, i) => numCol(fmtText(t.id), `t${i}`, fmtUsd))], rows));
  }
  const unavailable = objsAt(rc, 'unavailable');
  if (unavailable.length > 0) parts.push('<h3>Not compared</h3>', table([col('Tariff', 'id'), col('Code', 'code'), col('Reason', 'reason')], unavailable));
  const rec = rc.billReconstruction;
  if (isObj(rec)) {
    parts.push('<h3>Bill reconstruction</h3>', `<p class="meta">Under ${esc(fmtText(rec.tariffId))}: ${esc(fmtText(rec.summary))}.</p>`);
    const bills = objsAt(rec, 'bills');
    if (bills.length > 0) {
      parts.push(table([
        col('Bill', 'billId'), col('From', 'periodStart'), col('To', 'periodEnd'), numCol('Billed', 'billedUsd', fmtUsd), numCol('Computed', 'computedUsd', fmtUsd),
        numCol('Difference', 'differencePct', fmtPercent), col(`Within ${fmtNumber(rec.tolerancePct, 2)}%`, 'withinTolerance'), col('Complete data', 'complete'),
      ], bills));
    }
  }
  return parts.join('\n');
}

function transformersSection(doc: Section4, tz: string): string {
  const rows = objsAt(doc, 'transformers');
  if (rows.length === 0) return '<p class="status">No transformers recorded.</p>';
  const aging = [...new Set(rows.map((r) => statusAt(r, 'aging')).filter((s) => s !== null))];
  const m = (r: Obj, ...path: string[]) => at(r, 'maintenance', ...path);
  return [
    '<h3>Nameplate and loading</h3>',
    table([
      col('Transformer', 'id'), col('Site', 'siteId'), numCol('Rating (kVA)', 'kva'), col('Cooling', 'cooling'), col('Meters', 'meterIds'),
      numCol('Peak load', 'peakLoadPct', fmtPercent), col('Peak at (local time)', 'peakAt', (v) => fmtLocal(v, tz)),
      numCol('Hours overloaded', 'hoursOverloaded', (v) => fmtNumber(v, 2)), numCol('Average load', 'averageLoadPct', fmtPercent),
      numCol('Aging factor', 'equivalentAgingFactor', (v) => fmtNumber(v, 3)), numCol('Loss of life (h)', 'lossOfLifeHours'),
    ], rows),
    ...aging.map((s) => `<p class="status">IEEE C57.91 aging: ${esc(s)}.</p>`),
    '<h3>Maintenance</h3>',
    table([
      col('Transformer', 'id'), col('Installed', 'installedOn'),
      { label: 'Last maintenance', cell: (r) => fmtText(m(r, 'last', 'date')) },
      { label: 'Kind', cell: (r) => fmtText(m(r, 'last', 'kind')) },
      { label: 'Result', cell: (r) => fmtText(m(r, 'last', 'result')) },
      { label: 'Next due', cell: (r) => fmtText(m(r, 'nextDue')) },
      { label: 'Overdue', cell: (r) => fmtText(m(r, 'overdue')), flag: (r) => (m(r, 'overdue') === true ? 'overdue' : null) },
    ], rows),
  ].join('\n');
}

function equipmentSection(doc: Section4): string {
  const rows = objsAt(doc, 'equipment');
  const known = ['siteId', 'id', 'kind', 'description', 'ratedKw'];
  return table([col('Site', 'siteId'), col('Equipment', 'id'), col('Kind', 'kind'), col('Description', 'description'), numCol('Rated (kW)', 'ratedKw'), ...extraCols(rows, known)], rows);
}

function powerQualitySection(doc: Section4): string {
  const parts: string[] = [];
  const sites = objsAt(doc, 'powerQuality', 'sites');
  const groups = sites.length > 0
    ? sites.map((s) => ({ site: fmtText(s.siteId), requirements: at(s, 'requirements'), equipment: objsAt(s, 'equipment') }))
    : [{ site: null, requirements: at(doc, 'powerQuality', 'requirements'), equipment: objsAt(doc, 'powerQuality', 'equipment') }];
  for (const g of groups) {
    if (g.site !== null) parts.push(`<h3>Site ${esc(g.site)}</h3>`);
    const reqs = Array.isArray(g.requirements) ? g.requirements.map(fmtText) : [];
    parts.push(reqs.length ? `<p>Requirements:</p><ul>${reqs.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '<p class="status">No requirements recorded.</p>');
    const known = ['kind', 'kva', 'serves'];
    parts.push(g.equipment.length ? table([col('Equipment', 'kind'), numCol('kVA', 'kva'), col('Serves', 'serves'), ...extraCols(g.equipment, known)], g.equipment) : '<p class="status">No mitigation equipment recorded.</p>');
  }
  const measured: [string, string][] = [['voltage', 'Voltage'], ['events', 'Sags, swells and interruptions'], ['harmonics', 'Harmonics']];
  for (const [key, title] of measured) {
    parts.push(`<h3>${esc(title)}</h3>`);
    const o = at(doc, 'powerQuality', key);
    const status = statusAt(doc, 'powerQuality', key);
    if (status) parts.push(statusP(status));
    if (isObj(o) && Object.keys(flatten(o, ['status'])).length > 0) parts.push(fieldsTable(o, ['status']));
    else if (!isObj(o)) parts.push(statusP('not available'));
  }
  return parts.join('\n');
}

/** Draws the supply path with core's oneLineSvg, rebuilding the graph (and its levels) from nodes and edges. */
function oneLineSection(doc: Section4): string {
  const nodes = objsAt(doc, 'oneLine', 'nodes').filter((n) => typeof n.id === 'string' && typeof n.kind === 'string');
  const edges = objsAt(doc, 'oneLine', 'edges').filter((e) => typeof e.from === 'string' && typeof e.to === 'string');
  const path: SupplyPathNode[] = nodes.map((n) => ({
    id: n.id as string, kind: n.kind as string, ...(typeof n.name === 'string' ? { name: n.name } : {}),
    from: edges.filter((e) => e.to === n.id).map((e) => e.from as string),
  }));
  let svg: string;
  try {
    svg = oneLineSvg(oneLine(path));
  } catch (err) {
    svg = `<p class="status">The supply path could not be drawn: ${esc(err instanceof Error ? err.message : String(err))}.</p>`;
  }
  const rows = path.map((n) => ({ id: n.id, kind: n.kind, name: n.name ?? null, from: n.from }));
  return [figure(svg), table([col('Node', 'id'), col('Kind', 'kind'), col('Name', 'name'), col('Fed from', 'from')], rows)].join('\n');
}

function outagesSection(doc: Section4): string {
  const parts: string[] = ['<h3>At this account</h3>'];
  const status = statusAt(doc, 'outages');
  const annual = objsAt(doc, 'outages', 'annual');
  if (status) parts.push(statusP(status));
  if (annual.length > 0 || !status) {
    parts.push(table([
      col('Year', 'year', String), numCol('Sustained', 'sustained', (v) => fmtNumber(v, 0)), numCol('Momentary events', 'momentary', (v) => fmtNumber(v, 0)),
      numCol('Minutes interrupted', 'minutes'), numCol('Longest (min)', 'longestMinutes'),
    ], annual));
  }
  parts.push('<h3>System indices (IEEE 1366)</h3>', table([
    col('Year', 'year', String), numCol('SAIFI', 'saifi', (v) => fmtNumber(v, 2)), numCol('SAIDI (min)', 'saidi'), numCol('CAIDI (min)', 'caidi'), numCol('MAIFI', 'maifi', (v) => fmtNumber(v, 2)),
  ], objsAt(doc, 'outages', 'system')));
  return parts.join('\n');
}

function billingSection(doc: Section4): string {
  const b = at(doc, 'billing');
  return [
    `<p class="meta">Average days to pay: ${esc(fmtNumber(at(b, 'averageDaysToPay')))}; late payments: ${esc(fmtNumber(at(b, 'latePayments'), 0))}.</p>`,
    '<h3>Per year</h3>',
    table([col('Year', 'year', String), numCol('Billed', 'billedUsd', fmtUsd), numCol('Paid', 'paidUsd', fmtUsd), numCol('Bills', 'bills', (v) => fmtNumber(v, 0)), numCol('Late payments', 'latePayments', (v) => fmtNumber(v, 0))], objsAt(b, 'annual')),
    '<h3>Bills</h3>',
    table([
      col('Bill', 'id'), col('Site', 'siteId'), col('Period start', 'periodStart'), col('Period end', 'periodEnd'), numCol('Energy (kWh)', 'kwh'),
      numCol('Peak (kW)', 'peakKw'), numCol('Amount', 'amountUsd', fmtUsd), col('Issued', 'issuedOn'), col('Due', 'dueOn'),
    ], objsAt(b, 'bills')),
    '<h3>Payments</h3>',
    table([col('Bill', 'billId'), col('Paid on', 'paidOn'), numCol('Amount', 'amountUsd', fmtUsd)], objsAt(b, 'payments')),
  ].join('\n');
}

function forecastSection(doc: Section4, tz: string): string {
  const f = at(doc, 'forecast');
  if (!isObj(f)) return statusP('not available');
  const parts: string[] = [];
  const status = str(f.status);
  if (status) parts.push(statusP(status));
  const dayAhead = objsAt(f, 'dayAhead');
  if (dayAhead.length > 0) {
    const v = (k: string) => dayAhead.map((d) => (isNum(d[k]) ? (d[k] as number) : null));
    const labels = dayAhead.map((d) => fmtLocal(d.ts, tz).slice(11));
    parts.push(figure(lineChart([{ name: 'Forecast', values: v('kw') }, { name: 'Low', values: v('low') }, { name: 'High', values: v('high') }], {
      title: 'Day-ahead forecast', yLabel: 'Average demand (kW)', xLabel: 'Local time', xLabels: labels, unit: 'kW',
    })));
  }
  const monthly = objsAt(f, 'monthly');
  if (monthly.length > 0) parts.push('<h3>Next 12 months</h3>', table([col('Month', 'month'), numCol('Energy (kWh)', 'kwh'), numCol('Peak demand (kW)', 'peakKw')], monthly));
  const backtest = at(f, 'backtest');
  if (isObj(backtest)) parts.push('<h3>Backtest</h3>', fieldsTable(backtest));
  return parts.join('\n');
}

const TITLES = [
  ['consumption', 'Consumption history and load profiles'],
  ['energy-cost-share', 'Energy cost as a share of facility costs'],
  ['factors', 'Load and power factors'],
  ['system-share', "Share of the utility's end-user consumption"],
  ['rate-comparison', 'Rate comparison'],
  ['transformers', 'Transformers'],
  ['equipment', 'Equipment'],
  ['power-quality', 'Power quality'],
  ['one-line', 'One-line diagram'],
  ['outages', 'Outages'],
  ['billing', 'Billing and payment history'],
  ['forecast', 'Forecast of power requirements'],
] as const;

/** The whole page. */
export function section4Html(doc: Section4): string {
  const name = fmtText(at(doc, 'account', 'name'));
  const id = fmtText(at(doc, 'account', 'id'));
  const from = fmtText(at(doc, 'period', 'from'));
  const to = fmtText(at(doc, 'period', 'to'));
  const tz = str(at(doc, 'period', 'timezone')) ?? 'UTC';
  const sites = objsAt(doc, 'account', 'sites').map((s) => `${fmtText(s.name)} (${fmtText(s.id)}, ${fmtText(s.timezone)})`);
  const segment = str(at(doc, 'account', 'segment'));
  const bodies = [
    consumptionSection(doc, tz),
    table([col('Year', 'year', String), numCol('Energy cost', 'energyCostUsd', fmtUsd), numCol('Facility cost', 'facilityCostUsd', fmtUsd), numCol('Share', 'share', fmtShare)], objsAt(doc, 'energyCostShare', 'annual')),
    factorsSection(doc),
    systemShareSection(doc),
    rateComparisonSection(doc),
    transformersSection(doc, tz),
    equipmentSection(doc),
    powerQualitySection(doc),
    oneLineSection(doc),
    outagesSection(doc),
    billingSection(doc),
    forecastSection(doc, tz),
  ];
  const title = `Section 4 energy profile: ${name}, ${from} to ${to}`;
  return [
    ...htmlPageStart(title, "default-src 'none'; style-src 'unsafe-inline'", CSS),
    '<header>',
    `<h1>Energy profile: ${esc(name)}</h1>`,
    `<p class="meta">Account ${esc(id)}${segment ? `, ${esc(segment)}` : ''}. Period ${esc(from)} to ${esc(to)} (${esc(tz)}), both days included.</p>`,
    sites.length ? `<p class="meta">Sites: ${esc(sites.join('; '))}.</p>` : '',
    `<nav><ol>${TITLES.map(([anchor, t]) => `<li><a href="#${anchor}">${esc(t)}</a></li>`).join('')}</ol></nav>`,
    '</header>',
    '<main>',
    ...TITLES.map(([anchor, t], i) => section(i + 1, anchor, t, bodies[i]!)),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
