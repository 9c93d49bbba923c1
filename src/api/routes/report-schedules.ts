/**
 * POST /v1/report-schedules and GET /v1/report-schedules (CONTRACT.md "HTTP"): scheduled customer energy
 * reports (src/reports). A schedule belongs to an account and is authorized like the account: a key that
 * may not read the account gets 403; creating one takes the admin role, or the rep role for the rep's
 * own accounts. The listing shows admin and engineer keys every schedule, other keys those of their
 * accounts, each with its recent runs.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id, TimeZone } from '../../core/bundle/schema.js';
import type { Database } from '../../db/pool.js';
import type { ReportRunMeta } from '../../db/queries/report-runs.js';
import { KeymeterError } from '../../errors.js';
import { cronIssues } from '../../reports/cron.js';
import { SCHEDULE_PERIODS } from '../../reports/period.js';
import { REPORT_FORMATS } from '../../reports/formats.js';
import { createSchedule, listSchedules, type ScheduleWithRuns } from '../../reports/schedules.js';
import { principalOf, requireAccountRead } from '../auth.js';
import { problemResponses } from '../problem.js';

/** Recipients per schedule: a report goes to a customer's contacts, not to a mailing list. */
const MAX_RECIPIENTS = 50;

const ScheduleBody = z
  .object({
    accountId: Id,
    cron: z.string().min(1).max(200).describe('5-field cron expression (minute hour day-of-month month day-of-week), read in `timezone`: "0 6 1 * *" is 06:00 on the 1st'),
    timezone: TimeZone.describe('IANA time zone of the cron expression, and of the date that picks the period'),
    period: z.enum(SCHEDULE_PERIODS).describe('what each firing reports on: the calendar month, quarter or year before the firing date (local time of the account\'s site)'),
    format: z.enum(REPORT_FORMATS),
    recipients: z.array(z.email()).max(MAX_RECIPIENTS).default([]).describe('e-mail addresses; empty: runs are stored, not sent'),
    runNow: z.boolean().default(false).describe('also fire once now, for the period before now'),
  })
  .superRefine((b, ctx) => {
    for (const issue of cronIssues(b.cron, b.timezone)) if (issue.path === 'cron') ctx.addIssue({ code: 'custom', path: ['cron'], message: issue.message });
  });

export const ReportRunSummary = z.object({
  id: z.uuid(),
  period: z.string(),
  status: z.enum(['stored', 'sending', 'sent', 'failed', 'unknown']),
  attempts: z.number().int(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  href: z.string().describe('GET this for the run\'s metadata, or /file for the report itself'),
}).meta({ id: 'ReportRunSummary' });

const ReportSchedule = z.object({
  id: z.uuid(),
  accountId: z.string(),
  cron: z.string(),
  timezone: z.string(),
  period: z.enum(SCHEDULE_PERIODS),
  format: z.enum(REPORT_FORMATS),
  recipients: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  nextRunAt: z.string().describe('the next firing, RFC 3339'),
  runs: z.array(ReportRunSummary).describe('the 12 newest runs, newest first'),
}).meta({ id: 'ReportSchedule' });

const iso = (ms: number): string => new Date(ms).toISOString();

export function runSummary(r: ReportRunMeta): z.infer<typeof ReportRunSummary> {
  return { id: r.id, period: r.period, status: r.status, attempts: r.attempts, createdAt: iso(r.createdAtMs), sentAt: r.sentAtMs === null ? null : iso(r.sentAtMs), href: `/v1/reports/${r.id}` };
}

function scheduleJson(s: ScheduleWithRuns): z.infer<typeof ReportSchedule> {
  return {
    id: s.id, accountId: s.accountId, cron: s.cron, timezone: s.timezone, period: s.period as z.infer<typeof ReportSchedule>['period'],
    format: s.format as z.infer<typeof ReportSchedule>['format'], recipients: s.recipients, createdBy: s.createdBy, createdAt: iso(s.createdAtMs),
    nextRunAt: iso(s.nextRunAtMs), runs: s.runs.map(runSummary),
  };
}

export const reportScheduleRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'>; nowMs?: () => number }> = async (app, { db, nowMs }) => {
  app.post('/report-schedules', {
    schema: {
      tags: ['reports'], summary: 'Schedule a customer energy report (admin, or a rep for their accounts)',
      description: 'Each firing of `cron` (in `timezone`) makes the report for the period before it, stores it (GET /v1/reports/{reportId}) and ' +
        'e-mails it to `recipients` when SMTP is configured; never twice for the same period. Retried on SMTP failure.',
      body: ScheduleBody,
      response: { 201: ReportSchedule, ...problemResponses(400, 401, 403, 404, 415) },
    },
  }, async (req, reply) => {
    const p = requireAccountRead(req, req.body.accountId);
    if (p.role !== 'admin' && p.role !== 'rep') throw new KeymeterError('KM_FORBIDDEN', `scheduling reports needs the admin or rep role; the key has '${p.role}'`);
    const s = await createSchedule(db.pool, req.body, `key:${p.keyId}`, (nowMs ?? Date.now)());
    return reply.code(201).send(scheduleJson({ ...s, runs: [] }));
  });

  app.get('/report-schedules', {
    schema: {
      tags: ['reports'], summary: 'Report schedules this key may read, with their recent runs',
      response: { 200: z.object({ schedules: z.array(ReportSchedule) }), ...problemResponses(401) },
    },
  }, async (req) => {
    const p = principalOf(req);
    const all = p.role === 'admin' || p.role === 'engineer';
    return { schedules: (await listSchedules(db.pool, all ? null : p.accountIds)).map(scheduleJson) };
  });
};
