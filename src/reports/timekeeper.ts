/**
 * Fires due report schedules: for each schedule whose `next_run_at` has come, one job for the period it
 * reports on, and the schedule's next firing, in one transaction. Due schedules are read FOR UPDATE SKIP
 * LOCKED, so timekeepers in several processes split them and never fire one twice; the job insert joins
 * the same transaction (pg-boss `send(..., { db })`), so a schedule moves on only with its job stored.
 *
 * Catching up: a schedule that missed firings (the service was down) fires once, for the latest missed
 * instant; a monthly report that was due while the server was off arrives when it returns, once.
 */
import PgBoss from 'pg-boss';
import { withTransaction, type Pool } from '../db/pool.js';
import { advanceReportSchedules, lockDueReportSchedules } from '../db/queries/report-schedules.js';
import type { Logger } from '../log.js';
import { lastFiringMs, nextFiringMs } from './cron.js';
import { schedulePeriodAt, type SchedulePeriod } from './period.js';
import { executorOn, RUN_QUEUE, type QueueOptions, type RunJobData } from './queue.js';

/** Schedules fired per transaction; more due ones wait for the next tick (a minute later). */
const FIRE_BATCH = 100;

/** The singleton key of a run job: one per (schedule, period). */
export const runKey = (d: RunJobData): string => `${d.scheduleId}/${d.period}`;

export interface Fired {
  scheduleId: string;
  period: string;
  firedAtMs: number;
}

/** Enqueues a run job for every due schedule; returns what it fired. */
export async function fireDueSchedules(pool: Pool, boss: PgBoss, q: QueueOptions, nowMs: number, log: Logger): Promise<Fired[]> {
  return withTransaction(pool, async (client) => {
    const due = await lockDueReportSchedules(client, nowMs, FIRE_BATCH);
    const fired: Fired[] = [];
    const next: { id: string; nextRunAtMs: number }[] = [];
    for (const s of due) {
      // The latest cron instant that has passed; a `runNow` schedule's first firing is its creation time.
      const firedAtMs = Math.max(lastFiringMs(s.cron, s.timezone, nowMs), Math.min(s.nextRunAtMs, nowMs));
      const period = schedulePeriodAt(s.period as SchedulePeriod, firedAtMs, s.timezone).label;
      const data: RunJobData = { scheduleId: s.id, period };
      await boss.send(RUN_QUEUE, data, {
        singletonKey: runKey(data), retryLimit: q.retryLimit, retryDelay: q.retryDelaySeconds, retryBackoff: q.retryBackoff, db: executorOn(client),
      });
      fired.push({ scheduleId: s.id, period, firedAtMs });
      next.push({ id: s.id, nextRunAtMs: nextFiringMs(s.cron, s.timezone, nowMs) });
    }
    await advanceReportSchedules(client, next);
    if (fired.length > 0) log.info({ fired: fired.length }, 'report schedules fired');
    return fired;
  });
}
