/**
 * The report schedule service that `keymeter serve` and `keymeter demo` run beside the API: pg-boss on
 * the process's pool (queue.ts), a once-a-minute tick that fires due schedules (timekeeper.ts), and a
 * worker for the run jobs (worker.ts); with `forecasts`, also the daily stored forecasts on the same
 * pg-boss (src/forecasts/schedule.ts). Any number of processes may run it against one server database;
 * the embedded database has one process anyway.
 */
import type PgBoss from 'pg-boss';
import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import { toError } from '../errors.js';
import type { Logger } from '../log.js';
import type { AnalysisCache } from '../section4/analysis.js';
import { fireDueForecasts, runForecastJob, startForecastSchedule, type ForecastJob, type ForecastScheduleDeps } from '../forecasts/schedule.js';
import type { MakeOutcome } from '../forecasts/store.js';
import { createMailer, type Mailer } from './mailer.js';
import { RUN_QUEUE, startQueue, TICK_CRON, TICK_QUEUE, type QueueOptions, type RunJobData } from './queue.js';
import { fireDueSchedules, type Fired } from './timekeeper.js';
import { DEFAULT_LEASE_MS, runReportJob, type RunOutcome, type WorkerDeps } from './worker.js';

/** Retries of a run job after its first attempt, and the first delay; doubled each time (pg-boss retryBackoff). */
const DEFAULT_RETRY_LIMIT = 6;
const DEFAULT_RETRY_DELAY_SECONDS = 60;
/** pg-boss polls a queue this often when it is empty, s (its minimum is 0.5). */
const DEFAULT_POLLING_SECONDS = 2;
/** How long stop() lets a job in hand finish, ms. */
const STOP_TIMEOUT_MS = 30 * 1000;

export interface ReportServiceOptions {
  pool: Pool;
  log: Logger;
  config: Pick<Config, 'SMTP_URL' | 'REPORT_FROM'>;
  nowMs?: () => number;
  cache?: AnalysisCache | undefined;
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  pollingIntervalSeconds?: number;
  leaseMs?: number;
  /** Schedule the pg-boss cron tick (default true); tests call fireDue themselves. */
  tick?: boolean;
  /** Also make the daily stored forecasts on the same queue (src/forecasts/schedule.ts); `keymeter serve` turns it on. */
  forecasts?: boolean;
}

export class ReportService {
  readonly #opts: ReportServiceOptions;
  readonly #log: Logger;
  readonly #queue: QueueOptions;
  readonly #mailer: Mailer | undefined;
  #boss: PgBoss | undefined;

  constructor(opts: ReportServiceOptions) {
    this.#opts = opts;
    this.#log = opts.log.child({ component: 'reports' });
    this.#queue = {
      retryLimit: opts.retryLimit ?? DEFAULT_RETRY_LIMIT,
      retryDelaySeconds: opts.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS,
      retryBackoff: opts.retryBackoff ?? true,
    };
    const { SMTP_URL, REPORT_FROM } = opts.config;
    this.#mailer = SMTP_URL !== undefined && REPORT_FROM !== undefined ? createMailer(SMTP_URL, REPORT_FROM) : undefined;
  }

  get #now(): () => number {
    return this.#opts.nowMs ?? Date.now;
  }

  #deps(): WorkerDeps {
    return { pool: this.#opts.pool, log: this.#log, mailer: this.#mailer, nowMs: this.#now, leaseMs: this.#opts.leaseMs ?? DEFAULT_LEASE_MS, cache: this.#opts.cache };
  }

  /** Starts pg-boss, the tick and the worker, then fires what is due already (catching up after a stop). */
  async start(): Promise<void> {
    const boss = await startQueue(this.#opts.pool, this.#queue, (err) => this.#log.warn({ err }, 'job queue error'));
    this.#boss = boss;
    const pollingIntervalSeconds = this.#opts.pollingIntervalSeconds ?? DEFAULT_POLLING_SECONDS;
    if (this.#opts.tick ?? true) {
      await boss.schedule(TICK_QUEUE, TICK_CRON, {}, { tz: 'UTC' });
      await boss.work(TICK_QUEUE, { pollingIntervalSeconds }, async () => {
        await this.fireDue();
      });
    }
    await boss.work<RunJobData>(RUN_QUEUE, { pollingIntervalSeconds, batchSize: 1 }, async ([job]) => {
      if (job) await this.runJob(job.data);
    });
    await this.fireDue().catch((err: unknown) => this.#log.warn({ err: toError(err) }, 'first report tick failed'));
    if (this.#opts.forecasts ?? false) {
      await startForecastSchedule(this.#forecastDeps(), boss, { pollingIntervalSeconds, tick: this.#opts.tick ?? true });
    }
    this.#log.info({ smtp: this.#mailer !== undefined, forecasts: this.#opts.forecasts ?? false }, 'report schedules running');
  }

  #forecastDeps(): ForecastScheduleDeps {
    return { pool: this.#opts.pool, log: this.#opts.log.child({ component: 'forecasts' }), nowMs: this.#now };
  }

  /** Enqueues the forecasts due now (the hourly forecast tick does this). */
  async fireDueForecasts(nowMs = this.#now()): Promise<ForecastJob[]> {
    if (!this.#boss) throw new Error('the report service is not started');
    return fireDueForecasts(this.#forecastDeps(), this.#boss, nowMs);
  }

  /** One forecast job, as the worker runs it. */
  runForecastJob(job: ForecastJob): Promise<MakeOutcome> {
    return runForecastJob(this.#forecastDeps(), job);
  }

  /** Fires the due schedules now (the tick does this once a minute). */
  async fireDue(nowMs = this.#now()): Promise<Fired[]> {
    if (!this.#boss) throw new Error('the report service is not started');
    return fireDueSchedules(this.#opts.pool, this.#boss, this.#queue, nowMs, this.#log);
  }

  /** One run job, as the worker runs it (tests call it directly to race two workers). */
  runJob(job: RunJobData): Promise<RunOutcome> {
    return runReportJob(this.#deps(), job);
  }

  /** pg-boss itself, for tests that look at jobs. */
  get boss(): PgBoss | undefined {
    return this.#boss;
  }

  /** Stops taking jobs, lets the one in hand finish (up to STOP_TIMEOUT_MS), closes the SMTP transport. Safe to call twice. */
  async stop(): Promise<void> {
    const boss = this.#boss;
    this.#boss = undefined;
    if (boss) await boss.stop({ graceful: true, wait: true, close: false, timeout: STOP_TIMEOUT_MS });
    this.#mailer?.close();
  }
}
