import t from 'tap';
import { createTestDb } from '../helpers/db.js';
import { fixtureBundle } from '../helpers/app.js';
import { keymeter } from '../helpers/cli.js';
import { loadReportFixture } from '../helpers/report-fixture.js';
import { importBundle } from '../../src/db/bundle-store.js';

/**
 * `keymeter forecast`: stores what the daily schedule stores, keeps a stored day, exits 2 for bad usage
 * (an unknown account, a day that has not ended) and 1 when a named account cannot be forecast. On the
 * PostgreSQL server (the embedded path of the same code is covered in test/api/forecasts.stored.test.ts).
 */
t.test('keymeter forecast', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL (a second process reads the database)' }, async (t) => {
  const db = await createTestDb('postgres');
  t.teardown(() => db.close());
  await loadReportFixture(db, { windows: [[Date.UTC(2025, 0, 1, 6), Date.UTC(2025, 3, 10, 12)]] });
  await importBundle(db, await fixtureBundle('st-marys-hospital'), 'test'); // no readings
  const env = { DATABASE_URL: db.url };

  const one = await keymeter(['forecast', '--account', 'acme-foods', '--as-of', '2025-04-08'], env);
  t.equal(one.code, 0, one.stderr);
  t.match(one.stdout, /^acme-foods as of 2025-04-08: stored forecast [0-9a-f-]{36}$/m);
  const again = await keymeter(['forecast', '--account', 'acme-foods', '--as-of', '2025-04-08'], env);
  t.equal(again.code, 0);
  t.match(again.stdout, /^acme-foods as of 2025-04-08: already stored, kept$/m);

  // Every account with kWh channels (the hospital has them, with no readings), as of yesterday in its zone.
  const all = await keymeter(['forecast'], env);
  t.equal(all.code, 0, all.stderr);
  // acme-foods' data ended in April 2025: a forecast from data that old would be invented, so none.
  t.match(all.stdout, /^acme-foods as of \d{4}-\d{2}-\d{2}: no forecast \(not enough recent interval data for a forecast/m);
  t.match(all.stdout, /^st-marys-hospital as of \d{4}-\d{2}-\d{2}: no forecast \(not enough interval data for a forecast/m);
  const rows = await db.pool.query<{ as_of: string; made_by: string }>(`select as_of, made_by from forecasts order by as_of`);
  t.strictSame(rows.rows, [{ as_of: '2025-04-08', made_by: 'cli' }]);

  const named = await keymeter(['forecast', '--account', 'st-marys-hospital'], env);
  t.equal(named.code, 1, 'a named account without data is a failure');
  t.match(named.stderr, /no forecast could be made for st-marys-hospital/);
  const unknown = await keymeter(['forecast', '--account', 'nobody'], env);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /--account: no account 'nobody'/);
  const future = await keymeter(['forecast', '--account', 'acme-foods', '--as-of', '2999-01-01'], env);
  t.equal(future.code, 2);
  t.match(future.stderr, /--as-of: 2999-01-01 has not ended yet in America\/Chicago/);
  const bad = await keymeter(['forecast', '--as-of', '2025-13-01'], env);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--as-of: '2025-13-01' is not a date YYYY-MM-DD/);
});
