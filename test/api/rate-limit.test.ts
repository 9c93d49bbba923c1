import t from 'tap';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/config.js';
import { createApiKey } from '../../src/commands/keys.js';
import { eachBackend } from '../helpers/db.js';

t.test('rate limiting per key, answered with a 429 problem', async (t) => {
  eachBackend(t, async (t, db) => {
    const app = await buildApp({ config: loadConfig({ RATE_LIMIT_PER_MINUTE: '3', LOG_LEVEL: 'silent' }), db, log: db.log });
    t.teardown(() => app.close());
    const a = { authorization: `Bearer ${(await createApiKey(db.pool, 'engineer', [])).key}` };
    const b = { authorization: `Bearer ${(await createApiKey(db.pool, 'engineer', [])).key}` };
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ method: 'GET', url: '/v1/accounts', headers: a })).statusCode);
    t.strictSame(codes, [200, 200, 200, 429]);
    const limited = await app.inject({ method: 'GET', url: '/v1/accounts', headers: a });
    t.equal(limited.headers['content-type'], 'application/problem+json');
    t.equal(limited.json().code, 'KM_RATE_LIMITED');
    t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After is set');
    t.equal((await app.inject({ method: 'GET', url: '/v1/accounts', headers: b })).statusCode, 200, 'another key has its own budget');
    t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'health checks are not limited');
  });
});
