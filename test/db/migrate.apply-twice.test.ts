import { readdir } from 'node:fs/promises';
import t from 'tap';
import { migrate, MIGRATIONS_DIR, schemaStatus } from '../../src/db/migrate.js';
import { eachBackend } from '../helpers/db.js';

const TABLES = [
  'accounts', 'sites', 'meters', 'channels', 'readings', 'reading_conflicts', 'ingest_dead_letters', 'meter_events',
  'transformers', 'transformer_maintenance', 'equipment', 'pq_requirements', 'pq_equipment', 'supply_path_nodes',
  'supply_path_edges', 'tariffs', 'account_tariffs', 'bills', 'payments', 'facility_costs', 'system_totals',
  'system_reliability', 'api_keys', 'audit_log',
];

t.test('migrations apply on an empty database, and a second run applies nothing', async (t) => {
  eachBackend(t, async (t, db) => {
    const before = await schemaStatus(db.pool);
    t.equal(before.upToDate, false);
    const first = await migrate(db.pool, db.log);
    // Every file of migrations/, in order (new migrations join the list without editing this test).
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort().map((f) => f.slice(0, -'.sql'.length));
    t.strictSame(first, files);
    t.strictSame(first.slice(0, 5), ['0001_accounts', '0002_readings', '0003_readings_timescaledb', '0004_api_keys_audit', '0005_channel_versions']);
    t.strictSame(await migrate(db.pool, db.log), []);
    const after = await schemaStatus(db.pool);
    t.equal(after.upToDate, true);
    t.strictSame(after.pending, []);
    const rows = await db.pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const have = new Set(rows.rows.map((r) => r.table_name));
    t.strictSame(TABLES.filter((x) => !have.has(x)), [], 'every table of the data model exists');
    if (db.backend === 'embedded') {
      t.match(after.timescaledb, /^2\.\d+/, 'the embedded database has TimescaleDB');
    } else {
      t.equal(after.timescaledb, null, 'the PostgreSQL server has no TimescaleDB: plain tables');
    }
  }, { migrated: false });
});

t.test('with TimescaleDB: readings is a hypertable with hourly and daily continuous aggregates, policies and compression', async (t) => {
  eachBackend(t, async (t, db) => {
    if (db.backend !== 'embedded') {
      const v = await db.pool.query<{ table_name: string }>(`select table_name from information_schema.views where table_schema = 'public' order by 1`);
      t.strictSame(v.rows.map((r) => r.table_name), ['readings_daily', 'readings_hourly'], 'plain PostgreSQL: the aggregates are views');
      return;
    }
    const ht = await db.pool.query(`select hypertable_name, compression_enabled from timescaledb_information.hypertables`);
    t.strictSame(ht.rows, [{ hypertable_name: 'readings', compression_enabled: true }]);
    const dim = await db.pool.query(`select column_name from timescaledb_information.dimensions where hypertable_name = 'readings'`);
    t.strictSame(dim.rows, [{ column_name: 'ts' }]);
    const caggs = await db.pool.query(
      `select view_name, materialized_only from timescaledb_information.continuous_aggregates order by view_name`,
    );
    t.strictSame(caggs.rows, [
      { view_name: 'readings_daily', materialized_only: false },
      { view_name: 'readings_hourly', materialized_only: false },
    ]);
    const jobs = await db.pool.query<{ proc_name: string; hypertable_name: string }>(
      `select proc_name, hypertable_name from timescaledb_information.jobs where proc_name in ('policy_refresh_continuous_aggregate', 'policy_compression') order by proc_name, hypertable_name`,
    );
    t.equal(jobs.rows.filter((j) => j.proc_name === 'policy_refresh_continuous_aggregate').length, 2, 'a refresh policy per aggregate');
    t.strictSame(jobs.rows.filter((j) => j.proc_name === 'policy_compression').map((j) => j.hypertable_name), ['readings']);
  });
});
