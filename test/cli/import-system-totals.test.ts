import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { createTestDb } from '../helpers/db.js';
import { keymeter, tempDir } from '../helpers/cli.js';

t.test('keymeter import system-totals', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL (a second process reads the database)' }, async (t) => {
  const db = await createTestDb('postgres');
  t.teardown(() => db.close());
  const dir = await tempDir(t);
  const env = { DATABASE_URL: db.url };
  const good = path.join(dir, 'totals.csv');
  await writeFile(good, 'month,kwh\n2025-01,1250000000\n2025-02,1190000000.5\n');
  const r1 = await keymeter(['import', 'system-totals', good], env);
  t.equal(r1.code, 0, r1.stderr);
  t.match(r1.stdout, /2 months read, 2 written/);
  t.match((await keymeter(['import', 'system-totals', good], env)).stdout, /2 months read, 0 written/, 'idempotent');

  const bad = path.join(dir, 'bad.csv');
  await writeFile(bad, 'month,kwh\n2025-03,1\n2025-13,2\n2025-04,-5\n');
  const r2 = await keymeter(['import', 'system-totals', bad], env);
  t.equal(r2.code, 2);
  t.match(r2.stderr, /line 3: month: '2025-13' is not a month YYYY-MM/);
  t.match(r2.stderr, /line 4: kwh: '-5' is not a non-negative number/);
  const header = path.join(dir, 'header.csv');
  await writeFile(header, 'date,value\n2025-03,1\n');
  t.match((await keymeter(['import', 'system-totals', header], env)).stderr, /line 1: the header must be month,kwh/);

  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  t.teardown(() => c.end());
  t.strictSame((await c.query(`select to_char(month, 'YYYY-MM') as month, kwh from system_totals order by month`)).rows,
    [{ month: '2025-01', kwh: 1250000000 }, { month: '2025-02', kwh: 1190000000.5 }], 'a bad file stored nothing');
});
