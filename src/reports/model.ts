/**
 * The customer energy report as a format-neutral model: one list of items, each with its figures already
 * formatted, its tables and its charts (SVG text from src/section4/svg-charts.ts). The HTML page
 * (render-html.ts) and the PDF (render-pdf.ts) both draw this model, so they always show the same
 * figures and say "not available" in the same places.
 *
 * Everything here comes from two Section 4 documents (src/section4/build.ts): one for the report period
 * and one for the same period a year earlier. Periods never cross a calendar year, so the document's
 * single `annual` row is the period itself (its kWh, peak, load factor and power factor are computed over
 * the period's intervals; only its `completeness`, which is relative to the whole year, is recomputed
 * here from the months).
 */
import { at, isObj, objsAt, statusAt, type Obj } from '../section4/render-csv.js';
import type { Section4 } from '../section4/build.js';
import type { ReportPeriod } from './period.js';

/** What a figure, a table cell or an item shows when the data behind it is missing. */
export const NOT_AVAILABLE = 'not available';

export interface Fact {
  /** Stable machine name (`energyKwh`): the HTML carries it as `data-key` for tests and scrapers. */
  key: string;
  label: string;
  /** The raw value (null: not available); the HTML carries it as `data-value`. */
  value: number | string | null;
  /** The value as shown: number with separators and unit, or NOT_AVAILABLE. */
  text: string;
}

/** A figure against the same period last year. */
export interface Comparison {
  key: string;
  label: string;
  current: Fact;
  previous: Fact;
  /** (current - previous) / |previous| as shown ("+4.2%"), or NOT_AVAILABLE. */
  change: string;
}

export interface ReportTable {
  caption: string;
  columns: { label: string; numeric?: boolean }[];
  rows: string[][];
}

export interface ReportChart {
  title: string;
  /** One chart of src/section4/svg-charts.ts: drawn inline in HTML and replayed as vectors in the PDF. */
  svg: string;
}

export interface ReportItem {
  id: string;
  title: string;
  /** Set when the whole item has no figures: why ("not yet available", "no interval data in this period"). */
  unavailable?: string;
  comparisons: Comparison[];
  facts: Fact[];
  tables: ReportTable[];
  charts: ReportChart[];
  /** Short sentences under the figures: sources, definitions, partial availability. */
  notes: string[];
}

export interface ReportModel {
  account: { id: string; name: string; sites: string[] };
  period: ReportPeriod & { timezone: string };
  previous: ReportPeriod;
  /** RFC 3339 instant the report was made. */
  generatedAt: string;
  items: ReportItem[];
}

/** The two Section 4 documents a report is built from. */
export interface ReportSources {
  period: ReportPeriod;
  previous: ReportPeriod;
  current: Section4;
  lastYear: Section4;
  generatedAtMs: number;
}

// ---- formatting ----

export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Thousands separators, at most `maxDecimals` decimals; NOT_AVAILABLE for a missing value. */
export function fmtNumber(v: unknown, maxDecimals = 1, unit?: string): string {
  if (!isNum(v)) return NOT_AVAILABLE;
  const text = new Intl.NumberFormat('en-US', { maximumFractionDigits: maxDecimals }).format(v);
  return unit ? `${text} ${unit}` : text;
}

export function fmtUsd(v: unknown): string {
  return isNum(v) ? new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(v) : NOT_AVAILABLE;
}

/** A fraction as a percentage with 1 decimal (0.6543 -> "65.4%"). */
export function fmtShare(v: unknown): string {
  return isNum(v) ? `${new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v * 100)}%` : NOT_AVAILABLE;
}

/** A signed change as a percentage ("+4.2%", "-0.3%"). */
export function fmtChange(current: unknown, previous: unknown): string {
  if (!isNum(current) || !isNum(previous) || previous === 0) return NOT_AVAILABLE;
  const pct = ((current - previous) / Math.abs(previous)) * 100;
  const text = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(pct);
  return `${text}%`;
}

export function fact(key: string, label: string, value: number | string | null | undefined, text: (v: number | string) => string): Fact {
  const v = value === undefined ? null : value;
  return { key, label, value: v, text: v === null || (typeof v === 'number' && !Number.isFinite(v)) ? NOT_AVAILABLE : text(v) };
}

export function comparison(key: string, label: string, current: number | null, previous: number | null, format: (v: number) => string): Comparison {
  const f = (v: number | string) => format(v as number);
  return { key, label, current: fact(key, label, current, f), previous: fact(`${key}LastYear`, label, previous, f), change: fmtChange(current, previous) };
}

/** An item with no figures, only the reason. */
export function unavailableItem(id: string, title: string, reason: string, notes: string[] = []): ReportItem {
  return { id, title, unavailable: reason, comparisons: [], facts: [], tables: [], charts: [], notes };
}

export function emptyItem(id: string, title: string): ReportItem {
  return { id, title, comparisons: [], facts: [], tables: [], charts: [], notes: [] };
}

// ---- reading the Section 4 document ----

/** A number at a path, or null. */
export function numAt(x: unknown, ...path: string[]): number | null {
  const v = at(x, ...path);
  return isNum(v) ? v : null;
}

export function strAt(x: unknown, ...path: string[]): string | null {
  const v = at(x, ...path);
  return typeof v === 'string' ? v : null;
}

/** The single `annual` row of a one-period document at `path` (periods never cross a year). */
export function periodRow(doc: Section4, ...path: string[]): Obj | null {
  const rows = objsAt(doc, ...path, 'annual');
  return rows.length === 1 ? rows[0]! : null;
}

/**
 * Whether the period has electric interval data at all. Analyses of interval data (rate comparison,
 * outages inferred from reporting gaps) give zeros for a period without any: those zeros are not figures.
 */
export function hasElectricData(doc: Section4): boolean {
  return numAt(periodRow(doc, 'consumption', 'electric'), 'kwh') !== null;
}

/** The status of an item still being built elsewhere (`not yet available`), or null when it has figures. */
export function pendingStatus(doc: Section4, ...path: string[]): string | null {
  const item = at(doc, ...path);
  if (item === undefined || item === null) return NOT_AVAILABLE;
  if (!isObj(item)) return null;
  return statusAt(doc, ...path);
}

export { at, isObj, objsAt, type Obj };
