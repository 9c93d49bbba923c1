/**
 * The job queue of scheduled reports: pg-boss 10.4.2 (the last release line for Node 20; 12.x needs
 * Node 22), in its own `pgboss` schema, created by pg-boss on start.
 *
 * pg-boss runs on Keymeter's own pool through its `db` option (an object with `executeSql(text,
 * values)`), never on connections of its own. That matters for the embedded database: PGlite serves one
 * connection, so the process has a pool of one (src/db/pool.ts), and a second pool would wait for ever
 * for a connection the first never gives back. Every pg-boss statement is one `pool.query` call (its
 * multi-statement scripts go through the simple protocol, as with its own pool), so it shares the one
 * connection with the API and ingest, statement by statement. `executorOn(client)` lets a job be
 * inserted inside a Keymeter transaction (pg-boss 10 `send(..., { db })`).
 */
import PgBoss from 'pg-boss';
import type { Pool, PoolClient } from '../db/pool.js';

/** Runs the timekeeper once a minute (pg-boss cron; pg-boss sends it once per minute across all workers). */
export const TICK_QUEUE = 'keymeter-report-tick';
/** One job per (schedule, period) to render, store and send. */
export const RUN_QUEUE = 'keymeter-report-run';
export const TICK_CRON = '* * * * *';

export interface RunJobData {
  scheduleId: string;
  /** The period label: `2025-10`, `2025-Q4` or `2025`. */
  period: string;
}

/** pg-boss's database interface on a pool or on a client inside a transaction. */
export function executorOn(db: Pool | PoolClient): PgBoss.Db {
  return {
    executeSql: async (text: string, values?: unknown[]) => db.query(text, values),
  };
}

export interface QueueOptions {
  /** Attempts after the first, per job. */
  retryLimit: number;
  /** Seconds before the first retry; doubled each time with `retryBackoff`. */
  retryDelaySeconds: number;
  retryBackoff: boolean;
}

/** A started pg-boss on the pool, with both queues created. */
export async function startQueue(pool: Pool, q: QueueOptions, onError: (err: Error) => void): Promise<PgBoss> {
  const boss = new PgBoss({ db: executorOn(pool), schedule: true, supervise: true, migrate: true });
  // An EventEmitter 'error' without a listener would end the process.
  boss.on('error', onError);
  await boss.start();
  await boss.createQueue(TICK_QUEUE, { name: TICK_QUEUE, policy: 'short' });
  // 'stately': at most one queued and one active job per singleton key, i.e. per (schedule, period).
  // The database claim in report_runs is what guarantees one e-mail; this only avoids useless jobs.
  await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, policy: 'stately', retryLimit: q.retryLimit, retryDelay: q.retryDelaySeconds, retryBackoff: q.retryBackoff });
  return boss;
}
