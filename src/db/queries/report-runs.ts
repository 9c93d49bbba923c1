/**
 * Report runs (migrations/0009_report_schedules.sql): each scheduled report made, with its file, and the
 * state of its e-mail. The unique (schedule_id, period) row is the claim that keeps a report from being
 * sent twice (src/reports/worker.ts explains the protocol); every state change below is conditional on
 * the state it leaves, so two workers can never both win one.
 */
import type pg from 'pg';

export const RUN_STATUSES = ['stored', 'sending', 'sent', 'failed', 'unknown'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const META = `id, schedule_id, account_id, period, format, content_type, file_name, octet_length(file) as bytes, recipients, status,
              attempts, last_error, lease_until, created_at, sent_at`;

export const reportRunQueries = {
  claim: {
    name: 'report_runs.insert_claim',
    // The claim: whoever inserts the row owns it. `lease_until` is set only for a run that is to be sent.
    text: `insert into report_runs (schedule_id, account_id, period, format, content_type, file_name, file, recipients, status, attempts, lease_until)
           values ($1::uuid, $2, $3, $4, $5, $6, $7, $8::text[], $9, case when $9 = 'sending' then 1 else 0 end,
                   case when $9 = 'sending' then now() + $10 * interval '1 millisecond' end)
           on conflict (schedule_id, period) do nothing
           returning ${META}`,
  },
  byKey: {
    name: 'report_runs.select_by_schedule_period',
    text: `select ${META} from report_runs where schedule_id = $1::uuid and period = $2`,
  },
  reclaimFailed: {
    name: 'report_runs.update_reclaim_failed',
    text: `update report_runs set status = 'sending', attempts = attempts + 1, lease_until = now() + $2 * interval '1 millisecond'
            where id = $1::uuid and status = 'failed'
            returning ${META}`,
  },
  expireLease: {
    name: 'report_runs.update_expired_to_unknown',
    // A worker that held the lease is gone: it may have handed the message over before dying, so the run
    // is never sent again automatically.
    text: `update report_runs set status = 'unknown', lease_until = null,
                  last_error = coalesce(last_error || '; ', '') || 'the sending worker stopped before recording the outcome'
            where id = $1::uuid and status = 'sending' and lease_until < now()
            returning id`,
  },
  finish: {
    name: 'report_runs.update_finish_sending',
    // last_error keeps the latest failure after a later success: the operator sees why it took several attempts.
    text: `update report_runs set status = $2, last_error = coalesce($3, last_error), lease_until = null,
                  sent_at = case when $2 = 'sent' then now() else sent_at end
            where id = $1::uuid and status = 'sending'
            returning id`,
  },
  meta: { name: 'report_runs.select_meta', text: `select ${META} from report_runs where id = $1::uuid` },
  file: { name: 'report_runs.select_file', text: `select account_id, content_type, file_name, file from report_runs where id = $1::uuid` },
  recent: {
    name: 'report_runs.select_recent_by_schedule',
    text: `select * from (
             select ${META}, row_number() over (partition by schedule_id order by created_at desc, id) as n
               from report_runs where schedule_id = any($1::uuid[])
           ) r where n <= $2 order by schedule_id, created_at desc, id`,
  },
} as const;

export interface ReportRunMeta {
  id: string;
  scheduleId: string;
  accountId: string;
  period: string;
  format: string;
  contentType: string;
  fileName: string;
  bytes: number;
  recipients: string[];
  status: RunStatus;
  attempts: number;
  lastError: string | null;
  leaseUntilMs: number | null;
  createdAtMs: number;
  sentAtMs: number | null;
}

interface RawMeta {
  id: string;
  schedule_id: string;
  account_id: string;
  period: string;
  format: string;
  content_type: string;
  file_name: string;
  bytes: number;
  recipients: string[];
  status: RunStatus;
  attempts: number;
  last_error: string | null;
  lease_until: Date | null;
  created_at: Date;
  sent_at: Date | null;
}

const toMeta = (r: RawMeta): ReportRunMeta => ({
  id: r.id, scheduleId: r.schedule_id, accountId: r.account_id, period: r.period, format: r.format, contentType: r.content_type,
  fileName: r.file_name, bytes: Number(r.bytes), recipients: r.recipients, status: r.status, attempts: r.attempts, lastError: r.last_error,
  leaseUntilMs: r.lease_until?.getTime() ?? null, createdAtMs: r.created_at.getTime(), sentAtMs: r.sent_at?.getTime() ?? null,
});

export interface NewReportRun {
  scheduleId: string;
  accountId: string;
  period: string;
  format: string;
  contentType: string;
  fileName: string;
  file: Buffer;
  recipients: readonly string[];
  /** 'sending' (this worker sends it now, under a lease) or 'stored' (nothing to send). */
  status: 'sending' | 'stored';
  leaseMs: number;
}

/** Inserts the run unless (schedule, period) exists; the row when this call created it, else undefined. */
export async function claimReportRun(db: pg.Pool | pg.ClientBase, run: NewReportRun): Promise<ReportRunMeta | undefined> {
  const r = await db.query<RawMeta>({
    ...reportRunQueries.claim,
    values: [run.scheduleId, run.accountId, run.period, run.format, run.contentType, run.fileName, run.file, [...run.recipients], run.status, run.leaseMs],
  });
  return r.rows[0] ? toMeta(r.rows[0]) : undefined;
}

export async function findReportRunByKey(db: pg.Pool | pg.ClientBase, scheduleId: string, period: string): Promise<ReportRunMeta | undefined> {
  const r = await db.query<RawMeta>({ ...reportRunQueries.byKey, values: [scheduleId, period] });
  return r.rows[0] ? toMeta(r.rows[0]) : undefined;
}

/** Takes a failed run back for another attempt; undefined when another worker took it first. */
export async function reclaimFailedReportRun(db: pg.Pool | pg.ClientBase, id: string, leaseMs: number): Promise<ReportRunMeta | undefined> {
  const r = await db.query<RawMeta>({ ...reportRunQueries.reclaimFailed, values: [id, leaseMs] });
  return r.rows[0] ? toMeta(r.rows[0]) : undefined;
}

/** Marks a run whose sending lease ran out as 'unknown'; true when this call did. */
export async function expireReportRunLease(db: pg.Pool | pg.ClientBase, id: string): Promise<boolean> {
  const r = await db.query({ ...reportRunQueries.expireLease, values: [id] });
  return (r.rowCount ?? 0) > 0;
}

/** Records the outcome of sending; false when the run was no longer 'sending' (its lease had been expired). */
export async function finishReportRun(db: pg.Pool | pg.ClientBase, id: string, status: 'sent' | 'failed' | 'unknown', error: string | null): Promise<boolean> {
  const r = await db.query({ ...reportRunQueries.finish, values: [id, status, error] });
  return (r.rowCount ?? 0) > 0;
}

export async function findReportRun(db: pg.Pool | pg.ClientBase, id: string): Promise<ReportRunMeta | undefined> {
  const r = await db.query<RawMeta>({ ...reportRunQueries.meta, values: [id] });
  return r.rows[0] ? toMeta(r.rows[0]) : undefined;
}

export async function readReportFile(db: pg.Pool | pg.ClientBase, id: string): Promise<{ accountId: string; contentType: string; fileName: string; file: Buffer } | undefined> {
  const r = await db.query<{ account_id: string; content_type: string; file_name: string; file: Buffer }>({ ...reportRunQueries.file, values: [id] });
  const row = r.rows[0];
  return row ? { accountId: row.account_id, contentType: row.content_type, fileName: row.file_name, file: row.file } : undefined;
}

/** The `perSchedule` newest runs of each schedule. */
export async function listRecentReportRuns(db: pg.Pool | pg.ClientBase, scheduleIds: readonly string[], perSchedule: number): Promise<ReportRunMeta[]> {
  if (scheduleIds.length === 0) return [];
  const r = await db.query<RawMeta>({ ...reportRunQueries.recent, values: [[...scheduleIds], perSchedule] });
  return r.rows.map(toMeta);
}
