import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config.js';
import { classifySendError } from '../../src/reports/mailer.js';
import { ReportService } from '../../src/reports/manager.js';
import { RUN_QUEUE } from '../../src/reports/queue.js';
import { createSchedule } from '../../src/reports/schedules.js';
import { eachBackend, type TestDb } from '../helpers/db.js';
import { loadReportFixture } from '../helpers/report-fixture.js';
import { startTestSmtp, type TestSmtpOptions } from '../helpers/smtp.js';
import { until } from '../helpers/wait.js';

/**
 * E-mail over SMTP to a server on loopback: a refused transfer (451) is retried by the queue until the
 * server takes it, once; a transfer whose outcome is unknown (the connection dropped after the whole
 * message went over) is never sent again.
 */
const CREATED = Date.UTC(2025, 1, 15, 12);
const FIRE = Date.UTC(2025, 2, 1, 12, 0, 30);

async function scenario(t: Test, db: TestDb, smtpOptions: TestSmtpOptions) {
  await loadReportFixture(db, { history: false });
  const smtp = await startTestSmtp(smtpOptions);
  t.teardown(() => smtp.close());
  let clock = CREATED;
  const worker = new ReportService({
    pool: db.pool, log: db.log, config: loadConfig({ SMTP_URL: smtp.url, REPORT_FROM: 'reports@utility.example' }),
    nowMs: () => clock, tick: false, pollingIntervalSeconds: 0.5, retryDelaySeconds: 1, retryBackoff: false, retryLimit: 4,
  });
  await worker.start();
  t.teardown(() => worker.stop());
  const schedule = await createSchedule(db.pool, {
    accountId: 'acme-foods', cron: '0 6 1 * *', timezone: 'America/Chicago', period: 'previous-month', format: 'html', recipients: ['ops@acme.example'],
  }, 'test', clock);
  clock = FIRE;
  t.equal((await worker.fireDue()).length, 1);
  const run = async () => (await db.pool.query<{ status: string; attempts: number; last_error: string | null }>(
    'select status, attempts, last_error from report_runs where schedule_id = $1', [schedule.id])).rows[0];
  const jobsLeft = async () => Number((await db.pool.query<{ n: string }>(
    `select count(*) as n from pgboss.job where name = $1 and state < 'completed'`, [RUN_QUEUE])).rows[0]!.n);
  return { smtp, run, jobsLeft };
}

t.test('a refused e-mail is retried, then sent once', async (t) => {
  eachBackend(t, async (t, db) => {
    const { smtp, run, jobsLeft } = await scenario(t, db, { rejectFirst: 2 });
    await until('the run to be sent', async () => (await run())?.status === 'sent');
    await until('the queue to drain', async () => (await jobsLeft()) === 0);
    const r = (await run())!;
    t.equal(r.attempts, 3, 'two refusals, then the third attempt');
    t.match(r.last_error, /451/, 'the last refusal is kept for the operator');
    t.equal(smtp.refused, 2);
    t.equal(smtp.accepted.length, 1, 'accepted once');
    const mail = smtp.accepted[0]!;
    t.strictSame(mail.rcptTo, ['ops@acme.example']);
    t.equal(mail.parsed.attachments[0]!.filename, 'acme-foods-energy-report-2025-02.html');
    t.match(mail.parsed.attachments[0]!.contentType, /^text\/html/);
    t.match(mail.parsed.attachments[0]!.content.toString('utf8'), /<h1>Energy report: <span data-key="accountName">Acme Foods Inc\.<\/span><\/h1>/);
  });
});

t.test('an e-mail whose delivery is unknown is not sent again', async (t) => {
  eachBackend(t, async (t, db) => {
    const { smtp, run, jobsLeft } = await scenario(t, db, { dropFirst: 1 });
    await until('the run to settle', async () => (await run())?.status === 'unknown' && (await jobsLeft()) === 0);
    await new Promise((r) => setTimeout(r, 2500)); // longer than the retry delay: no retry comes
    const r = (await run())!;
    t.equal(r.status, 'unknown');
    t.equal(r.attempts, 1);
    t.equal(smtp.refused, 1);
    t.equal(smtp.accepted.length, 0, 'no second transfer');
  });
});

t.test('send errors: a server refusal or no connection may be retried; a lost connection may not', async (t) => {
  t.equal(classifySendError({ code: 'EMESSAGE', responseCode: 451, command: 'DATA' }), 'rejected');
  t.equal(classifySendError({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }), 'rejected');
  t.equal(classifySendError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }), 'rejected');
  t.equal(classifySendError({ code: 'EAUTH', command: 'API' }), 'rejected');
  t.equal(classifySendError({ code: 'ECONNECTION', command: 'CONN' }), 'unknown', 'closed unexpectedly: maybe after the data');
  t.equal(classifySendError({ code: 'ETIMEDOUT', command: 'CONN' }), 'unknown');
  t.equal(classifySendError(new Error('anything else')), 'unknown');
});
