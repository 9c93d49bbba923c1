import path from 'node:path';
import t from 'tap';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { buildReport } from '../../src/reports/build.js';
import { parsePeriod } from '../../src/reports/period.js';
import { reportPdf } from '../../src/reports/render-pdf.js';
import { winAnsi } from '../../src/reports/svg-pdf.js';
import { ROOT } from '../helpers/cli.js';
import { eachBackend } from '../helpers/db.js';
import { loadReportFixture, Q1_2025, REPORT_NOW, REPORT_TZ } from '../helpers/report-fixture.js';

/** The text of every page (pdf.js, as a reader or an indexer extracts it) and the drawing operators used. */
export async function readPdf(bytes: Buffer): Promise<{ pages: number; text: string; ops: Set<number>; info: Record<string, unknown> }> {
  const doc = await getDocument({
    data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false, disableFontFace: true,
    // The report uses the standard 14 fonts; pdf.js reads their metrics from these files.
    standardFontDataUrl: path.join(ROOT, 'node_modules/pdfjs-dist/standard_fonts/'),
  }).promise;
  const texts: string[] = [];
  const ops = new Set<number>();
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    const content = await page.getTextContent();
    texts.push(content.items.map((i) => ('str' in i ? i.str : '')).join(' '));
    for (const op of (await page.getOperatorList()).fnArray) ops.add(op);
  }
  const meta = await doc.getMetadata();
  await doc.destroy();
  return { pages: doc.numPages, text: texts.join('\n'), ops, info: meta.info as Record<string, unknown> };
}

t.test('the PDF report renders with real text: the account name and the total kWh, and vector charts', async (t) => {
  eachBackend(t, async (t, db) => {
    await loadReportFixture(db, { windows: [Q1_2025] });
    const model = await buildReport(db.pool, 'acme-foods', parsePeriod('2025-Q1'), REPORT_NOW);
    const bytes = await reportPdf(model);
    t.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    const pdf = await readPdf(bytes);
    t.ok(pdf.pages >= 2 && pdf.pages <= 6, `${pdf.pages} pages`);

    // Total kWh computed by the database alone (both meters present, local quarter).
    const r = await db.pool.query<{ kwh: number }>(`
      with kwh as (
        select r.ts, sum(r.value) as v from readings r join channels c on c.id = r.channel_id
         where c.kind = 'kwh_del' and c.meter_id in ('m-1001', 'm-1002')
           and r.ts >= '2025-01-01 00:00 ${REPORT_TZ}' and r.ts < '2025-04-01 00:00 ${REPORT_TZ}'
         group by r.ts having count(*) = 2)
      select sum(v)::float8 as kwh from kwh`);
    const total = `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(r.rows[0]!.kwh)} kWh`;
    t.match(pdf.text, 'Energy report: Acme Foods Inc.', 'the account name is text');
    t.match(pdf.text, total, `the total (${total}) is text`);
    t.match(pdf.text, 'Period 2025-Q1: 2025-01-01 to 2025-03-31');
    t.match(pdf.text, 'Average weekday and weekend day, 2025-Q1', 'chart titles are text');
    t.match(pdf.text, 'Energy (kWh)', 'axis titles are text');
    t.match(pdf.text, /not available/i, 'figures without data say so (no 2024 data here)');
    t.equal(pdf.info.Title, 'Energy report: Acme Foods Inc., 2025-Q1');
    t.ok(pdf.ops.has(OPS.constructPath), 'charts and tables are vector paths');
    t.notOk(pdf.ops.has(OPS.paintImageXObject), 'no raster images');
    t.same(await reportPdf(model), bytes, 'the same model gives the same bytes');
  });
});

t.test('text the standard PDF fonts cannot show becomes ?, never a wrong glyph', async (t) => {
  t.equal(winAnsi('Café – 5 kWh “ok” €'), 'Café – 5 kWh “ok” €');
  t.equal(winAnsi('Łódź 東京'), '?ód? ??');
});
