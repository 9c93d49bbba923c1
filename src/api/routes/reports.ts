/**
 * GET /v1/reports/{reportId} (CONTRACT.md "HTTP"): a stored report run. `Accept` picks the
 * representation: its metadata as JSON (the default, also for `*\/*`), or the report itself when the
 * client asks for the run's own media type (`application/pdf` or `text/html`); anything else is a 406.
 * GET /v1/reports/{reportId}/file always gives the report itself, as an attachment. Authorized like the
 * report's account; to a key that may not read it, an unknown report and a foreign one look the same (403).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Database } from '../../db/pool.js';
import { findReportRun, readReportFile } from '../../db/queries/report-runs.js';
import { KeymeterError } from '../../errors.js';
import { REPORT_CSP } from '../../reports/render-html.js';
import { canReadAccount, principalOf } from '../auth.js';
import { negotiate } from '../negotiate.js';
import { problemResponses } from '../problem.js';

const Params = z.object({ reportId: z.uuid().describe('a report run id, from GET /v1/report-schedules') });

const ReportRun = z.object({
  id: z.uuid(),
  scheduleId: z.uuid(),
  accountId: z.string(),
  period: z.string().describe('YYYY, YYYY-Qn or YYYY-MM, local time of the site'),
  format: z.enum(['pdf', 'html']),
  contentType: z.string(),
  fileName: z.string(),
  bytes: z.number().int(),
  recipients: z.array(z.string()),
  status: z.enum(['stored', 'sending', 'sent', 'failed', 'unknown']).describe(
    'stored: kept, nothing to send; sending: in progress; sent: the SMTP server accepted it; failed: refused, to be retried; ' +
    'unknown: the connection was lost while sending, so it is not resent automatically',
  ),
  attempts: z.number().int().describe('e-mail attempts'),
  lastError: z.string().nullable().describe('the latest failed attempt, kept after a later success'),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  file: z.string().describe('URL of the report itself'),
}).meta({ id: 'ReportRun' });

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** 403 for a key that may not read the account (or when the report does not exist and the key reads only some accounts). */
function visible(req: FastifyRequest, accountId: string | undefined): void {
  const p = principalOf(req);
  if (accountId !== undefined && canReadAccount(p, accountId)) return;
  if (accountId === undefined && (p.role === 'admin' || p.role === 'engineer')) throw new KeymeterError('KM_REPORT_NOT_FOUND', 'no such report');
  throw new KeymeterError('KM_FORBIDDEN', 'this key may not read that report');
}

async function sendFile(db: Pick<Database, 'pool'>, req: FastifyRequest, reply: FastifyReply, id: string): Promise<FastifyReply> {
  const f = await readReportFile(db.pool, id);
  visible(req, f?.accountId);
  reply.type(f!.contentType).header('content-disposition', `attachment; filename="${f!.fileName}"`);
  if (f!.contentType.startsWith('text/html')) reply.header('content-security-policy', REPORT_CSP);
  return reply.send(f!.file);
}

export const reportRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'> }> = async (app, { db }) => {
  app.get('/reports/:reportId', {
    schema: {
      tags: ['reports'], summary: 'A stored report: its metadata, or the report itself by Accept',
      description: '`Accept: application/json` (default): the metadata. `Accept: application/pdf` or `text/html` (the run\'s format): the report. ' +
        'Any other type: 406. The report is also at /v1/reports/{reportId}/file.',
      params: Params,
      response: {
        200: {
          description: 'The run',
          content: {
            'application/json': { schema: ReportRun },
            'application/pdf': { schema: z.string().describe('the PDF report') },
            'text/html': { schema: z.string().describe('the HTML report') },
          },
        },
        ...problemResponses(400, 401, 403, 404, 406),
      },
    },
  }, async (req, reply) => {
    const run = await findReportRun(db.pool, req.params.reportId);
    visible(req, run?.accountId);
    reply.header('vary', 'Accept');
    const r = run!;
    const own = r.contentType.split(';')[0]!.trim();
    const type = negotiate(req.headers.accept, ['application/json', own]);
    if (type === null) throw new KeymeterError('KM_NOT_ACCEPTABLE', `this report is available as application/json (metadata) and ${own}`);
    if (type !== 'application/json') return sendFile(db, req, reply, r.id);
    return {
      id: r.id, scheduleId: r.scheduleId, accountId: r.accountId, period: r.period, format: r.format as 'pdf' | 'html', contentType: r.contentType,
      fileName: r.fileName, bytes: r.bytes, recipients: r.recipients, status: r.status, attempts: r.attempts, lastError: r.lastError,
      createdAt: iso(r.createdAtMs)!, sentAt: iso(r.sentAtMs), file: `/v1/reports/${r.id}/file`,
    };
  });

  app.get('/reports/:reportId/file', {
    schema: {
      tags: ['reports'], summary: 'The stored report itself (PDF or HTML), as an attachment',
      params: Params,
      response: {
        200: { description: 'The report', content: { 'application/pdf': { schema: z.string() }, 'text/html': { schema: z.string() } } },
        ...problemResponses(400, 401, 403, 404),
      },
    },
  }, async (req, reply) => sendFile(db, req, reply, req.params.reportId));
};
