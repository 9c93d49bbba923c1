import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';
import type { Logger } from '../log.js';
import { classifyDbError } from './errors.js';

/** migrations/ at the package root, wherever the process was started from. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
export const MIGRATIONS_TABLE = 'keymeter_migrations';

/**
 * Applies pending migrations from migrations/ with node-pg-migrate: forward-only, all pending ones in one
 * transaction, behind its advisory lock so that concurrent runners wait instead of racing.
 * @returns the names of the migrations applied now (empty when the database was up to date).
 */
export async function migrate(pool: pg.Pool, log: Logger): Promise<string[]> {
  const client = await pool.connect();
  const onClientError = (): void => undefined; // a dropped connection rejects the runner's query instead
  client.on('error', onClientError);
  try {
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      migrationsTable: MIGRATIONS_TABLE,
      direction: 'up',
      checkOrder: true,
      singleTransaction: true,
      log: () => undefined, // its per-statement chatter; the summary below is enough
      logger: { debug: () => undefined, info: () => undefined, warn: (m: string) => log.warn({ detail: m }, 'migration warning'), error: (m: string) => log.error({ detail: m }, 'migration error') },
    });
    const names = applied.map((m) => m.name);
    if (names.length > 0) log.info({ applied: names }, 'migrations applied');
    return names;
  } catch (err) {
    throw classifyDbError(err);
  } finally {
    client.off('error', onClientError);
    client.release();
  }
}

export interface SchemaStatus {
  /** Every migration file has been applied. */
  upToDate: boolean;
  pending: string[];
  timescaledb: string | null;
}

/** Whether every file in migrations/ is recorded as applied, and the TimescaleDB version if installed. */
export async function schemaStatus(pool: pg.Pool | pg.PoolClient): Promise<SchemaStatus> {
  const { readdir } = await import('node:fs/promises');
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4)).sort();
  let applied = new Set<string>();
  const table = await pool.query<{ exists: boolean }>(`select to_regclass($1) is not null as exists`, [MIGRATIONS_TABLE]);
  if (table.rows[0]?.exists) {
    const rows = await pool.query<{ name: string }>(`select name from ${MIGRATIONS_TABLE}`);
    applied = new Set(rows.rows.map((r) => r.name));
  }
  const ts = await pool.query<{ extversion: string }>(`select extversion from pg_extension where extname = 'timescaledb'`);
  const pending = files.filter((f) => !applied.has(f));
  return { upToDate: pending.length === 0, pending, timescaledb: ts.rows[0]?.extversion ?? null };
}
