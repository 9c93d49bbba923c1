import t from 'tap';
import { insertReadings } from '../../src/db/queries/readings.js';
import { createTestDb, insertTestChannel } from '../helpers/db.js';
import { keymeter } from '../helpers/cli.js';

const Q = 900_000;
const T0 = Date.UTC(2026, 0, 5);

t.test('keymeter vee run', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL (a second process reads the database)' }, async (t) => {
  const db = await createTestDb('postgres');
  t.teardown(() => db.close());
  const ch = await insertTestChannel(db);
  // A day of 10 kWh with a spike at 06:00 and 10:00 missing.
  const idx = Array.from({ length: 96 }, (_, i) => i).filter((i) => i !== 40);
  await insertReadings(db.pool, { channelIds: idx.map(() => ch), tsMs: idx.map((i) => T0 + i * Q), values: idx.map((i) => (i === 24 ? 90 : 10)), quality: idx.map(() => 0) }, 'test');
  const env = { DATABASE_URL: db.url };
  const r1 = await keymeter(['vee', 'run', '--meter', 'm', '--from', '2026-01-05', '--to', '2026-01-06'], env);
  t.equal(r1.code, 0, r1.stderr);
  t.equal(r1.stdout, 'm kwh_del: flags 2 written, 0 removed; estimates 1 written, 0 removed\n');
  const flags = await db.pool.query(`select extract(hour from ts at time zone 'UTC')::int as h, extract(minute from ts)::int as m, rule from reading_flags order by ts`);
  t.strictSame(flags.rows, [{ h: 6, m: 0, rule: 'spike' }, { h: 10, m: 15, rule: 'gap' }]);
  t.strictSame((await db.pool.query(`select value, method from reading_estimates`)).rows, [{ value: 10, method: 'linear' }]);
  t.equal((await keymeter(['vee', 'run', '--meter', 'm', '--from', '2026-01-05', '--to', '2026-01-06'], env)).stdout,
    'm kwh_del: flags 0 written, 0 removed; estimates 0 written, 0 removed\n', 'idempotent');

  const bad = await keymeter(['vee', 'run', '--meter', 'nope', '--from', '2026-01-05', '--to', '2026-01-06'], env);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--meter: no meter 'nope'/);
  const date = await keymeter(['vee', 'run', '--meter', 'm', '--from', '05/01/2026', '--to', '2026-01-06'], env);
  t.equal(date.code, 2);
  t.match(date.stderr, /--from: '05\/01\/2026' is not a date/);
  t.equal((await keymeter(['vee', 'run', '--meter', 'm', '--from', '2026-01-05'], env)).code, 2, '--to is required');
  t.equal((await keymeter(['vee', 'run', '--meter', 'm', '--from', '2026-01-05', '--to', '2026-01-06', '--channel', 'kw'], env)).code, 2, 'a channel the meter lacks');
});
