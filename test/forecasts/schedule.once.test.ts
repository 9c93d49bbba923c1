import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { FORECAST_RUN_QUEUE } from '../../src/forecasts/schedule.js';
import { ReportService } from '../../src/reports/manager.js';
import { eachBackend, workerPools } from '../helpers/db.js';
import { loadReportFixture } from '../helpers/report-fixture.js';
import { until } from '../helpers/wait.js';

/**
 * The daily forecast schedule (src/forecasts/schedule.ts): a service that starts makes the forecast as of
 * the latest ended local day of each account with kWh, once, even with two workers firing and running the
 * same job at once; the next local day makes the next one. On the embedded database (one process) the
 * race runs inside one worker on its one connection.
 */
const NOW = Date.UTC(2025, 3, 10, 12); // 07:00 CDT on 2025-04-10
const NEXT_DAY = Date.UTC(2025, 3, 11, 5, 15); // 00:15 CDT on 2025-04-11: 04-10 has ended in Chicago

t.test('each account gets one stored forecast per local day, whatever the number of workers', async (t) => {
  eachBackend(t, async (t, db) => {
    await loadReportFixture(db, { windows: [[Date.UTC(2025, 0, 1, 6), NOW]] });
    let clock = NOW;
    const pools = await workerPools(t, db);
    const workers = pools.map((p) => new ReportService({
      pool: p.pool, log: db.log, config: loadConfig({}), nowMs: () => clock, tick: false, forecasts: true, pollingIntervalSeconds: 0.5,
    }));
    const rows = async () => (await db.pool.query<{ account_id: string; as_of: string; made_by: string }>(
      'select account_id, as_of, made_by from forecasts order by as_of')).rows;
    const jobsLeft = async () => Number((await db.pool.query<{ n: string }>(
      `select count(*) as n from pgboss.job where name = $1 and state < 'completed'`, [FORECAST_RUN_QUEUE])).rows[0]!.n);

    // Starting fires what is due: acme-foods as of 2025-04-09 (st-marys-hospital is not loaded).
    for (const w of workers) await w.start();
    t.teardown(async () => {
      for (const w of workers) await w.stop();
    });
    // Every worker runs the due job directly too, twice at once, beside the queue's own run.
    const direct = await Promise.all(workers.flatMap((w) => [w.runForecastJob({ accountId: 'acme-foods', asOf: '2025-04-09' }), w.runForecastJob({ accountId: 'acme-foods', asOf: '2025-04-09' })]));
    t.ok(direct.filter((o) => o.outcome === 'stored').length <= 1, `at most one direct run stored it (${direct.map((o) => o.outcome).join(', ')})`);
    await until('the forecast as of 2025-04-09', async () => (await rows()).length === 1 && (await jobsLeft()) === 0);
    t.strictSame(await rows(), [{ account_id: 'acme-foods', as_of: '2025-04-09', made_by: 'schedule' }]);
    t.strictSame((await Promise.all(workers.map((w) => w.fireDueForecasts()))).flat(), [], 'nothing due once stored');

    clock = NEXT_DAY;
    const fired = (await Promise.all(workers.map((w) => w.fireDueForecasts()))).flat();
    t.ok(fired.length >= 1 && fired.every((j) => j.accountId === 'acme-foods' && j.asOf === '2025-04-10'), 'after local midnight: as of 2025-04-10');
    await until('the forecast as of 2025-04-10', async () => (await rows()).length === 2 && (await jobsLeft()) === 0);
    await new Promise((r) => setTimeout(r, 1000)); // a late duplicate would land now
    t.strictSame((await rows()).map((r) => r.as_of), ['2025-04-09', '2025-04-10'], 'one forecast per day');
    const f = await db.pool.query<{ target: string; n: number }>(
      `select forecast->'detail'->>'targetDate' as target, jsonb_array_length(forecast->'dayAhead') as n from forecasts where as_of = '2025-04-10'`);
    t.strictSame(f.rows, [{ target: '2025-04-11', n: 96 }], 'its day ahead is the next local day');
  });
});
