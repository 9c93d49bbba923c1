/**
 * The customer energy report as a PDF, made with PDFKit (no browser): the same model and order as the
 * HTML page (render-html.ts). Text is real text in the standard Helvetica fonts, so it can be searched,
 * copied and read by screen readers and text extractors; charts are the svg-charts.ts charts replayed as
 * vector paths (svg-pdf.ts). The standard fonts cover WinAnsiEncoding only: other characters of a name
 * print as '?' (svg-pdf.ts `winAnsi`), a limit the HTML report does not have.
 *
 * Deterministic: the creation date is the model's `generatedAt`, so the same model gives the same bytes.
 */
import PDFDocument from 'pdfkit';
import type { Comparison, Fact, ReportItem, ReportModel, ReportTable } from './model.js';
import { drawSvgChart, svgSize, winAnsi } from './svg-pdf.js';

/** US Letter, 72 points per inch; margins of 0.6 in. */
const PAGE_SIZE = 'LETTER';
const MARGIN_PT = 43;
const BODY_PT = 9.5;
const SMALL_PT = 8.5;
const H1_PT = 18;
const H2_PT = 13;
const CELL_PAD_PT = 3;
const GRID = '#bbbbbb';
const HEAD_FILL = '#eeeeee';
const MUTED = '#444444';
/** Charts are drawn at this share of the text width (720 x 300 user units become about 450 x 190 pt). */
const CHART_WIDTH_SHARE = 0.85;

const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const ITALIC = 'Helvetica-Oblique';

interface Column {
  label: string;
  numeric?: boolean;
}

class Writer {
  readonly doc: PDFKit.PDFDocument;
  readonly left: number;
  readonly width: number;
  constructor(doc: PDFKit.PDFDocument) {
    this.doc = doc;
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  }

  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a new page unless `height` points still fit on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  paragraph(text: string, font = REGULAR, size = BODY_PT, color = '#111111', gapAfter = 4): void {
    const t = winAnsi(text);
    this.doc.font(font).fontSize(size);
    this.ensure(this.doc.heightOfString(t, { width: this.width }));
    this.doc.fillColor(color).text(t, this.left, this.doc.y, { width: this.width });
    this.doc.y += gapAfter;
  }

  /** A grid table; a header row (bold, shaded) repeats after a page break. Widths follow the content. */
  table(columns: readonly Column[], rows: readonly string[][], firstColumnBold = false): void {
    const doc = this.doc;
    doc.fontSize(BODY_PT);
    const natural = columns.map((c, i) => {
      doc.font(BOLD);
      let w = doc.widthOfString(winAnsi(c.label));
      doc.font(REGULAR);
      for (const r of rows) w = Math.max(w, doc.widthOfString(winAnsi(r[i] ?? '')));
      return w + 2 * CELL_PAD_PT + 1;
    });
    const total = natural.reduce((a, b) => a + b, 0);
    const widths = total <= this.width ? natural : natural.map((w) => (w / total) * this.width);
    const rowHeight = (cells: readonly string[], font: string) => {
      doc.font(font);
      return Math.max(...cells.map((c, i) => doc.heightOfString(winAnsi(c), { width: widths[i]! - 2 * CELL_PAD_PT }))) + 2 * CELL_PAD_PT;
    };
    const drawRow = (cells: readonly string[], head: boolean) => {
      const h = rowHeight(cells, head ? BOLD : REGULAR);
      const y = doc.y;
      let x = this.left;
      cells.forEach((c, i) => {
        const w = widths[i]!;
        if (head) doc.rect(x, y, w, h).fill(HEAD_FILL);
        doc.rect(x, y, w, h).lineWidth(0.5).undash().strokeColor(GRID).stroke();
        doc.font(head || (firstColumnBold && i === 0) ? BOLD : REGULAR).fontSize(BODY_PT).fillColor('#111111');
        doc.text(winAnsi(c), x + CELL_PAD_PT, y + CELL_PAD_PT, { width: w - 2 * CELL_PAD_PT, align: columns[i]?.numeric && !head ? 'right' : 'left' });
        x += w;
      });
      doc.y = y + h;
    };
    const header = columns.map((c) => c.label);
    this.ensure(rowHeight(header, BOLD) + (rows[0] ? rowHeight(rows[0], REGULAR) : 0));
    drawRow(header, true);
    for (const r of rows) {
      if (doc.y + rowHeight(r, REGULAR) > this.bottom) {
        doc.addPage();
        drawRow(header, true);
      }
      drawRow(r, false);
    }
    doc.x = this.left;
    doc.y += 6;
  }

