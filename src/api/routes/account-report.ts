/**
 * GET /v1/accounts/{accountId}/report?period=YYYY-Qn&format=pdf|html — the customer energy report
 * (src/reports) rendered on demand, as `keymeter report` writes it; what the dashboard downloads. The
 * period is local time in the site's zone; by default the last complete quarter.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id } from '../../core/bundle/schema.js';
import type { Database } from '../../db/pool.js';
import { readBundle } from '../../db/queries/bundle-read.js';
import { KeymeterError } from '../../errors.js';
import { REPORT_FORMATS, type ReportFormat } from '../../reports/formats.js';
import { parsePeriod, periodContaining, previousPeriod } from '../../reports/period.js';
import { localToday } from '../../section4/build.js';
import { requireAccountRead } from '../auth.js';
import { problemResponses } from '../problem.js';

export const accountReportRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'>; nowMs?: () => number }> = async (app, { db, nowMs }) => {
  app.get('/accounts/:accountId/report', {
    schema: {
      tags: ['accounts'], summary: 'The customer energy report of an account for a period, as PDF or HTML',
      params: z.object({ accountId: Id }),
      querystring: z.object({
        period: z.string().optional().describe('YYYY, YYYY-Qn or YYYY-MM, local time; default the last complete quarter'),
        format: z.enum(REPORT_FORMATS).default('pdf'),
      }),
      response: {
        200: {
          description: 'The report file',
          content: {
            'application/pdf': { schema: z.string().describe('a PDF document') },
            'text/html': { schema: z.string().describe('a self-contained HTML page') },
          },
        },
        ...problemResponses(400, 401, 403, 404),
      },
    },
  }, async (req, reply) => {
    requireAccountRead(req, req.params.accountId);
    const now = (nowMs ?? Date.now)();
    const bundle = await readBundle(db.pool, req.params.accountId);
    if (!bundle) throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', 'no such account');
    const today = localToday(now, bundle.sites[0]?.timezone ?? 'UTC');
    const period = req.query.period === undefined ? previousPeriod(periodContaining('quarter', today)) : parsePeriod(req.query.period);
    // pdfkit loads only when a report is asked for (as in `keymeter report`).
    const { renderReport } = await import('../../reports/render.js');
    const report = await renderReport(db.pool, req.params.accountId, period, req.query.format as ReportFormat, now);
    return reply
      .type(report.contentType)
      .header('content-disposition', `attachment; filename="${report.fileName}"`)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(report.bytes as unknown as string); // a Buffer goes out as it is: the schema documents the body only
  });
};
