/**
 * The customer energy report as one self-contained HTML page: inline CSS with print rules, the charts as
 * inline SVG, no scripts and no external resources, and a Content-Security-Policy that forbids both
 * (`default-src 'none'; style-src 'unsafe-inline'`), so the page is safe to open from an e-mail
 * attachment. Every text from the model is escaped (account and site names are user input).
 *
 * Each figure's cell carries `data-key` (its stable name) and `data-value` (the raw number), so that a
 * program can read the page without parsing formatted numbers.
 */
import { htmlPageStart, xmlEscape as esc } from '../section4/svg-charts.js';
import type { Comparison, Fact, ReportItem, ReportModel, ReportTable } from './model.js';

/** The CSP of the page, also sent as a header where the page is served over HTTP. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'";

const CSS = `
:root { color-scheme: light; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111; max-width: 900px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 19pt; margin: 0 0 4px; }
h2 { font-size: 13pt; border-bottom: 1px solid #999; padding-bottom: 2px; margin: 26px 0 8px; }
.meta { color: #444; margin: 2px 0; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 9.5pt; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; }
tbody th { font-weight: normal; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.na { font-style: italic; color: #555; }
.note { color: #444; font-size: 9pt; margin: 4px 0; }
figure { margin: 8px 0 14px; }
svg { max-width: 100%; height: auto; }
@page { margin: 15mm; }
@media print { body { margin: 0; max-width: none; padding: 0; } h2 { break-after: avoid; } figure, tr, svg { break-inside: avoid; } }`;

function cell(f: Fact): string {
  const value = f.value === null ? '' : ` data-value="${esc(String(f.value))}"`;
  const cls = f.value === null ? 'num na' : 'num';
  return `<td class="${cls}" data-key="${esc(f.key)}"${value}>${esc(f.text)}</td>`;
}

function comparisons(model: ReportModel, rows: readonly Comparison[]): string {
  if (rows.length === 0) return '';
  return [
    '<table class="comparison">',
    `<thead><tr><th></th><th class="num">${esc(model.period.label)}</th><th class="num">${esc(model.previous.label)}</th><th class="num">Change</th></tr></thead>`,
    '<tbody>',
    ...rows.map((c) => `<tr data-key="${esc(c.key)}"><th>${esc(c.label)}</th>${cell(c.current)}${cell(c.previous)}<td class="num">${esc(c.change)}</td></tr>`),
    '</tbody></table>',
  ].join('\n');
}

function facts(rows: readonly Fact[]): string {
  if (rows.length === 0) return '';
  return ['<table class="facts"><tbody>', ...rows.map((f) => `<tr><th>${esc(f.label)}</th>${cell(f)}</tr>`), '</tbody></table>'].join('\n');
}

function table(t: ReportTable): string {
  const cls = (numeric?: boolean) => (numeric ? ' class="num"' : '');
  return [
    `<table><caption>${esc(t.caption)}</caption>`,
    `<thead><tr>${t.columns.map((c) => `<th${cls(c.numeric)}>${esc(c.label)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...t.rows.map((r) => `<tr>${r.map((v, i) => `<td${cls(t.columns[i]?.numeric)}>${esc(v)}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
}

function section(model: ReportModel, item: ReportItem, n: number): string {
  const parts = [`<section id="${esc(item.id)}" data-item="${esc(item.id)}"${item.unavailable ? ' data-unavailable=""' : ''}>`, `<h2>${n}. ${esc(item.title)}</h2>`];
  if (item.unavailable) parts.push(`<p class="na">Not available: ${esc(item.unavailable)}.</p>`);
  parts.push(comparisons(model, item.comparisons), facts(item.facts));
  // The charts are SVG text built by svg-charts.ts, which escapes every label it draws.
  for (const c of item.charts) parts.push(`<figure>${c.svg}</figure>`);
  for (const t of item.tables) parts.push(table(t));
  for (const note of item.notes) parts.push(`<p class="note">${esc(note)}</p>`);
  parts.push('</section>');
  return parts.filter((p) => p !== '').join('\n');
}

/** The whole page, UTF-8 text. */
export function reportHtml(model: ReportModel): string {
  const { account, period, previous } = model;
  const title = `Energy report: ${account.name}, ${period.label}`;
  return [
    ...htmlPageStart(title, REPORT_CSP, CSS),
    '<header>',
    `<h1>Energy report: <span data-key="accountName">${esc(account.name)}</span></h1>`,
    `<p class="meta">Account ${esc(account.id)}${account.sites.length ? `, ${esc(account.sites.join(', '))}` : ''}.</p>`,
    `<p class="meta">Period <span data-key="period">${esc(period.label)}</span>: ${esc(period.from)} to ${esc(period.to)}, local time (${esc(period.timezone)}); compared with ${esc(previous.label)}.</p>`,
    `<p class="meta">Made ${esc(model.generatedAt)}.</p>`,
    '</header>',
    '<main>',
    ...model.items.map((item, i) => section(model, item, i + 1)),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
