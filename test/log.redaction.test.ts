import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import t from 'tap';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger, redactUrl } from '../src/log.js';
import { openDatabase } from '../src/db/pool.js';
import { createApiKey } from '../src/commands/keys.js';
import { eachBackend } from './helpers/db.js';

const run = promisify(execFile);

function memoryLog() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  return { log: createLogger('trace', stream), text: () => lines.join('') };
}

t.test('redactUrl masks the password of a connection string', async (t) => {
  t.equal(redactUrl('postgres://keymeter:s3cret%21@db.example:5432/km'), 'postgres://keymeter:***@db.example:5432/km');
  t.equal(redactUrl('postgres://db.example/km'), 'postgres://db.example/km');
  t.equal(redactUrl('not a url'), '<unparseable url>');
});

t.test('no API key or database password reaches the log, even at trace level', async (t) => {
  eachBackend(t, async (t, db) => {
    const adminKey = 'admin-key-that-must-not-leak-42';
    const mem = memoryLog();
    let url = db.url;
    let password = 'no-password-in-embedded-mode';
    if (db.backend === 'postgres') {
      // Trust auth ignores the password, so it can be any secret we then look for.
      password = 'pw-that-must-not-leak-17';
      const u = new URL(db.url);
      u.password = password;
      url = u.toString();
    }
    const config = loadConfig({ KEYMETER_ADMIN_KEY: adminKey, DATABASE_URL: db.backend === 'postgres' ? url : undefined, LOG_LEVEL: 'trace' });
    const own = db.backend === 'postgres' ? await openDatabase(config, mem.log, { max: 2 }) : db;
    t.teardown(() => (own === db ? undefined : own.close()));
    mem.log.info({ databaseUrl: url, config }, 'config at start');
    const app = await buildApp({ config, db: own, log: mem.log });
    t.teardown(() => app.close());
    const rep = await createApiKey(own.pool, 'rep', ['acme-foods']);
    await app.inject({ method: 'GET', url: '/v1/accounts', headers: { authorization: `Bearer ${adminKey}` } });
    await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods', headers: { authorization: `Bearer ${rep.key}` } });
    await app.inject({ method: 'GET', url: '/v1/accounts', headers: { authorization: `Bearer ${rep.key}x` } });
    await app.inject({ method: 'GET', url: '/readyz' });
    const text = mem.text();
    t.ok(text.includes('incoming request'), 'requests were logged at all');
    t.notOk(text.includes(adminKey), 'admin key absent');
    t.notOk(text.includes(rep.key), 'api key absent');
    t.notOk(text.includes(rep.key.slice(20)), 'no part of the secret either');
    t.notOk(text.includes(password), 'database password absent');
  });
});

t.test('the CLI does not print the password of DATABASE_URL', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL' }, async (t) => {
  const u = new URL(process.env.TEST_DATABASE_URL!);
  u.password = 'cli-pw-must-not-leak-99';
  u.pathname = '/keymeter_no_such_db_' + process.pid; // fails on connect: the error path must not leak either
  const res = await run(process.execPath, ['bin/keymeter.js', 'migrate'], { env: { ...process.env, DATABASE_URL: u.toString(), LOG_LEVEL: 'trace' } })
    .catch((e: { code: number; stdout: string; stderr: string }) => e);
  t.equal((res as { code?: number }).code, 1, 'a runtime failure exits 1');
  t.notMatch(res.stdout + res.stderr, /cli-pw-must-not-leak-99/);
  t.match(res.stderr, /keymeter_no_such_db_/, 'the error itself is reported');
});
