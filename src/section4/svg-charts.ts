/**
 * Small SVG charts for the printable Section 4 page (render-html.ts): a bar chart (monthly kWh) and a
 * line chart (average weekday/weekend day, load-duration curve). Pure functions from numbers to SVG
 * text: a fixed viewBox, no scripts, no ids (several charts share one page), no external fonts or
 * styles, every text escaped. A null or non-finite value is a gap: no bar, a break in the line; it is
 * never drawn as zero.
 */

export interface ChartOptions {
  /** Drawn at the top and used as the accessible name. */
  title: string;
  /** The y-axis title, with its unit: "Energy (kWh)". */
  yLabel: string;
  /** The x-axis title, with its unit where it has one. */
  xLabel?: string;
  /** Size of the viewBox in user units; defaults DEFAULT_WIDTH x DEFAULT_HEIGHT. */
  width?: number;
  height?: number;
  /** Appended to values in the tooltips: "kWh". */
  unit?: string;
}

export interface BarPoint {
  label: string;
  value: number | null;
}

export interface LineSeries {
  name: string;
  values: readonly (number | null)[];
}

export interface LineChartOptions extends ChartOptions {
  /** The x coordinate of each value index (shared by all series); default the index itself. */
  x?: readonly number[];
  /** Ticks on the x axis in x units; default one per index labelled by `xLabels`, thinned to fit. */
  xTicks?: readonly { at: number; label: string }[];
  /** Labels per value index, used when `xTicks` is absent. */
  xLabels?: readonly string[];
  /** Range of the x axis; default the range of the x coordinates. */
  xMin?: number;
  xMax?: number;
}

export const DEFAULT_WIDTH = 720;
export const DEFAULT_HEIGHT = 300;
/** Room left of the y tick labels for the rotated y-axis title. */
const Y_TITLE_ROOM = 30;
const MIN_MARGIN_LEFT = 56;
/** Half of a centred x tick label ("100%") must fit right of the plot. */
const MARGIN_RIGHT = 28;
const MARGIN_TOP = 40;
const MARGIN_BOTTOM = 52;
const FONT_SIZE = 11;
/** Rough width of one character of an 11 px sans-serif label, for thinning tick labels. */
const CHAR_W = 6.2;
const LABEL_GAP = 10;
const Y_TICKS = 5;
const BAR_FILL = 0.7;
const LEGEND_ENTRY_W = 130;
/** Distinguishable in colour and, by the dash pattern, on a black-and-white printout. */
const SERIES_STYLES = [
  { color: '#1f5fa8', dash: '' },
  { color: '#c0561b', dash: '6 3' },
  { color: '#2e7d4f', dash: '2 2' },
  { color: '#7a1f7a', dash: '8 3 2 3' },
] as const;

/** Escapes text for XML character data and attribute values (also valid inside HTML). */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
/** A coordinate to 0.1 user unit: enough for print, and no float noise in the text. */
const c = (n: number): string => String(Math.round(n * 10) / 10);

/** The decimals a tick step needs (0.25 -> 2, 2.5 -> 1, 500 -> 0). */
function stepDecimals(step: number): number {
  for (let d = 0; d < 8; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 8;
}

function formatNumber(v: number, maxDecimals: number): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: maxDecimals }).format(v);
}

/** The tooltip form of a value: thousands separators, at most 3 decimals, the unit after it. */
function valueText(v: number, unit: string | undefined): string {
  return formatNumber(v, 3) + (unit ? ` ${unit}` : '');
}

interface Scale {
  min: number;
  max: number;
  step: number;
  ticks: number[];
}

/** A "nice" axis (steps of 1, 2, 2.5 or 5 x 10^n) covering the values and zero. */
export function niceScale(values: readonly number[], tickCount = Y_TICKS): Scale {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) hi = lo + 1;
  const raw = (hi - lo) / tickCount;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  const step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0; min + i * step <= max + step / 2; i++) ticks.push(Number((min + i * step).toPrecision(12)));
  return { min, max, step, ticks };
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  y: (v: number) => number;
  scale: Scale;
}

