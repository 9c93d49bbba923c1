import t from 'tap';
import type { Test } from 'tap';
import { ErrorCodes } from '../../src/errors.js';
import { eachBackend } from '../helpers/db.js';
import { buildTestApp } from '../helpers/app.js';

/**
 * RFC 9457 §3.1: a problem document has type (a URI reference), title, status (the HTTP status) and
 * detail; members are JSON of the right types; the media type is application/problem+json.
 */
function assertProblem(t: Test, res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number): void {
  t.equal(res.statusCode, status);
  t.equal(res.headers['content-type'], 'application/problem+json');
  const p = res.json();
  t.type(p.type, 'string');
  t.match(p.type, /^\/problems\/[a-z0-9-]+$/);
  t.type(p.title, 'string');
  t.equal(p.status, status);
  t.type(p.detail, 'string');
  t.type(p.instance, 'string');
  t.ok(p.code in ErrorCodes, `${p.code} is in the error catalogue`);
  t.equal(ErrorCodes[p.code as keyof typeof ErrorCodes].status, status, 'the catalogue status is the HTTP status');
}

t.test('every error of every route is an RFC 9457 problem', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    const rep = await keyFor('rep', ['acme-foods']);
    const cases: [string, string, Record<string, string>, unknown, number][] = [
      ['GET', '/v1/accounts', {}, undefined, 401],
      ['GET', '/v1/accounts/acme-foods', {}, undefined, 401],
      ['GET', '/v1/accounts/acme-foods/bundle', {}, undefined, 401],
      ['PUT', '/v1/accounts/acme-foods/bundle', {}, { id: 'x' }, 401],
      ['GET', '/v1/accounts/bad%20id', admin, undefined, 400],
      ['GET', '/v1/accounts/nope', admin, undefined, 404],
      ['GET', '/v1/accounts/nope/bundle', admin, undefined, 404],
      ['GET', '/v1/accounts/other', rep, undefined, 403],
      ['PUT', '/v1/accounts/acme-foods/bundle', rep, { id: 'acme-foods', name: 'A' }, 403],
      ['PUT', '/v1/accounts/acme-foods/bundle', admin, { id: 'acme-foods' }, 400],
      ['PUT', '/v1/accounts/acme-foods/bundle', { ...admin, 'content-type': 'text/plain' }, 'hello', 415],
      ['GET', '/v1/no-such-route', admin, undefined, 404],
      ['DELETE', '/v1/accounts/acme-foods', admin, undefined, 404],
      ['GET', '/no-such-page', {}, undefined, 404],
    ];
    for (const [method, url, headers, payload, status] of cases) {
      const res = await app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as string }) });
      t.test(`${method} ${url} -> ${status}`, async (t) => assertProblem(t, res, status));
    }
  });
});

t.test('a 5xx never carries the detail of an unexpected error', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin } = await buildTestApp(db);
    t.teardown(() => app.close());
    await db.pool.query('drop table audit_log cascade'); // the next PUT fails inside the database
    const res = await app.inject({ method: 'PUT', url: '/v1/accounts/a/bundle', headers: admin, payload: { id: 'a', name: 'A' } });
    assertProblem(t, res, 500);
    t.equal(res.json().detail, 'internal error');
    t.notMatch(res.body, /audit_log/);
    t.type(res.json().requestId, 'string');
  });
});
