import t from 'tap';
import { backends } from '../helpers/db.js';
import { keymeter, startKeymeter, stop, tempDir } from '../helpers/cli.js';

const ADMIN = 'serve-test-admin-key-0123456789';

t.test('keymeter serve on the embedded database: migrates, serves, stops cleanly on SIGTERM, keeps its data', { skip: !backends().includes('embedded') && 'embedded backend skipped' }, async (t) => {
  const dir = await tempDir(t);
  const env = { KEYMETER_DATA_DIR: dir, PORT: '0', KEYMETER_ADMIN_KEY: ADMIN };
  t.equal((await keymeter(['import', 'account', 'fixtures/accounts/acme-foods.json'], env)).code, 0);

  for (const round of [1, 2]) {
    const s = await startKeymeter(['serve'], env, /"address":"(http:\/\/127\.0\.0\.1:\d+)"/);
    const base = s.match[1]!;
    t.teardown(() => { if (s.child.exitCode === null) s.child.kill('SIGKILL'); });
    const ready = await fetch(`${base}/readyz`);
    t.equal(ready.status, 200, `round ${round}: ready`);
    const acct = await fetch(`${base}/v1/accounts/acme-foods`, { headers: { authorization: `Bearer ${ADMIN}` } });
    t.equal(acct.status, 200, `round ${round}: the account is there`);
    t.equal(((await acct.json()) as { name: string }).name, 'Acme Foods Inc.');
    const docs = await fetch(`${base}/docs/`);
    t.equal(docs.status, 200, 'Swagger UI is served');
    t.match(await docs.text(), /swagger/i);
    const openapi = await fetch(`${base}/openapi.json`);
    t.equal(openapi.status, 200);
    t.equal(((await openapi.json()) as { info: { title: string } }).info.title, 'Keymeter API');
    const metrics = await fetch(`${base}/metrics`);
    t.match(await metrics.text(), /keymeter_http_requests_total\{method="GET",route="\/readyz",status="200"\} 1/);
    t.equal(await stop(s.child, round === 1 ? 'SIGTERM' : 'SIGINT'), 0, `round ${round}: exits 0`);
    t.match(s.output(), /embedded timescaledb stopped/, 'the embedded database was shut down cleanly');
  }
});
