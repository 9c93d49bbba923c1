import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { ReportService } from '../../src/reports/manager.js';
import { RUN_QUEUE, TICK_QUEUE } from '../../src/reports/queue.js';
import { createSchedule } from '../../src/reports/schedules.js';
import { eachBackend, workerPools, type TestDb } from '../helpers/db.js';
import { loadReportFixture } from '../helpers/report-fixture.js';
import { startTestSmtp } from '../helpers/smtp.js';
import { until } from '../helpers/wait.js';

/**
 * A schedule fires once per period, and each period's report is e-mailed once, with two workers running
 * (two processes' worth: each its own pool and pg-boss) that both fire the schedule and both work its
 * jobs, plus a duplicate job run on each worker at the same time. The embedded database serves one
 * process: there the races run inside one worker on its one connection.
 */
const FEB_15 = Date.UTC(2025, 1, 15, 12);
/** 06:00 on March 1 in Chicago (CST) and on April 1 (CDT), plus 30 s. */
const MAR_1_FIRE = Date.UTC(2025, 2, 1, 12, 0, 30);
const APR_1_FIRE = Date.UTC(2025, 3, 1, 11, 0, 30);

t.test('a schedule fires once per period and its report is sent once, even with two workers', async (t) => {
  eachBackend(t, async (t, db) => {
    await loadReportFixture(db, { history: false });
    const smtp = await startTestSmtp();
    t.teardown(() => smtp.close());
    let clock = FEB_15;
    const config = loadConfig({ SMTP_URL: smtp.url, REPORT_FROM: 'Reports <reports@utility.example>' });
    const pools = await workerPools(t, db);
    const workers = pools.map((p) => new ReportService({
      pool: p.pool, log: db.log, config, nowMs: () => clock, tick: false, pollingIntervalSeconds: 0.5, retryDelaySeconds: 1, retryBackoff: false,
    }));
    // Stopped before the databases close (teardowns run in reverse order).
    for (const w of workers) await w.start();
    t.teardown(async () => {
      for (const w of workers) await w.stop();
    });

    const schedule = await createSchedule(db.pool, {
      accountId: 'acme-foods', cron: '0 6 1 * *', timezone: 'America/Chicago', period: 'previous-month', format: 'pdf',
      recipients: ['facilities@acme.example', 'cfo@acme.example'],
    }, 'test', clock);
    t.equal(new Date(schedule.nextRunAtMs).toISOString(), '2025-03-01T12:00:00.000Z', 'first firing: 06:00 Chicago on March 1');

    const fireAll = async () => (await Promise.all(workers.flatMap((w) => [w.fireDue(), w.fireDue()]))).flat();
    t.same(await fireAll(), [], 'nothing is due before its time');

    const runs = async () => (await db.pool.query<{ period: string; status: string; attempts: number }>(
      'select period, status, attempts from report_runs where schedule_id = $1 order by period', [schedule.id])).rows;
    const jobsLeft = async () => Number((await db.pool.query<{ n: string }>(
      `select count(*) as n from pgboss.job where name = $1 and state < 'completed'`, [RUN_QUEUE])).rows[0]!.n);

    for (const [fireMs, period] of [[MAR_1_FIRE, '2025-02'], [APR_1_FIRE, '2025-03']] as const) {
      clock = fireMs;
      const fired = await fireAll();
      t.strictSame(fired.map((f) => f.period), [period], `one firing for ${period} among ${workers.length * 2} concurrent timekeepers`);
      t.same(await fireAll(), [], 'and none when fired again');
      // Duplicate deliveries of the same job, on every worker at once, while the queue's own job runs too.
      const direct = await Promise.all(workers.flatMap((w) => [w.runJob({ scheduleId: schedule.id, period }), w.runJob({ scheduleId: schedule.id, period })]));
      t.equal(direct.filter((o) => o === 'sent').length <= 1, true, `at most one direct run sent (${direct.join(', ')})`);
      await until(`the ${period} run`, async () => (await runs()).some((r) => r.period === period && r.status === 'sent') && (await jobsLeft()) === 0);
    }
    await new Promise((r) => setTimeout(r, 1500)); // a late duplicate would arrive now
    t.strictSame(await runs(), [{ period: '2025-02', status: 'sent', attempts: 1 }, { period: '2025-03', status: 'sent', attempts: 1 }]);
    t.equal(smtp.accepted.length, 2, 'two e-mails: one per period');
    const [feb, mar] = smtp.accepted;
    t.strictSame(feb!.rcptTo, ['facilities@acme.example', 'cfo@acme.example'], 'to every recipient');
    t.equal(feb!.mailFrom, 'reports@utility.example');
    t.equal(feb!.parsed.subject, 'Energy report 2025-02: Acme Foods Inc.');
    t.equal(feb!.parsed.attachments.length, 1);
    t.equal(feb!.parsed.attachments[0]!.filename, 'acme-foods-energy-report-2025-02.pdf');
    t.equal(feb!.parsed.attachments[0]!.contentType, 'application/pdf');
    t.equal(feb!.parsed.attachments[0]!.content.subarray(0, 5).toString('latin1'), '%PDF-');
    t.equal(mar!.parsed.attachments[0]!.filename, 'acme-foods-energy-report-2025-03.pdf');
    const stored = await db.pool.query<{ file: Buffer }>(`select file from report_runs where schedule_id = $1 and period = '2025-02'`, [schedule.id]);
    t.ok(stored.rows[0]!.file.equals(feb!.parsed.attachments[0]!.content), 'the stored file is the one sent');
  });
});

t.test('a missed firing is caught up once, for the latest period, when a worker starts', async (t) => {
  eachBackend(t, async (t, db: TestDb) => {
    await loadReportFixture(db, { history: false });
    let clock = FEB_15;
    // With the pg-boss cron tick, as `keymeter serve` runs it.
    const worker = new ReportService({ pool: db.pool, log: db.log, config: loadConfig({}), nowMs: () => clock, pollingIntervalSeconds: 0.5 });
    const schedule = await createSchedule(db.pool, {
      accountId: 'acme-foods', cron: '0 6 1 * *', timezone: 'America/Chicago', period: 'previous-month', format: 'html', recipients: ['x@acme.example'],
    }, 'test', clock);
    clock = Date.UTC(2025, 4, 20); // the service was down on March 1, April 1 and May 1
    await worker.start(); // start() fires what is due
    t.teardown(() => worker.stop());
    await until('the catch-up run', async () => (await db.pool.query(`select 1 from report_runs where schedule_id = $1`, [schedule.id])).rowCount === 1);
    const r = await db.pool.query<{ period: string; status: string; content_type: string }>(`select period, status, content_type from report_runs where schedule_id = $1`, [schedule.id]);
    t.strictSame(r.rows, [{ period: '2025-04', status: 'stored', content_type: 'text/html; charset=utf-8' }], 'only April, stored (no SMTP configured)');
    const next = await db.pool.query<{ next_run_at: Date }>(`select next_run_at from report_schedules where id = $1`, [schedule.id]);
    t.equal(next.rows[0]!.next_run_at.toISOString(), '2025-06-01T11:00:00.000Z');
    const tick = await db.pool.query<{ name: string; cron: string }>(`select name, cron from pgboss.schedule`);
    t.strictSame(tick.rows, [{ name: TICK_QUEUE, cron: '* * * * *' }], 'the once-a-minute tick is a pg-boss cron schedule');
  });
});
