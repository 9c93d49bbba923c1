/**
 * Databases for DB benchmarks: a fresh in-memory embedded TimescaleDB, and a scratch database on a
 * PostgreSQL server that is created for the run and dropped afterwards (GW: a fresh database per test file).
 */
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/pool.js';
import { migrate } from '../src/db/migrate.js';
import type { BenchContext } from './registry.js';

export type Backend = 'embedded' | 'postgres';

/** How long closing may take: a database that hung mid-query can leave its close pending forever. */
const CLOSE_TIMEOUT_MS = 10_000;

/** BENCH_BACKENDS; by default embedded always and postgres when the runner was given a server. */
export function benchBackends(ctx: BenchContext): Backend[] {
  return [...ctx.backends];
}

/** Opens and migrates a fresh database on `backend`. `close()` also drops the scratch database. */
export async function openBenchDatabase(backend: Backend, ctx: BenchContext): Promise<Database> {
  if (backend === 'embedded') {
    if (ctx.config.DATABASE_URL !== undefined) throw new Error('bench config must leave DATABASE_URL unset');
    return migrated(await openDatabase(ctx.config, ctx.log, { url: undefined, inMemory: true }), ctx, async () => {});
  }
  const serverUrl = ctx.serverUrl;
  if (serverUrl === undefined) throw new Error('postgres backend needs BENCH_DATABASE_URL or TEST_DATABASE_URL');
  const name = `keymeter_bench_${process.pid}`;
  const drop = () => adminQuery(serverUrl, `drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  await drop();
  await adminQuery(serverUrl, `create database ${pg.escapeIdentifier(name)}`);
  const url = new URL(serverUrl);
  url.pathname = '/' + name;
  const db = await openDatabase(ctx.config, ctx.log, { url: url.toString(), max: 2, applicationName: 'keymeter-bench' }).catch(async (err: unknown) => {
    await drop();
    throw err;
  });
  return migrated(db, ctx, drop);
}

/** `db` migrated, with a `close()` that is bounded in time and then runs `cleanup`. */
async function migrated(db: Database, ctx: BenchContext, cleanup: () => Promise<void>): Promise<Database> {
  const close = async (): Promise<void> => {
    const outcome = await withTimeout(db.close(), CLOSE_TIMEOUT_MS, 'closing the database').catch((err: unknown) => err);
    if (outcome !== undefined) process.stderr.write(`bench: ${describeError(outcome)}\n`);
    await cleanup();
  };
  try {
    await migrate(db.pool, ctx.log);
  } catch (err) {
    await close();
    throw err;
  }
  return { ...db, close };
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl, application_name: 'keymeter-bench' });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/** Rejects with `<what> timed out after <ms> ms` unless `p` settles first. The timer never holds the process. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** One line for a report: the message, followed by the messages of its causes. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && parts.length < 4; e = (e as { cause?: unknown }).cause) {
    const msg = e instanceof Error ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e);
    if (!parts.includes(msg)) parts.push(msg);
    if (!(e instanceof Error)) break;
  }
  return parts.join(' <- ');
}
