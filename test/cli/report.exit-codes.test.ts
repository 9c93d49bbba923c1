import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { createTestDb, backends } from '../helpers/db.js';
import { keymeter, tempDir } from '../helpers/cli.js';

/**
 * `keymeter report`: exit 0 with the file written, 2 for bad usage naming the option, 1 for a runtime
 * failure. Usage errors are found before any database is opened, so they are checked once; the rest runs
 * per backend (each keymeter process opens the database anew, which the embedded one makes slow).
 */
t.test('keymeter report: bad usage exits 2 and names the option', async (t) => {
  const out = path.join(await tempDir(t), 'r.pdf');
  const usage = async (args: string[], message: RegExp, what: string) => {
    const r = await keymeter(['report', ...args], {});
    t.equal(r.code, 2, `${what}: exit 2`);
    t.match(r.stderr, message, what);
  };
  await usage(['--account', 'acme-foods', '--period', '2025-Q5', '--format', 'pdf', '--out', out], /--period: '2025-Q5' is not a period \(YYYY, YYYY-Qn or YYYY-MM\)/, 'a bad period');
  await usage(['--account', 'acme-foods', '--period', '2025-Q4', '--format', 'docx', '--out', out], /--format: 'docx' is not a report format \(pdf or html\)/, 'a bad format');
});

for (const backend of backends()) {
  t.test(`keymeter report (${backend})`, async (t) => {
    const dir = await tempDir(t);
    let env: NodeJS.ProcessEnv;
    if (backend === 'postgres') {
      const db = await createTestDb('postgres', { migrated: false });
      t.teardown(() => db.close());
      env = { DATABASE_URL: db.url };
    } else {
      env = { KEYMETER_DATA_DIR: dir };
    }
    t.equal((await keymeter(['import', 'account', 'fixtures/accounts/acme-foods.json'], env)).code, 0);
    const unknown = await keymeter(['report', '--account', 'nobody', '--period', '2025-Q4', '--format', 'pdf', '--out', path.join(dir, 'x.pdf')], env);
    t.equal(unknown.code, 2, 'an unknown account exits 2');
    t.match(unknown.stderr, /--account: no account 'nobody'/);

    const html = path.join(dir, 'acme.html');
    const ok = await keymeter(['report', '--account', 'acme-foods', '--period', '2025-10', '--format', 'html', '--out', html], env);
    t.equal(ok.code, 0, ok.stderr);
    t.match(ok.stdout, /^wrote .*acme\.html: Acme Foods Inc\., 2025-10, html, \d+ bytes$/m);
    t.match(await readFile(html, 'utf8'), /^<!DOCTYPE html>[\s\S]*Energy report: <span data-key="accountName">Acme Foods Inc\.<\/span>/);

    if (backend !== 'postgres') return;
    const pdf = await keymeter(['report', '--account', 'acme-foods', '--period', '2025', '--format', 'pdf', '--out', path.join(dir, 'no-such-dir', 'x.pdf')], env);
    t.equal(pdf.code, 1, 'an unwritable --out is a runtime failure');
    t.match(pdf.stderr, /--out: cannot write .*x\.pdf \(ENOENT\)/);
  });
}
