import t from 'tap';
import { AccountBundle } from '../../src/core/bundle/schema.js';
import { eachBackend } from '../helpers/db.js';
import { buildTestApp, fixtureBundle } from '../helpers/app.js';

const PROBLEM = 'application/problem+json';

t.test('PUT and GET /v1/accounts/{id}/bundle', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    const bundle = await fixtureBundle();

    const created = await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: bundle });
    t.equal(created.statusCode, 201);
    t.equal(created.headers['content-type'], 'application/json; charset=utf-8');
    t.strictSame(created.json().created, true);

    const again = await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: bundle });
    t.equal(again.statusCode, 200);
    t.strictSame(again.json(), { accountId: 'acme-foods', created: false, changedRows: 0 });

    const got = await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods/bundle', headers: admin });
    t.equal(got.statusCode, 200);
    t.strictSame(got.json(), JSON.parse(JSON.stringify(AccountBundle.parse(bundle))));

    const account = await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods', headers: await keyFor('rep', ['acme-foods']) });
    t.equal(account.statusCode, 200);
    const body = account.json();
    t.equal(body.name, 'Acme Foods Inc.');
    t.strictSame(body.sites.map((s: { id: string }) => s.id), ['acme-plant-1']);
    t.strictSame(body.sites[0].meters[0], { id: 'm-1001', commodity: 'electric', protocol: 'mqtt', channels: ['kwh_del', 'kvarh_del', 'v_a', 'v_b', 'v_c', 'thd_v_a', 'kw'] });
  });
});

t.test('a bad bundle is a 400 problem naming each bad field, and changes nothing', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin } = await buildTestApp(db);
    t.teardown(() => app.close());
    const bundle = await fixtureBundle();
    await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: bundle });
    const stored = (await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods/bundle', headers: admin })).json();

    const bad = structuredClone(bundle);
    bad.name = 'Renamed';
    bad.sites[0].timezone = 'America/Chicgo';
    bad.sites[0].meters[0].channels[0].intervalMinutes = 7;
    const res = await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: bad });
    t.equal(res.statusCode, 400);
    t.equal(res.headers['content-type'], PROBLEM);
    const problem = res.json();
    t.strictSame({ type: problem.type, title: problem.title, status: problem.status, code: problem.code, instance: problem.instance },
      { type: '/problems/validation', title: 'Request validation failed', status: 400, code: 'KM_VALIDATION', instance: '/v1/accounts/acme-foods/bundle' });
    t.strictSame(problem.errors.map((e: { path: string }) => e.path), ['sites[0].timezone', 'sites[0].meters[0].channels[0].intervalMinutes']);
    t.match(problem.detail, /sites\[0\]\.timezone/);

    const notJson = await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"id": ' });
    t.equal(notJson.statusCode, 400);
    t.equal(notJson.headers['content-type'], PROBLEM);

    const mismatch = await app.inject({ method: 'PUT', url: '/v1/accounts/other/bundle', headers: admin, payload: bundle });
    t.equal(mismatch.statusCode, 400);
    t.equal(mismatch.json().code, 'KM_BUNDLE_ID_MISMATCH');
    t.strictSame(mismatch.json().errors, [{ path: 'id', message: "must equal 'other'" }]);

    const after = (await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods/bundle', headers: admin })).json();
    t.strictSame(after, stored, 'nothing changed');
    const other = await app.inject({ method: 'GET', url: '/v1/accounts/other', headers: admin });
    t.equal(other.statusCode, 404);
    t.equal(other.json().code, 'KM_ACCOUNT_NOT_FOUND');
  });
});

t.test('authentication and per-account authorization', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    const bundle = await fixtureBundle();
    await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: bundle });
    await app.inject({ method: 'PUT', url: '/v1/accounts/beta/bundle', headers: admin, payload: { id: 'beta', name: 'Beta' } });

    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic YWRtaW46YWRtaW4=' }]) {
      const res = await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods', headers });
      t.equal(res.statusCode, 401);
      t.equal(res.headers['content-type'], PROBLEM);
      t.equal(res.headers['www-authenticate'], 'Bearer realm="keymeter"');
      t.equal(res.json().code, 'KM_UNAUTHENTICATED');
    }
    const unauthPut = await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', payload: { id: 'acme-foods', name: 'hijack' } });
    t.equal(unauthPut.statusCode, 401, 'authentication comes before validation and the handler');

    const rep = await keyFor('rep', ['acme-foods']);
    t.equal((await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods/bundle', headers: rep })).statusCode, 200);
    const forbidden = await app.inject({ method: 'GET', url: '/v1/accounts/beta', headers: rep });
    t.equal(forbidden.statusCode, 403);
    t.equal(forbidden.json().code, 'KM_FORBIDDEN');
    t.equal((await app.inject({ method: 'GET', url: '/v1/accounts/nonexistent', headers: rep })).statusCode, 403, 'a rep cannot probe which accounts exist');
    t.strictSame((await app.inject({ method: 'GET', url: '/v1/accounts', headers: rep })).json(), { accounts: [{ id: 'acme-foods', name: 'Acme Foods Inc.', segment: 'industrial' }] });
    t.equal((await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: rep, payload: bundle })).statusCode, 403, 'a rep cannot write');

    const engineer = await keyFor('engineer');
    t.equal((await app.inject({ method: 'GET', url: '/v1/accounts/beta', headers: engineer })).statusCode, 200);
    t.equal((await app.inject({ method: 'PUT', url: '/v1/accounts/beta/bundle', headers: engineer, payload: { id: 'beta', name: 'B' } })).statusCode, 403);
    t.strictSame((await app.inject({ method: 'GET', url: '/v1/accounts', headers: engineer })).json().accounts.map((a: { id: string }) => a.id), ['acme-foods', 'beta']);

    await db.pool.query(`update api_keys set revoked_at = now()`);
    const revoked = await keyFor('engineer');
    await db.pool.query(`update api_keys set revoked_at = now()`);
    t.equal((await app.inject({ method: 'GET', url: '/v1/accounts/beta', headers: revoked })).statusCode, 401, 'a revoked key is refused');
  });
});
