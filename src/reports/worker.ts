/**
 * Runs one report job (schedule, period): render, store, e-mail; at most one e-mail per (schedule,
 * period), whatever the number of workers, duplicate jobs or retries.
 *
 * The claim is the row of report_runs, unique on (schedule_id, period). A worker renders the report
 * first (outside any transaction: rendering reads through the same pool, which on the embedded database
 * has one connection), then inserts the row with the file, in status `sending` with a lease when there is
 * something to send, `stored` otherwise. That single INSERT ... ON CONFLICT DO NOTHING stores the run and
 * takes the right to send in one transaction: the worker whose insert lost sends nothing. After the send,
 * the row becomes `sent`; when the server certainly did not take the message (mailer.ts), `failed`, and
 * the job throws so that pg-boss retries it: a retry takes the row back (`failed` -> `sending`, again
 * one conditional UPDATE) and sends the stored file. When the outcome is unknown (connection lost during
 * the transfer, or a worker died holding the lease), the row becomes `unknown` and is never sent again
 * automatically: a duplicate e-mail is worse than one a person has to resend.
 */
import type { Pool } from '../db/pool.js';
import { listAccounts } from '../db/queries/accounts.js';
import {
  claimReportRun, expireReportRunLease, findReportRunByKey, finishReportRun, readReportFile, reclaimFailedReportRun, type ReportRunMeta,
} from '../db/queries/report-runs.js';
import { findReportSchedule, type ReportScheduleRow } from '../db/queries/report-schedules.js';
import { toError } from '../errors.js';
import type { Logger } from '../log.js';
import type { AnalysisCache } from '../section4/analysis.js';
import { MailSendError, type Mailer } from './mailer.js';
import { parsePeriod } from './period.js';
import type { RunJobData } from './queue.js';
import { renderReport, type ReportFormat } from './render.js';

/** How long a worker may hold a run in `sending`: well above the mailer's timeouts (mailer.ts). */
export const DEFAULT_LEASE_MS = 15 * 60 * 1000;

export type RunOutcome = 'sent' | 'stored' | 'unknown' | 'already-done' | 'taken-elsewhere' | 'schedule-gone';

export interface WorkerDeps {
  pool: Pool;
  log: Logger;
  /** Unset when SMTP_URL is not configured: runs are stored, not sent. */
  mailer: Mailer | undefined;
  nowMs: () => number;
  leaseMs: number;
  cache?: AnalysisCache | undefined;
}

/**
 * Handles one job. Throws (so that the queue retries) only when the report could not be made or the
 * SMTP server certainly did not accept it.
 */
export async function runReportJob(deps: WorkerDeps, job: RunJobData): Promise<RunOutcome> {
  const { pool } = deps;
  const log = deps.log.child({ scheduleId: job.scheduleId, period: job.period });
  const schedule = await findReportSchedule(pool, job.scheduleId);
  if (!schedule) return 'schedule-gone';
  const existing = await findReportRunByKey(pool, job.scheduleId, job.period);
  if (existing) return resume(deps, schedule, existing, log);

  const period = parsePeriod(job.period);
  const format = schedule.format as ReportFormat;
  const rendered = await renderReport(pool, schedule.accountId, period, format, deps.nowMs(), { cache: deps.cache });
  const toSend = deps.mailer !== undefined && schedule.recipients.length > 0;
  const run = await claimReportRun(pool, {
    scheduleId: schedule.id, accountId: schedule.accountId, period: period.label, format, contentType: rendered.contentType,
    fileName: rendered.fileName, file: rendered.bytes, recipients: schedule.recipients, status: toSend ? 'sending' : 'stored', leaseMs: deps.leaseMs,
  });
  if (!run) {
    log.info('report run taken by another worker');
    return 'taken-elsewhere';
  }
  if (!toSend) {
    log.info({ runId: run.id, reason: deps.mailer ? 'no recipients' : 'SMTP_URL not set' }, 'report stored, not sent');
    return 'stored';
  }
  return send(deps, schedule, run, rendered.bytes, log);
}

async function resume(deps: WorkerDeps, schedule: ReportScheduleRow, run: ReportRunMeta, log: Logger): Promise<RunOutcome> {
  switch (run.status) {
    case 'stored':
    case 'sent':
    case 'unknown':
      return 'already-done';
    case 'sending':
      // Someone holds the lease; if it ran out, that worker is gone and may or may not have sent the mail.
      if (await expireReportRunLease(deps.pool, run.id)) {
        log.error({ runId: run.id }, 'report sender vanished mid-send: status unknown, not resent');
        return 'unknown';
      }
      return 'taken-elsewhere';
    case 'failed': {
      const mine = await reclaimFailedReportRun(deps.pool, run.id, deps.leaseMs);
      if (!mine) return 'taken-elsewhere';
      if (!deps.mailer) {
        // SMTP was configured when it failed and is not any more: nothing to retry with.
        await finishReportRun(deps.pool, mine.id, 'failed', 'SMTP_URL is not set');
        return 'already-done';
      }
      const file = await readReportFile(deps.pool, mine.id);
      if (!file) return 'schedule-gone';
      return send(deps, schedule, mine, file.file, log);
    }
  }
}

async function send(deps: WorkerDeps, schedule: ReportScheduleRow, run: ReportRunMeta, bytes: Buffer, log: Logger): Promise<RunOutcome> {
  const account = (await listAccounts(deps.pool, [schedule.accountId]))[0];
  const name = account?.name ?? schedule.accountId;
  try {
    await deps.mailer!.send({
      to: run.recipients,
      subject: `Energy report ${run.period}: ${name}`,
      text: `The energy report of ${name} (account ${schedule.accountId}) for ${run.period} is attached (${run.fileName}).\n\n` +
        'Sent by Keymeter on a schedule of your utility. Reply to this message to reach your account representative.\n',
      attachment: { fileName: run.fileName, contentType: run.contentType, content: bytes },
    });
  } catch (err) {
    const e = toError(err);
    if (err instanceof MailSendError && err.failure === 'rejected') {
      await finishReportRun(deps.pool, run.id, 'failed', e.message);
      log.warn({ runId: run.id, attempt: run.attempts, err: e }, 'report e-mail refused; the job will be retried');
      throw e;
    }
    await finishReportRun(deps.pool, run.id, 'unknown', e.message);
    log.error({ runId: run.id, err: e }, 'report e-mail outcome unknown: not resent');
    return 'unknown';
  }
  if (!(await finishReportRun(deps.pool, run.id, 'sent', null))) log.warn({ runId: run.id }, 'report sent after its lease ran out');
  log.info({ runId: run.id, recipients: run.recipients.length }, 'report sent');
  return 'sent';
}
