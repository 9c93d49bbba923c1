import pg from 'pg';
import t from 'tap';
import { startEmbedded } from '../../src/db/embedded/index.js';
import { migrate } from '../../src/db/migrate.js';
import { backends, silentLog } from '../helpers/db.js';
import { tempDir } from '../helpers/cli.js';

// Regression: a reopened embedded data dir lacked TimescaleDB's library (no shared_preload_libraries in
// PGlite), so every insert into the readings hypertable failed after a restart.
t.test('the embedded database keeps its data across restarts and can still write the hypertable', { skip: !backends().includes('embedded') && 'embedded skipped' }, async (t) => {
  const dir = await tempDir(t);
  const run = async (sql: string[]): Promise<unknown[]> => {
    const e = await startEmbedded({ dataDir: dir });
    const pool = new pg.Pool({ connectionString: e.url, max: 1 });
    try {
      await migrate(pool, silentLog);
      const out: unknown[] = [];
      for (const s of sql) out.push((await pool.query(s)).rows);
      return out;
    } finally {
      await pool.end();
      await e.close();
    }
  };
  await run([
    `insert into accounts (id, name) values ('a', 'A')`,
    `insert into sites (id, account_id, position, name, timezone) values ('s', 'a', 0, 'S', 'UTC')`,
    `insert into meters (id, site_id, position) values ('m', 's', 0)`,
    `insert into channels (meter_id, position, kind, interval_minutes) values ('m', 0, 'kwh_del', 15)`,
    `insert into readings (channel_id, ts, value) select id, '2026-01-05T10:00:00Z', 1 from channels`,
  ]);
  const second = await run([
    `insert into readings (channel_id, ts, value) select id, '2026-01-05T10:15:00Z', 2 from channels`,
    `select value from readings order by ts`,
    `select count(*)::int as n from timescaledb_information.hypertables`,
  ]);
  t.strictSame(second.slice(1), [[{ value: 1 }, { value: 2 }], [{ n: 1 }]]);
});
