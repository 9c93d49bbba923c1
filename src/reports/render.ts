/**
 * One entry point for a rendered report, used by `keymeter report` and by the schedule worker: the model
 * (build.ts), then HTML (render-html.ts) or PDF (render-pdf.ts) bytes with their media type and a file
 * name.
 */
import type { Pool } from '../db/pool.js';
import { buildReport, type BuildReportOptions } from './build.js';
import { CONTENT_TYPES, type ReportFormat } from './formats.js';
import type { ReportModel } from './model.js';
import type { ReportPeriod } from './period.js';
import { reportHtml } from './render-html.js';
import { reportPdf } from './render-pdf.js';

export { CONTENT_TYPES, REPORT_FORMATS, type ReportFormat } from './formats.js';

export interface RenderedReport {
  bytes: Buffer;
  contentType: string;
  fileName: string;
  model: ReportModel;
}

/** `acme-foods-energy-report-2025-Q4.pdf`: account ids are [A-Za-z0-9._:-], safe in a file name once ':' is replaced. */
export function reportFileName(accountId: string, period: ReportPeriod, format: ReportFormat): string {
  return `${accountId.replace(/:/g, '_')}-energy-report-${period.label}.${format}`;
}

/** The model's bytes in `format`. */
export async function encodeReport(model: ReportModel, format: ReportFormat): Promise<Buffer> {
  return format === 'pdf' ? reportPdf(model) : Buffer.from(reportHtml(model), 'utf8');
}

/**
 * Builds and renders the report of `accountId` for `period`.
 * @throws KeymeterError KM_ACCOUNT_NOT_FOUND for an unknown account.
 */
export async function renderReport(pool: Pool, accountId: string, period: ReportPeriod, format: ReportFormat, nowMs: number, options: BuildReportOptions = {}): Promise<RenderedReport> {
  const model = await buildReport(pool, accountId, period, nowMs, options);
  return { bytes: await encodeReport(model, format), contentType: CONTENT_TYPES[format], fileName: reportFileName(accountId, period, format), model };
}
