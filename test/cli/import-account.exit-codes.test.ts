import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { createTestDb, backends } from '../helpers/db.js';
import { keymeter, tempDir } from '../helpers/cli.js';

/** The CLI against each backend: a server database by DATABASE_URL, or the embedded one in a data dir. */
for (const backend of backends()) {
  t.test(`keymeter import account (${backend})`, async (t) => {
    const dir = await tempDir(t);
    let env: NodeJS.ProcessEnv;
    if (backend === 'postgres') {
      const db = await createTestDb('postgres', { migrated: false });
      t.teardown(() => db.close());
      env = { DATABASE_URL: db.url };
    } else {
      env = { KEYMETER_DATA_DIR: dir };
    }
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ id: 'acme-foods', name: 'Acme', sites: [{ id: 's1', name: 'S', timezone: 'America/Chicgo' }] }));
    const r1 = await keymeter(['import', 'account', bad], env);
    t.equal(r1.code, 2, 'invalid input exits 2');
    t.match(r1.stderr, /bad\.json: account bundle is invalid/);
    t.match(r1.stderr, /sites\[0\]\.timezone: must be an IANA time zone/);

    const notJson = path.join(dir, 'broken.json');
    await writeFile(notJson, '{"id": ');
    const r2 = await keymeter(['import', 'account', notJson], env);
    t.equal(r2.code, 2);
    t.match(r2.stderr, /broken\.json: not valid JSON/);
    t.equal((await keymeter(['import', 'account', path.join(dir, 'missing.json')], env)).code, 2, 'a missing file exits 2');
    t.equal((await keymeter(['import', 'acount', 'x'], env)).code, 2, 'an unknown command exits 2');

    const ok1 = await keymeter(['import', 'account', 'fixtures/accounts/acme-foods.json'], env);
    t.equal(ok1.code, 0, ok1.stderr);
    t.match(ok1.stdout, /^account acme-foods: created \(\d+ rows written\)$/m);
    // A second process: for the embedded database this also shows that the data persisted in the data dir.
    const ok2 = await keymeter(['import', 'account', 'fixtures/accounts/acme-foods.json'], env);
    t.equal(ok2.code, 0, ok2.stderr);
    t.match(ok2.stdout, /^account acme-foods: unchanged \(0 rows written\)$/m);

    // The bad bundle stored nothing: s1 was never created.
    const r3 = await keymeter(['import', 'account', bad], env);
    t.equal(r3.code, 2);
    const key = await keymeter(['keys', 'create', '--role', 'rep', '--account', 'acme-foods'], env);
    t.equal(key.code, 0, key.stderr);
    t.match(key.stdout.trim().split(/\s+/).pop(), /^km_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/, 'the key is the last word of the output');
    t.equal((await keymeter(['keys', 'create', '--role', 'boss'], env)).code, 2);
  });
}
