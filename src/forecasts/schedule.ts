/**
 * Forecasts on a schedule: every account with electric kWh gets a forecast as of each local day that
 * ends, made by the first tick after its local midnight and stored once (store.ts).
 *
 * On the report service's pg-boss (src/reports/queue.ts): a tick every hour at minute FORECAST_TICK_MINUTE
 * (pg-boss cron: one tick per slot across all processes) finds, per account, the latest ended local day
 * and enqueues one job per (account, day) without a stored forecast; jobs are singletons per key
 * ('stately' queue) and the stored row is unique per (account, day), so two workers never store two and
 * a duplicate job is a cheap no-op. A service that was down catches up with the latest day only: a
 * forecast made late from data that arrived later would not be the forecast that day would have had.
 */
import type PgBoss from 'pg-boss';
import type { Pool } from '../db/pool.js';
import { forecastCandidates, storedForecastKeys } from '../db/queries/forecasts.js';
import { toError } from '../errors.js';
import type { Logger } from '../log.js';
import { latestAsOf, makeForecast, type MakeOutcome } from './store.js';

export const FORECAST_TICK_QUEUE = 'keymeter-forecast-tick';
export const FORECAST_RUN_QUEUE = 'keymeter-forecast-run';
/**
 * Minute of every hour the tick runs: a quarter of an hour after each whole hour, so the last interval of
 * the day (ending at local midnight) has been delivered by live meters polled or published each minute.
 */
export const FORECAST_TICK_MINUTE = 15;
export const FORECAST_TICK_CRON = `${FORECAST_TICK_MINUTE} * * * *`;
export const SCHEDULE_ACTOR = 'schedule';

export interface ForecastJob {
  accountId: string;
  asOf: string;
}

export interface ForecastScheduleDeps {
  pool: Pool;
  log: Logger;
  nowMs: () => number;
}

/** Enqueues a job for every account whose latest ended local day has no stored forecast; returns them. */
export async function fireDueForecasts(deps: ForecastScheduleDeps, boss: PgBoss, nowMs = deps.nowMs()): Promise<ForecastJob[]> {
  const due = (await forecastCandidates(deps.pool)).map((a) => ({ accountId: a.id, asOf: latestAsOf(nowMs, a.timeZone) }));
  const stored = await storedForecastKeys(deps.pool, due);
  const jobs = due.filter((j) => !stored.has(`${j.accountId}/${j.asOf}`));
  for (const job of jobs) await boss.send(FORECAST_RUN_QUEUE, job, { singletonKey: `${job.accountId}/${job.asOf}` });
  if (jobs.length > 0) deps.log.info({ accounts: jobs.length }, 'forecasts due');
  return jobs;
}

/** One forecast job; a forecast the data cannot support is logged, not retried (the next day tries again). */
export async function runForecastJob(deps: ForecastScheduleDeps, job: ForecastJob): Promise<MakeOutcome> {
  const out = await makeForecast(deps.pool, job.accountId, job.asOf, SCHEDULE_ACTOR);
  const log = deps.log.child({ accountId: job.accountId, asOf: job.asOf });
  if (out.outcome === 'stored') log.info({ forecastId: out.forecast.id }, 'forecast stored');
  else if (out.outcome === 'no-forecast') log.info({ reason: out.reason }, 'no forecast made');
  return out;
}

/** Creates the queues, schedules the tick and works both on `boss` (already started). */
export async function startForecastSchedule(deps: ForecastScheduleDeps, boss: PgBoss, opts: { pollingIntervalSeconds: number; tick: boolean }): Promise<void> {
  await boss.createQueue(FORECAST_TICK_QUEUE, { name: FORECAST_TICK_QUEUE, policy: 'short' });
  await boss.createQueue(FORECAST_RUN_QUEUE, { name: FORECAST_RUN_QUEUE, policy: 'stately', retryLimit: 2, retryDelay: 300, retryBackoff: true });
  if (opts.tick) {
    await boss.schedule(FORECAST_TICK_QUEUE, FORECAST_TICK_CRON, {}, { tz: 'UTC' });
    await boss.work(FORECAST_TICK_QUEUE, { pollingIntervalSeconds: opts.pollingIntervalSeconds }, async () => {
      await fireDueForecasts(deps, boss);
    });
  }
  await boss.work<ForecastJob>(FORECAST_RUN_QUEUE, { pollingIntervalSeconds: opts.pollingIntervalSeconds, batchSize: 1 }, async ([job]) => {
    if (job) await runForecastJob(deps, job.data);
  });
  await fireDueForecasts(deps, boss).catch((err: unknown) => deps.log.warn({ err: toError(err) }, 'first forecast tick failed'));
}
