/**
 * The report formats and their media types. A module of its own so that the API and the command line can
 * name them without loading the renderers (PDFKit takes a noticeable part of a second to load).
 */
export const REPORT_FORMATS = ['pdf', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
};
