/**
 * Creating and listing report schedules (POST/GET /v1/report-schedules, and the demo's schedule). A
 * schedule's first firing is the first cron instant after its creation, or its creation itself with
 * `runNow` (the timekeeper then reports at once on the period before now).
 */
import type { Pool } from '../db/pool.js';
import { listAccounts } from '../db/queries/accounts.js';
import { listRecentReportRuns, type ReportRunMeta } from '../db/queries/report-runs.js';
import { insertReportSchedule, listReportSchedules, type ReportScheduleRow } from '../db/queries/report-schedules.js';
import { KeymeterError } from '../errors.js';
import { checkCron, nextFiringMs } from './cron.js';
import type { SchedulePeriod } from './period.js';
import type { ReportFormat } from './formats.js';

/** Runs listed with each schedule, newest first. */
export const RECENT_RUNS_PER_SCHEDULE = 12;

export interface ScheduleInput {
  accountId: string;
  cron: string;
  timezone: string;
  period: SchedulePeriod;
  format: ReportFormat;
  recipients: readonly string[];
  /** Fire once at creation, for the period before now, besides the cron firings. */
  runNow?: boolean | undefined;
}

/**
 * Validates and stores a schedule.
 * @throws KeymeterError KM_VALIDATION (cron, timezone) or KM_ACCOUNT_NOT_FOUND.
 */
export async function createSchedule(pool: Pool, input: ScheduleInput, createdBy: string, nowMs: number): Promise<ReportScheduleRow> {
  checkCron(input.cron, input.timezone);
  const accounts = await listAccounts(pool, [input.accountId]);
  if (accounts.length === 0) {
    throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', `no account '${input.accountId}'`, { issues: [{ path: 'accountId', message: 'no such account' }] });
  }
  return insertReportSchedule(pool, {
    accountId: input.accountId, cron: input.cron.trim().replace(/\s+/g, ' '), timezone: input.timezone, period: input.period, format: input.format,
    recipients: [...new Set(input.recipients)], createdBy, nextRunAtMs: input.runNow ? nowMs : nextFiringMs(input.cron, input.timezone, nowMs),
  });
}

export interface ScheduleWithRuns extends ReportScheduleRow {
  runs: ReportRunMeta[];
}

/** Schedules of the given accounts (null: all), each with its recent runs. */
export async function listSchedules(pool: Pool, accountIds: readonly string[] | null): Promise<ScheduleWithRuns[]> {
  const schedules = await listReportSchedules(pool, accountIds);
  const runs = await listRecentReportRuns(pool, schedules.map((s) => s.id), RECENT_RUNS_PER_SCHEDULE);
  return schedules.map((s) => ({ ...s, runs: runs.filter((r) => r.scheduleId === s.id) }));
}

/** The schedule `keymeter demo` keeps for its first account: monthly PDF, made at once for last month. */
export const DEMO_SCHEDULE = { cron: '0 6 1 * *', period: 'previous-month', format: 'pdf', createdBy: 'demo' } as const;

/**
 * Creates the demo schedule unless the account has one from an earlier demo run (the data dir is kept
 * across restarts); returns it either way.
 */
export async function ensureDemoSchedule(pool: Pool, accountId: string, timezone: string, nowMs: number): Promise<ScheduleWithRuns> {
  const existing = (await listSchedules(pool, [accountId])).find((s) => s.createdBy === DEMO_SCHEDULE.createdBy);
  if (existing) return existing;
  const s = await createSchedule(pool, {
    accountId, cron: DEMO_SCHEDULE.cron, timezone, period: DEMO_SCHEDULE.period, format: DEMO_SCHEDULE.format, recipients: [], runNow: true,
  }, DEMO_SCHEDULE.createdBy, nowMs);
  return { ...s, runs: [] };
}
