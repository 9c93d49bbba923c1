/**
 * Draws a chart of src/section4/svg-charts.ts onto a PDFKit page as vector graphics and real text, so the
 * PDF report reuses the same chart layout as the HTML page instead of a second charting module.
 *
 * Only the SVG subset svg-charts.ts emits is understood: `svg` (its viewBox), `g`, `line`, `rect`,
 * `polyline`, `circle` and `text` (x, y, dy in em, text-anchor, font-size, font-weight, fill, and a
 * `rotate(a cx cy)` transform), with stroke, stroke-width, stroke-dasharray and fill. `title` elements
 * (accessible names and tooltips) are not drawn; any other element is skipped. The input is our own
 * generated text, never a user's SVG. Why not svg-to-pdfkit: its last release is from 2019, and this
 * subset is small.
 */
import type PDFKit from 'pdfkit';

const TAG = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
const ATTR = /([\w:-]+)="([^"]*)"/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const DEFAULT_FONT_SIZE = 11;
const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';

function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!);
}

function attrsOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(ATTR)) out.set(m[1]!, unescape(m[2]!));
  return out;
}

const num = (a: Map<string, string>, k: string, dflt = 0): number => {
  const v = Number.parseFloat(a.get(k) ?? '');
  return Number.isFinite(v) ? v : dflt;
};

/**
 * Characters the standard PDF fonts can show (WinAnsiEncoding, PDF 32000-1 Annex D): ASCII, Latin-1 and
 * the typographic extras PDFKit maps. Anything else becomes '?', rather than a wrong glyph.
 */
const WIN_ANSI_EXTRA = new Set([402, 710, 732, 338, 339, 352, 353, 376, 381, 382, 8211, 8212, 8216, 8217, 8218, 8220, 8221, 8222, 8224, 8225, 8226, 8230, 8240, 8249, 8250, 8364, 8482]);
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    out += (c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(c) ? ch : c === 0x0a ? ' ' : '?';
  }
  return out;
}

/** The size of an svg-charts chart: its viewBox. */
export function svgSize(svg: string): { width: number; height: number } {
  const m = /viewBox="\s*[-\d.]+\s+[-\d.]+\s+([\d.]+)\s+([\d.]+)\s*"/.exec(svg);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : { width: 0, height: 0 };
}

function strokeStyle(doc: PDFKit.PDFDocument, a: Map<string, string>): void {
  doc.lineWidth(num(a, 'stroke-width', 1));
  doc.strokeColor(a.get('stroke') ?? '#000');
  const dash = (a.get('stroke-dasharray') ?? '').trim().split(/[\s,]+/).filter((x) => x !== '').map(Number);
  // PDFKit 0.17 takes a dash array (vector.js `dash`); @types/pdfkit 0.17 declares a number only.
  if (dash.length > 0 && dash.every((d) => Number.isFinite(d) && d > 0)) (doc.dash as (length: number | number[], options: object) => PDFKit.PDFDocument).call(doc, dash, {});
  else doc.undash();
}

function drawText(doc: PDFKit.PDFDocument, a: Map<string, string>, content: string): void {
  const text = winAnsi(content.replace(/\s+/g, ' ').trim());
  if (text === '') return;
  const size = num(a, 'font-size', DEFAULT_FONT_SIZE);
  doc.font(a.get('font-weight') === 'bold' ? BOLD : REGULAR).fontSize(size).fillColor(a.get('fill') ?? '#000');
  const dyEm = /^([-\d.]+)em$/.exec(a.get('dy') ?? '');
  const x = num(a, 'x');
  const y = num(a, 'y') + (dyEm ? Number(dyEm[1]) * size : 0);
  const width = doc.widthOfString(text);
  const anchor = a.get('text-anchor');
  const left = anchor === 'middle' ? x - width / 2 : anchor === 'end' ? x - width : x;
  const rotate = /rotate\(\s*([-\d.]+)(?:[\s,]+([-\d.]+)[\s,]+([-\d.]+))?\s*\)/.exec(a.get('transform') ?? '');
  doc.save();
  if (rotate) doc.rotate(Number(rotate[1]), { origin: [Number(rotate[2] ?? 0), Number(rotate[3] ?? 0)] });
  doc.text(text, left, y, { lineBreak: false, baseline: 'alphabetic' });
  doc.restore();
}

/**
 * Draws `svg` with its top-left corner at (x, y) scaled to `width` points; returns the height it took.
 * The document's position (doc.x, doc.y) is left as it was.
 */
export function drawSvgChart(doc: PDFKit.PDFDocument, svg: string, x: number, y: number, width: number): number {
  const size = svgSize(svg);
  if (size.width <= 0 || size.height <= 0) return 0;
  const scale = width / size.width;
  const keepX = doc.x;
  const keepY = doc.y;
  doc.save();
  doc.translate(x, y).scale(scale);
  let inTitle = 0;
  let textAttrs: Map<string, string> | null = null;
  let textContent = '';
  for (const m of svg.matchAll(TAG)) {
    const [, closing, name, attrText, selfClosing, chars] = m;
    if (chars !== undefined) {
      if (textAttrs && inTitle === 0) textContent += unescape(chars);
      continue;
    }
    if (name === 'title') {
      inTitle += closing ? -1 : selfClosing ? 0 : 1;
      continue;
    }
    if (closing) {
      if (name === 'text' && textAttrs) {
        drawText(doc, textAttrs, textContent);
        textAttrs = null;
      }
      continue;
    }
    const a = attrsOf(attrText ?? '');
    switch (name) {
      case 'line':
        strokeStyle(doc, a);
        doc.moveTo(num(a, 'x1'), num(a, 'y1')).lineTo(num(a, 'x2'), num(a, 'y2')).stroke();
        break;
      case 'rect':
        doc.rect(num(a, 'x'), num(a, 'y'), num(a, 'width'), num(a, 'height')).fill(a.get('fill') ?? '#000');
        break;
      case 'circle':
        doc.circle(num(a, 'cx'), num(a, 'cy'), num(a, 'r')).fill(a.get('fill') ?? '#000');
        break;
      case 'polyline': {
        const pts = (a.get('points') ?? '').trim().split(/\s+/).map((p) => p.split(',').map(Number) as [number, number]).filter((p) => p.length === 2 && p.every(Number.isFinite));
        if (pts.length < 2) break;
        strokeStyle(doc, a);
        doc.lineJoin('round').moveTo(pts[0]![0], pts[0]![1]);
        for (const [px, py] of pts.slice(1)) doc.lineTo(px, py);
        doc.stroke();
        break;
      }
      case 'text':
        textAttrs = a;
        textContent = '';
        if (selfClosing) textAttrs = null;
        break;
      default:
        break; // svg, g: nothing to draw
    }
  }
  doc.undash();
  doc.restore();
  doc.x = keepX;
  doc.y = keepY;
  return size.height * scale;
}