function frameOf(opts: ChartOptions, values: readonly number[]): Frame {
  const width = opts.width ?? DEFAULT_WIDTH;
  const height = opts.height ?? DEFAULT_HEIGHT;
  const scale = niceScale(values);
  const decimals = stepDecimals(scale.step);
  const widestTick = Math.max(...scale.ticks.map((t) => formatNumber(t, decimals).length));
  const left = Math.max(MIN_MARGIN_LEFT, Math.ceil(widestTick * CHAR_W + Y_TITLE_ROOM));
  const top = MARGIN_TOP;
  const bottom = height - MARGIN_BOTTOM;
  return {
    width, height, left, right: width - MARGIN_RIGHT, top, bottom, scale,
    y: (v) => bottom - ((v - scale.min) / (scale.max - scale.min)) * (bottom - top),
  };
}

function open(f: Frame, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" ` +
    `role="img" aria-label="${xmlEscape(title)}" font-family="sans-serif" font-size="${FONT_SIZE}">` +
    `<title>${xmlEscape(title)}</title>` +
    `<text x="${c(f.width / 2)}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${xmlEscape(title)}</text>`
  );
}

/** Gridlines, y ticks, both axis lines and both axis titles. */
function axes(f: Frame, opts: ChartOptions): string {
  const decimals = stepDecimals(f.scale.step);
  const parts: string[] = [];
  for (const t of f.scale.ticks) {
    const y = c(f.y(t));
    parts.push(
      `<line x1="${f.left}" y1="${y}" x2="${f.right}" y2="${y}" stroke="#ddd" stroke-width="1"/>` +
        `<text x="${f.left - 6}" y="${y}" dy="0.35em" text-anchor="end" fill="#333">${xmlEscape(formatNumber(t, decimals))}</text>`,
    );
  }
  const zero = f.scale.min <= 0 && f.scale.max >= 0 ? f.y(0) : f.bottom;
  parts.push(`<line x1="${f.left}" y1="${f.top}" x2="${f.left}" y2="${f.bottom}" stroke="#333" stroke-width="1"/>`);
  parts.push(`<line x1="${f.left}" y1="${c(zero)}" x2="${f.right}" y2="${c(zero)}" stroke="#333" stroke-width="1"/>`);
  const midY = (f.top + f.bottom) / 2;
  parts.push(`<text x="16" y="${c(midY)}" text-anchor="middle" transform="rotate(-90 16 ${c(midY)})" fill="#333">${xmlEscape(opts.yLabel)}</text>`);
  if (opts.xLabel) parts.push(`<text x="${c((f.left + f.right) / 2)}" y="${f.height - 8}" text-anchor="middle" fill="#333">${xmlEscape(opts.xLabel)}</text>`);
  return parts.join('');
}

function noData(f: Frame): string {
  return `<text x="${c((f.left + f.right) / 2)}" y="${c((f.top + f.bottom) / 2)}" text-anchor="middle" fill="#777">No data</text>`;
}

/** Every k-th of n labels, k chosen so that labels of the widest length do not overlap in `room` units. */
function labelEvery(labels: readonly string[], room: number): number {
  const widest = Math.max(1, ...labels.map((l) => l.length)) * CHAR_W + LABEL_GAP;
  return Math.max(1, Math.ceil((labels.length * widest) / Math.max(1, room)));
}

function xTick(x: number, f: Frame, label: string): string {
  return (
    `<line x1="${c(x)}" y1="${f.bottom}" x2="${c(x)}" y2="${f.bottom + 4}" stroke="#333" stroke-width="1"/>` +
    `<text x="${c(x)}" y="${f.bottom + 16}" text-anchor="middle" fill="#333">${xmlEscape(label)}</text>`
  );
}

