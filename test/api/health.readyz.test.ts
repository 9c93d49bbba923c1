import t from 'tap';
import { eachBackend } from '../helpers/db.js';
import { buildTestApp } from '../helpers/app.js';

t.test('/healthz and /readyz', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app } = await buildTestApp(db);
    t.teardown(() => app.close());
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    t.equal(health.statusCode, 200);
    t.strictSame(health.json(), { status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    t.equal(ready.statusCode, 200);
    t.strictSame(ready.json(), {
      status: 'ready',
      database: { embedded: db.backend === 'embedded', timescaledb: db.backend === 'embedded' ? '2.23.0-dev' : null, migrations: 'applied' },
    });
  });
});

t.test('/readyz is 503 while migrations are pending', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app } = await buildTestApp(db);
    t.teardown(() => app.close());
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    t.equal(res.statusCode, 503);
    t.equal(res.headers['content-type'], 'application/problem+json');
    t.equal(res.json().code, 'KM_NOT_READY');
    t.match(res.json().detail, /migrations pending: 0001_accounts/);
  }, { migrated: false });
});

t.test('/readyz is 503 when the database is gone, and /healthz still 200', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app } = await buildTestApp(db);
    t.teardown(() => app.close());
    t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    await db.close(); // the pool ends and, for the embedded database, the server stops
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    t.equal(res.statusCode, 503);
    t.equal(res.headers['content-type'], 'application/problem+json');
    t.equal(res.json().code, 'KM_NOT_READY');
    t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });
});
