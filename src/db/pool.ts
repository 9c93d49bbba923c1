import pg from 'pg';
import type { Config } from '../config.js';
import { redactUrl, type Logger } from '../log.js';
import { startEmbedded, type EmbeddedDatabase } from './embedded/index.js';
import { classifyDbError, isRetryable, RETRYABLE_SQLSTATES, sqlState } from './errors.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface Database {
  readonly pool: pg.Pool;
  /** Connection string with the password masked, for logs and /readyz. */
  readonly displayUrl: string;
  readonly embedded: boolean;
  /** Closes the pool, then the embedded server if there is one. */
  close(): Promise<void>;
}

/**
 * Per-pool type parsers (no global pg.types mutation, STYLE §14): `date` stays the 'YYYY-MM-DD' text it
 * is, instead of a JS Date at local midnight of the server process.
 */
const DATE_OID = 1082;
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === DATE_OID && format !== 'binary' ? (v: string) => v : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

const CONNECT_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 30_000;

export interface OpenOptions {
  /** Overrides DATABASE_URL (tests). */
  url?: string | undefined;
  /** Pool size against a server; ignored for the embedded database (always 1). */
  max?: number | undefined;
  /** Embedded only: keep the data in memory instead of KEYMETER_DATA_DIR (tests). */
  inMemory?: boolean;
  applicationName?: string;
}

/**
 * Opens the database named by DATABASE_URL, or starts the embedded TimescaleDB when it is unset.
 * Every session runs in UTC (STYLE §9) with a statement timeout.
 */
export async function openDatabase(config: Config, log: Logger, options: OpenOptions = {}): Promise<Database> {
  const url = options.url ?? config.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  let connectionString: string;
  if (url === undefined) {
    embedded = await startEmbedded({ dataDir: options.inMemory ? undefined : config.KEYMETER_DATA_DIR, log });
    connectionString = embedded.url;
  } else {
    connectionString = url;
  }
  const pool = new pg.Pool({
    connectionString,
    // PGlite serves one connection at a time (DESIGN.md "Storage").
    max: embedded ? 1 : (options.max ?? config.DB_POOL_MAX),
    connectionTimeoutMillis: embedded ? 0 : CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: embedded ? 0 : IDLE_TIMEOUT_MS,
    application_name: options.applicationName ?? 'keymeter',
    types: typeParsers,
    // Awaited by the pool before the client is handed out (pg-pool `onConnect`).
    onConnect: async (client: pg.ClientBase) => {
      if (embedded) await client.query('rollback'); // a dropped client may have left a transaction open
      await client.query(`set timezone = 'UTC'; set statement_timeout = ${Number(config.DB_STATEMENT_TIMEOUT_MS)}`);
    },
  });
  pool.on('error', (err) => log.warn({ err }, 'idle database client failed'));
  const displayUrl = redactUrl(connectionString);
  return {
    pool,
    displayUrl,
    embedded: embedded !== undefined,
    async close() {
      await pool.end().catch(() => undefined);
      await embedded?.close();
    },
  };
}

/** A pool that is never used to connect: for building the app where no database is needed (OpenAPI). */
export function unconnectedPool(): pg.Pool {
  return new pg.Pool({ max: 1 });
}

/**
 * Runs `fn` in a transaction on one client, retrying SQLSTATEs that ask for a retry with capped
 * exponential backoff. The transaction is rolled back on any error and the error is classified.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, maxAttempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw classifyDbError(err);
    }
    let broken = false;
    // pg emits 'error' on a checked-out client whose connection drops; unheard, that would end the
    // process. The query in flight rejects as well, and that is the error handled below.
    const onClientError = (): void => {
      broken = true;
    };
    client.on('error', onClientError);
    try {
      await client.query('begin');
      const result = await fn(client);
      await client.query('commit');
      return result;
    } catch (err) {
      try {
        await client.query('rollback');
      } catch {
        broken = true;
      }
      if (attempt < maxAttempts && isRetryable(err)) {
        const bounds = RETRYABLE_SQLSTATES.get(sqlState(err)!)!;
        const delayMs = Math.min(bounds.maxDelayMs, bounds.minDelayMs * 2 ** (attempt - 1));
        await new Promise((r) => setTimeout(r, delayMs * (0.5 + Math.random() / 2)));
        continue;
      }
      throw classifyDbError(err);
    } finally {
      client.off('error', onClientError);
      client.release(broken);
    }
  }
}

/** A query on the pool with errors classified (for single statements outside a transaction). */
export async function query<R extends pg.QueryResultRow>(
  pool: pg.Pool | pg.PoolClient,
  text: string | { name?: string; text: string },
  values?: unknown[],
): Promise<pg.QueryResult<R>> {
  try {
    const q = typeof text === 'string' ? { text } : text;
    return await pool.query<R>({ ...q, values: values ?? [] });
  } catch (err) {
    throw classifyDbError(err);
  }
}