  chart(svg: string): void {
    const { width, height } = svgSize(svg);
    if (width <= 0) return;
    const w = this.width * CHART_WIDTH_SHARE;
    this.ensure((height * w) / width + 6);
    const h = drawSvgChart(this.doc, svg, this.left, this.doc.y, w);
    this.doc.y += h + 6;
  }
}

function comparisons(w: Writer, model: ReportModel, rows: readonly Comparison[]): void {
  if (rows.length === 0) return;
  w.table(
    [{ label: '' }, { label: model.period.label, numeric: true }, { label: model.previous.label, numeric: true }, { label: 'Change', numeric: true }],
    rows.map((c) => [c.label, c.current.text, c.previous.text, c.change]),
  );
}

function facts(w: Writer, rows: readonly Fact[]): void {
  if (rows.length === 0) return;
  w.table([{ label: 'Figure' }, { label: 'Value', numeric: true }], rows.map((f) => [f.label, f.text]));
}

function table(w: Writer, t: ReportTable): void {
  w.paragraph(t.caption, BOLD, BODY_PT, '#111111', 2);
  w.table(t.columns, t.rows);
}

function item(w: Writer, model: ReportModel, it: ReportItem, n: number): void {
  w.ensure(60);
  w.doc.y += 6;
  w.paragraph(`${n}. ${it.title}`, BOLD, H2_PT, '#111111', 4);
  if (it.unavailable) w.paragraph(`Not available: ${it.unavailable}.`, ITALIC, BODY_PT, MUTED, 6);
  comparisons(w, model, it.comparisons);
  facts(w, it.facts);
  for (const c of it.charts) w.chart(c.svg);
  for (const t of it.tables) table(w, t);
  for (const note of it.notes) w.paragraph(note, REGULAR, SMALL_PT, MUTED, 2);
}

/** Renders the report; resolves with the PDF bytes. */
export function reportPdf(model: ReportModel): Promise<Buffer> {
  const { account, period, previous } = model;
  const doc = new PDFDocument({
    size: PAGE_SIZE,
    margin: MARGIN_PT,
    info: {
      Title: winAnsi(`Energy report: ${account.name}, ${period.label}`),
      Author: 'Keymeter',
      Subject: winAnsi(`Energy use of account ${account.id}, ${period.from} to ${period.to}`),
      CreationDate: new Date(model.generatedAt),
      ModDate: new Date(model.generatedAt),
    },
    lang: 'en-US',
    displayTitle: true,
    autoFirstPage: true,
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const w = new Writer(doc);
  w.paragraph(`Energy report: ${account.name}`, BOLD, H1_PT, '#111111', 2);
  w.paragraph(`Account ${account.id}${account.sites.length ? `, ${account.sites.join(', ')}` : ''}.`, REGULAR, BODY_PT, MUTED, 0);
  w.paragraph(`Period ${period.label}: ${period.from} to ${period.to}, local time (${period.timezone}); compared with ${previous.label}.`, REGULAR, BODY_PT, MUTED, 0);
  w.paragraph(`Made ${model.generatedAt}.`, REGULAR, BODY_PT, MUTED, 6);
  model.items.forEach((it, i) => item(w, model, it, i + 1));
  doc.end();
  return done;
}
