import t from 'tap';
import { claimReportRun } from '../../src/db/queries/report-runs.js';
import { eachBackend } from '../helpers/db.js';
import { buildTestApp, fixtureBundle } from '../helpers/app.js';

const BODY = {
  accountId: 'acme-foods', cron: '0 6 1 * *', timezone: 'America/Chicago', period: 'previous-month', format: 'pdf', recipients: ['ops@acme.example'],
};

t.test('POST/GET /v1/report-schedules and GET /v1/reports/{reportId}', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: await fixtureBundle() });
    await app.inject({ method: 'PUT', url: '/v1/accounts/beta/bundle', headers: admin, payload: { id: 'beta', name: 'Beta', sites: [{ id: 'b1', name: 'B', timezone: 'UTC' }] } });

    const created = await app.inject({ method: 'POST', url: '/v1/report-schedules', headers: admin, payload: BODY });
    t.equal(created.statusCode, 201, created.body);
    const s = created.json();
    t.match(s, { ...BODY, createdBy: 'key:bootstrap-admin', runs: [] });
    t.match(s.id, /^[0-9a-f-]{36}$/);
    t.ok(Date.parse(s.nextRunAt) > Date.now(), 'the next firing is ahead');
    t.equal(new Date(s.nextRunAt).getUTCDate(), 1);

    // Validation: each bad field is named.
    const bad = async (payload: Record<string, unknown>, path: string, message: RegExp) => {
      const r = await app.inject({ method: 'POST', url: '/v1/report-schedules', headers: admin, payload });
      t.equal(r.statusCode, 400, path);
      t.equal(r.headers['content-type'], 'application/problem+json');
      t.match(r.json().errors, [{ path, message }], path);
    };
    await bad({ ...BODY, cron: '0 6 1 * * *' }, 'cron', /5 fields/);
    await bad({ ...BODY, cron: '0 25 * * *' }, 'cron', /not a valid cron expression/);
    await bad({ ...BODY, timezone: 'Mars/Olympus' }, 'timezone', /IANA/);
    await bad({ ...BODY, period: 'last-week' }, 'period', /./);
    await bad({ ...BODY, format: 'docx' }, 'format', /./);
    await bad({ ...BODY, recipients: ['not an address'] }, 'recipients[0]', /./);
    const missing = await app.inject({ method: 'POST', url: '/v1/report-schedules', headers: admin, payload: { ...BODY, accountId: 'nobody' } });
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().code, 'KM_ACCOUNT_NOT_FOUND');

    // Authorization: per account, and writing needs admin or the account's rep.
    const rep = await keyFor('rep', ['beta']);
    const engineer = await keyFor('engineer');
    const reportKey = await keyFor('report', ['beta']);
    t.equal((await app.inject({ method: 'POST', url: '/v1/report-schedules', headers: rep, payload: BODY })).statusCode, 403, "a rep: another account's");
    t.equal((await app.inject({ method: 'POST', url: '/v1/report-schedules', headers: engineer, payload: BODY })).statusCode, 403, 'an engineer reads only');
    t.equal((await app.inject({ method: 'POST', url: '/v1/report-schedules', headers: reportKey, payload: { ...BODY, accountId: 'beta' } })).statusCode, 403, 'a report key reads only');
    const own = await app.inject({ method: 'POST', url: '/v1/report-schedules', headers: rep, payload: { ...BODY, accountId: 'beta', format: 'html', period: 'previous-quarter', runNow: true } });
    t.equal(own.statusCode, 201, 'a rep for their own account');
    t.ok(Math.abs(Date.parse(own.json().nextRunAt) - Date.now()) < 60_000, 'runNow: due at once');

    const all = (await app.inject({ method: 'GET', url: '/v1/report-schedules', headers: admin })).json();
    t.strictSame(all.schedules.map((x: { accountId: string }) => x.accountId), ['acme-foods', 'beta'], 'admin: every schedule');
    t.strictSame((await app.inject({ method: 'GET', url: '/v1/report-schedules', headers: engineer })).json().schedules.length, 2, 'engineer: every schedule');
    const mine = (await app.inject({ method: 'GET', url: '/v1/report-schedules', headers: rep })).json();
    t.strictSame(mine.schedules.map((x: { accountId: string }) => x.accountId), ['beta'], 'a rep: only their accounts');

    // A stored run, as the worker stores it.
    const pdf = Buffer.from('%PDF-1.3\n% a report\n');
    const run = (await claimReportRun(db.pool, {
      scheduleId: s.id, accountId: 'acme-foods', period: '2025-10', format: 'pdf', contentType: 'application/pdf',
      fileName: 'acme-foods-energy-report-2025-10.pdf', file: pdf, recipients: ['ops@acme.example'], status: 'stored', leaseMs: 0,
    }))!;
    const listed = (await app.inject({ method: 'GET', url: '/v1/report-schedules', headers: admin })).json();
    t.match(listed.schedules[0].runs, [{ id: run.id, period: '2025-10', status: 'stored', attempts: 0, href: `/v1/reports/${run.id}` }]);

    const meta = await app.inject({ method: 'GET', url: `/v1/reports/${run.id}`, headers: admin });
    t.equal(meta.statusCode, 200);
    t.match(meta.headers['content-type'], /^application\/json/);
    t.match(meta.json(), { id: run.id, scheduleId: s.id, accountId: 'acme-foods', period: '2025-10', format: 'pdf', bytes: pdf.length, status: 'stored', file: `/v1/reports/${run.id}/file` });
    const asPdf = await app.inject({ method: 'GET', url: `/v1/reports/${run.id}`, headers: { ...admin, accept: 'application/pdf' } });
    t.equal(asPdf.statusCode, 200);
    t.equal(asPdf.headers['content-type'], 'application/pdf');
    t.ok(asPdf.rawPayload.equals(pdf), 'Accept: application/pdf gives the report');
    t.equal(asPdf.headers.vary, 'Accept');
    const file = await app.inject({ method: 'GET', url: `/v1/reports/${run.id}/file`, headers: admin });
    t.ok(file.rawPayload.equals(pdf));
    t.equal(file.headers['content-disposition'], 'attachment; filename="acme-foods-energy-report-2025-10.pdf"');
    t.equal((await app.inject({ method: 'GET', url: `/v1/reports/${run.id}`, headers: { ...admin, accept: 'text/html' } })).statusCode, 406, 'not an HTML run');
    t.equal((await app.inject({ method: 'GET', url: `/v1/reports/${run.id}`, headers: { ...admin, accept: '*/*' } })).headers['content-type'], 'application/json; charset=utf-8');

    const unknown = '00000000-0000-4000-8000-000000000000';
    t.equal((await app.inject({ method: 'GET', url: `/v1/reports/${unknown}`, headers: admin })).json().code, 'KM_REPORT_NOT_FOUND');
    t.equal((await app.inject({ method: 'GET', url: `/v1/reports/${unknown}`, headers: rep })).statusCode, 403, 'to a rep, unknown and foreign look alike');
    t.equal((await app.inject({ method: 'GET', url: `/v1/reports/${run.id}`, headers: rep })).statusCode, 403);
    t.equal((await app.inject({ method: 'GET', url: `/v1/reports/${run.id}/file`, headers: rep })).statusCode, 403);
    t.equal((await app.inject({ method: 'GET', url: '/v1/reports/not-a-uuid', headers: admin })).statusCode, 400);
  });
});
