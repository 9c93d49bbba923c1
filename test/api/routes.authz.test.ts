import t from 'tap';
import { eachBackend } from '../helpers/db.js';
import { buildTestApp, fixtureBundle } from '../helpers/app.js';
import { claimReportRun } from '../../src/db/queries/report-runs.js';

/**
 * Every /v1 route, taken from the app's own OpenAPI document so that a new route cannot skip this:
 * without a key it is 401; with a rep key for another account it is 403 (or, for a listing, only that
 * rep's own data), and the error says nothing about the account asked for.
 */
const SECRET_ACCOUNT = 'acme-foods';
const SECRET_METER = 'm-1001';
const SECRET_SITE = 'acme-plant-1';
const SECRET_TRANSFORMER = 't-1';

t.test('authentication and account scoping on every /v1 route', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    await app.inject({ method: 'PUT', url: `/v1/accounts/${SECRET_ACCOUNT}/bundle`, headers: admin, payload: await fixtureBundle() });
    await app.inject({ method: 'PUT', url: '/v1/accounts/beta/bundle', headers: admin, payload: { id: 'beta', name: 'Beta' } });
    const rep = await keyFor('rep', ['beta']);
    // A report schedule of the secret account with a stored run, for the /v1/report-schedules and /v1/reports routes.
    const reportSchedule = { accountId: SECRET_ACCOUNT, cron: '0 6 1 * *', timezone: 'America/Chicago', period: 'previous-month', format: 'pdf', recipients: ['ops@acme.example'] };
    const schedule = (await app.inject({ method: 'POST', url: '/v1/report-schedules', headers: admin, payload: reportSchedule })).json() as { id: string };
    const reportRun = (await claimReportRun(db.pool, {
      scheduleId: schedule.id, accountId: SECRET_ACCOUNT, period: '2025-10', format: 'pdf', contentType: 'application/pdf',
      fileName: `${SECRET_ACCOUNT}-energy-report-2025-10.pdf`, file: Buffer.from('%PDF-1.3'), recipients: [], status: 'stored', leaseMs: 0,
    }))!;
    const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).filter(([p]) => p.startsWith('/v1/')).flatMap(([p, ops]) => Object.keys(ops).map((m) => [m.toUpperCase(), p] as const));
    t.ok(routes.length >= 5, `${routes.length} routes checked`);
    t.ok(routes.some(([m, p]) => m === 'GET' && p === '/v1/accounts/{accountId}/rate-comparison'), 'the rate comparison is among them');
    t.ok(['POST /v1/report-schedules', 'GET /v1/report-schedules', 'GET /v1/reports/{reportId}', 'GET /v1/reports/{reportId}/file']
      .every((r) => routes.some(([m, p]) => `${m} ${p}` === r)), 'the report routes are among them');
    for (const [method, template] of routes) {
      const url = template.replace('{accountId}', SECRET_ACCOUNT).replace('{meterId}', SECRET_METER).replace('{siteId}', SECRET_SITE)
        .replace('{tariffId}', 'sched-gs3').replace('{transformerId}', SECRET_TRANSFORMER).replace('{reportId}', reportRun.id) + (template.includes('readings') ? '?channel=kwh_del' : '');
      const payload = method === 'PUT' || method === 'POST' ? (template === '/v1/system-totals' ? { totals: [] } : template === '/v1/report-schedules' ? reportSchedule : { id: SECRET_ACCOUNT, name: 'x' }) : undefined;
      const anon = await app.inject({ method: method as 'GET', url, ...(payload ? { payload } : {}) });
      t.equal(anon.statusCode, 401, `${method} ${template} without a key`);
      const other = await app.inject({ method: method as 'GET', url, headers: rep, ...(payload ? { payload } : {}) });
      const scoped = template.includes('{accountId}') || template.includes('{meterId}') || template.includes('{siteId}') || template.includes('{transformerId}') || template.includes('{reportId}');
      if (scoped || method !== 'GET' || template === '/v1/dead-letters') {
        t.equal(other.statusCode, 403, `${method} ${template} with another account's rep key`);
        t.equal(other.headers['content-type'], 'application/problem+json');
        // `instance` echoes the path the caller sent; everything else must say nothing about the account.
        const { instance, ...rest } = other.json() as { instance: string };
        t.equal(instance, url.split('?')[0]);
        t.notMatch(JSON.stringify(rest), new RegExp(`${SECRET_ACCOUNT}|${SECRET_METER}|Acme`), 'the error says nothing about that account');
      } else {
        t.equal(other.statusCode, 200, `${method} ${template} lists only the rep's own data`);
        t.notMatch(other.body, new RegExp(`${SECRET_ACCOUNT}|${SECRET_METER}|Acme`));
      }
    }
  });
});
