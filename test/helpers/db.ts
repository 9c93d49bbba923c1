/**
 * Test databases (STYLE §11). Every test file gets its own database on each backend:
 * - embedded: a fresh in-memory TimescaleDB (PGlite) migrated from scratch;
 * - postgres (when TEST_DATABASE_URL is set): a database created from a migrated template
 *   (`create database ... template keymeter_tpl_<hash of migrations>`), dropped at teardown (GW).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Test } from 'tap';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import { openDatabase, type Database } from '../../src/db/pool.js';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.js';

export type Backend = 'embedded' | 'postgres';

export interface TestDb extends Database {
  readonly backend: Backend;
  /** Connection string of this test's database (embedded: the loopback socket). */
  readonly url: string;
  readonly log: Logger;
  readonly config: Config;
}

export const silentLog: Logger = createLogger('silent');

/** The backends this run covers: always embedded, plus postgres when TEST_DATABASE_URL is set. */
export function backends(): Backend[] {
  const list: Backend[] = [];
  if (process.env.KEYMETER_TEST_SKIP_EMBEDDED !== '1') list.push('embedded');
  if (process.env.TEST_DATABASE_URL) list.push('postgres');
  return list;
}

async function migrationsHash(): Promise<string> {
  const h = createHash('sha256');
  for (const f of (await readdir(MIGRATIONS_DIR)).sort()) {
    h.update(f);
    h.update(await readFile(path.join(MIGRATIONS_DIR, f)));
  }
  return h.digest('hex').slice(0, 12);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/** Creates (once per migrations hash, under an advisory lock) the migrated template on the server. */
async function ensureTemplate(adminUrl: string): Promise<string> {
  const name = `keymeter_tpl_${await migrationsHash()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock(727001)');
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      const building = `${name}_building_${process.pid}`;
      await admin.query(`create database ${pg.escapeIdentifier(building)}`);
      const db = await openDatabase(loadConfig({}), silentLog, { url: withDatabase(adminUrl, building), max: 1 });
      try {
        await migrate(db.pool, silentLog);
      } finally {
        await db.close();
      }
      await admin.query(`alter database ${pg.escapeIdentifier(building)} rename to ${pg.escapeIdentifier(name)}`);
    }
    return name;
  } finally {
    await admin.query('select pg_advisory_unlock(727001)').catch(() => undefined);
    await admin.end();
  }
}

export interface TestDbOptions {
  /** Extra environment for the config (e.g. KEYMETER_ADMIN_KEY). */
  env?: NodeJS.ProcessEnv;
  /** Leave the schema empty (migration tests). */
  migrated?: boolean;
}

export async function createTestDb(backend: Backend, options: TestDbOptions = {}): Promise<TestDb> {
  const config = loadConfig(options.env ?? {});
  const log = silentLog;
  const migrated = options.migrated ?? true;
  if (backend === 'embedded') {
    const db = await openDatabase(config, log, { inMemory: true });
    if (migrated) await migrate(db.pool, log);
    return { ...db, backend, url: db.displayUrl, log, config, close: db.close };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `keymeter_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    if (migrated) {
      const template = await ensureTemplate(adminUrl);
      await admin.query(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(template)}`);
    } else {
      await admin.query(`create database ${pg.escapeIdentifier(name)}`);
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const db = await openDatabase(config, log, { url, max: 4 });
  return {
    ...db,
    backend,
    url,
    log,
    config,
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      try {
        await a.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/**
 * Runs `fn` as one subtest per backend, each with its own database, closed afterwards.
 * Backends run one after the other so that a failure names its backend.
 */
export function eachBackend(t: Test, fn: (t: Test, db: TestDb) => Promise<void>, options: TestDbOptions = {}): void {
  for (const backend of backends()) {
    t.test(backend, async (t) => {
      const db = await createTestDb(backend, options);
      t.teardown(() => db.close());
      await fn(t, db);
    });
  }
}

/** One account 'a', site 's' (UTC), meter 'm' and a channel of `kind`; returns the channel id. */
export async function insertTestChannel(db: TestDb, kind = 'kwh_del', intervalMinutes = 15): Promise<number> {
  await db.pool.query(`insert into accounts (id, name) values ('a', 'A') on conflict do nothing`);
  await db.pool.query(`insert into sites (id, account_id, position, name, timezone) values ('s', 'a', 0, 'S', 'UTC') on conflict do nothing`);
  await db.pool.query(`insert into meters (id, site_id, position) values ('m', 's', 0) on conflict do nothing`);
  const r = await db.pool.query<{ id: number }>(
    `insert into channels (meter_id, position, kind, interval_minutes) values ('m', (select count(*) from channels where meter_id = 'm'), $1, $2) returning id`,
    [kind, intervalMinutes],
  );
  return r.rows[0]!.id;
}

/**
 * The pools of the "processes" a multi-worker test runs: the test database's own, plus on PostgreSQL a
 * second pool of its own connections (as a second process would have); the embedded database serves one.
 */
export async function workerPools(t: Test, db: TestDb): Promise<Pick<Database, 'pool'>[]> {
  const pools: Pick<Database, 'pool'>[] = [db];
  if (db.backend === 'postgres') {
    const second = await openDatabase(db.config, db.log, { url: db.url, max: 4 });
    t.teardown(() => second.close());
    pools.push(second);
  }
  return pools;
}
