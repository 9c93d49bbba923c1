/**
 * Report schedules (migrations/0009_report_schedules.sql): what to report on, for whom, and when it fires
 * next. The timekeeper (src/reports/timekeeper.ts) reads the due ones under FOR UPDATE SKIP LOCKED.
 */
import type pg from 'pg';

export const reportScheduleQueries = {
  insert: {
    name: 'report_schedules.insert_schedule',
    text: `insert into report_schedules (account_id, cron, timezone, period, format, recipients, created_by, next_run_at)
           values ($1, $2, $3, $4, $5, $6::text[], $7, $8::timestamptz)
           returning id, account_id, cron, timezone, period, format, recipients, created_by, created_at, next_run_at`,
  },
  list: {
    name: 'report_schedules.select_schedules',
    // $1 null: every account (admin and engineer keys); otherwise only those accounts.
    text: `select id, account_id, cron, timezone, period, format, recipients, created_by, created_at, next_run_at
             from report_schedules
            where $1::text[] is null or account_id = any($1::text[])
            order by created_at, id`,
  },
  byId: {
    name: 'report_schedules.select_by_id',
    text: `select id, account_id, cron, timezone, period, format, recipients, created_by, created_at, next_run_at
             from report_schedules where id = $1::uuid`,
  },
  due: {
    name: 'report_schedules.select_due_for_update',
    // SKIP LOCKED: a second timekeeper in the same instant takes other schedules (or none), never the same ones.
    text: `select id, account_id, cron, timezone, period, format, recipients, created_by, created_at, next_run_at
             from report_schedules
            where next_run_at <= $1::timestamptz
            order by next_run_at, id
            limit $2
              for update skip locked`,
  },
  advance: {
    name: 'report_schedules.update_next_run',
    text: `update report_schedules s set next_run_at = v.next_run_at
             from unnest($1::uuid[], $2::timestamptz[]) as v (id, next_run_at)
            where s.id = v.id`,
  },
} as const;

export interface ReportScheduleRow {
  id: string;
  accountId: string;
  cron: string;
  timezone: string;
  period: string;
  format: string;
  recipients: string[];
  createdBy: string;
  createdAtMs: number;
  nextRunAtMs: number;
}

interface RawRow {
  id: string;
  account_id: string;
  cron: string;
  timezone: string;
  period: string;
  format: string;
  recipients: string[];
  created_by: string;
  created_at: Date;
  next_run_at: Date;
}

const toRow = (r: RawRow): ReportScheduleRow => ({
  id: r.id, accountId: r.account_id, cron: r.cron, timezone: r.timezone, period: r.period, format: r.format, recipients: r.recipients,
  createdBy: r.created_by, createdAtMs: r.created_at.getTime(), nextRunAtMs: r.next_run_at.getTime(),
});

export interface NewReportSchedule {
  accountId: string;
  cron: string;
  timezone: string;
  period: string;
  format: string;
  recipients: readonly string[];
  createdBy: string;
  nextRunAtMs: number;
}

export async function insertReportSchedule(db: pg.Pool | pg.ClientBase, s: NewReportSchedule): Promise<ReportScheduleRow> {
  const r = await db.query<RawRow>({
    ...reportScheduleQueries.insert,
    values: [s.accountId, s.cron, s.timezone, s.period, s.format, [...s.recipients], s.createdBy, new Date(s.nextRunAtMs).toISOString()],
  });
  return toRow(r.rows[0]!);
}

/** Every schedule (accountIds null) or those of the given accounts, oldest first. */
export async function listReportSchedules(db: pg.Pool | pg.ClientBase, accountIds: readonly string[] | null): Promise<ReportScheduleRow[]> {
  const r = await db.query<RawRow>({ ...reportScheduleQueries.list, values: [accountIds === null ? null : [...accountIds]] });
  return r.rows.map(toRow);
}

export async function findReportSchedule(db: pg.Pool | pg.ClientBase, id: string): Promise<ReportScheduleRow | undefined> {
  const r = await db.query<RawRow>({ ...reportScheduleQueries.byId, values: [id] });
  return r.rows[0] ? toRow(r.rows[0]) : undefined;
}

/** Due schedules, locked for this transaction (`db` must be a client inside one). */
export async function lockDueReportSchedules(db: pg.ClientBase, nowMs: number, limit: number): Promise<ReportScheduleRow[]> {
  const r = await db.query<RawRow>({ ...reportScheduleQueries.due, values: [new Date(nowMs).toISOString(), limit] });
  return r.rows.map(toRow);
}

export async function advanceReportSchedules(db: pg.ClientBase, next: readonly { id: string; nextRunAtMs: number }[]): Promise<void> {
  if (next.length === 0) return;
  await db.query({ ...reportScheduleQueries.advance, values: [next.map((n) => n.id), next.map((n) => new Date(n.nextRunAtMs).toISOString())] });
}