/** A bar per point, in order; a null value leaves its slot empty. */
export function barChart(points: readonly BarPoint[], opts: ChartOptions): string {
  const present = points.map((p) => p.value).filter(finite);
  const f = frameOf(opts, present);
  const parts: string[] = [open(f, opts.title), axes(f, opts)];
  const n = points.length;
  if (present.length === 0) parts.push(noData(f));
  if (n > 0) {
    const band = (f.right - f.left) / n;
    const every = labelEvery(points.map((p) => p.label), f.right - f.left);
    points.forEach((p, i) => {
      const x0 = f.left + i * band;
      if (finite(p.value)) {
        const yA = f.y(Math.max(p.value, 0));
        const yB = f.y(Math.min(p.value, 0));
        parts.push(
          `<rect x="${c(x0 + (band * (1 - BAR_FILL)) / 2)}" y="${c(yA)}" width="${c(band * BAR_FILL)}" height="${c(yB - yA)}" fill="${SERIES_STYLES[0].color}">` +
            `<title>${xmlEscape(`${p.label}: ${valueText(p.value, opts.unit)}`)}</title></rect>`,
        );
      }
      if (i % every === 0) parts.push(xTick(x0 + band / 2, f, p.label));
    });
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** One line per series over shared x coordinates; nulls break the line, a lone point is a dot. */
export function lineChart(series: readonly LineSeries[], opts: LineChartOptions): string {
  const present = series.flatMap((s) => s.values.filter(finite));
  const f = frameOf(opts, present);
  const parts: string[] = [open(f, opts.title), axes(f, opts)];
  const length = Math.max(0, ...series.map((s) => s.values.length));
  const xs = Array.from({ length }, (_, i) => opts.x?.[i] ?? i);
  const finiteXs = xs.filter((v) => Number.isFinite(v));
  const xMin = opts.xMin ?? Math.min(0, ...finiteXs);
  let xMax = opts.xMax ?? Math.max(...finiteXs, xMin);
  if (xMax === xMin) xMax = xMin + 1;
  const px = (v: number) => f.left + ((v - xMin) / (xMax - xMin)) * (f.right - f.left);

  if (present.length === 0) parts.push(noData(f));
  const ticks = opts.xTicks ?? (opts.xLabels ?? []).map((label, i) => ({ at: xs[i] ?? i, label }));
  const every = opts.xTicks ? 1 : labelEvery(ticks.map((t) => t.label), f.right - f.left);
  ticks.forEach((t, i) => {
    if (i % every === 0 && t.at >= xMin && t.at <= xMax) parts.push(xTick(px(t.at), f, t.label));
  });

  series.forEach((s, k) => {
    const style = SERIES_STYLES[k % SERIES_STYLES.length]!;
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    let run: string[] = [];
    const flush = () => {
      if (run.length === 1) {
        const [x, y] = run[0]!.split(',');
        parts.push(`<circle cx="${x}" cy="${y}" r="2" fill="${style.color}"/>`);
      } else if (run.length > 1) {
        parts.push(`<polyline points="${run.join(' ')}" fill="none" stroke="${style.color}" stroke-width="1.75" stroke-linejoin="round"${dash}/>`);
      }
      run = [];
    };
    s.values.forEach((v, i) => {
      const x = xs[i]!;
      if (finite(v) && Number.isFinite(x)) run.push(`${c(px(x))},${c(f.y(v))}`);
      else flush();
    });
    flush();
    if (series.length < 2) return;
    // Legend, right-aligned under the title.
    const ly = 32;
    const lx = f.right - (series.length - k) * LEGEND_ENTRY_W;
    parts.push(
      `<g><line x1="${c(lx)}" y1="${ly}" x2="${c(lx + 22)}" y2="${ly}" stroke="${style.color}" stroke-width="2"${dash}/>` +
        `<text x="${c(lx + 27)}" y="${ly}" dy="0.35em" fill="#333">${xmlEscape(s.name)}</text></g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * The start of a standalone printable page (the Section 4 page and the customer report): doctype, the
 * page's own Content-Security-Policy (no script, no remote anything), viewport, title and inline style,
 * up to and including `<body>`.
 */
export function htmlPageStart(title: string, csp: string, css: string): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // A constant of the caller's, with no double quote: written as it is, so the page matches its header.
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${xmlEscape(title)}</title>`,
    `<style>${css}\n</style>`,
    '</head>',
    '<body>',
  ];
}
