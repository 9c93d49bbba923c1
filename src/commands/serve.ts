import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.js';
import { migrate } from '../db/migrate.js';
import type { Database } from '../db/pool.js';
import { onShutdown, openDb, type Runtime } from './runtime.js';

export interface Serving {
  app: FastifyInstance;
  db: Database;
  /** http://host:port of the listening API. */
  url: string;
}

/** Opens the database, applies migrations, and starts the API on HOST:PORT. */
export async function startServing(rt: Runtime, db?: Database): Promise<Serving> {
  const database = db ?? (await openDb(rt));
  try {
    await migrate(database.pool, rt.log);
    const app = await buildApp({ config: rt.config, db: database, log: rt.log });
    const address = await app.listen({ host: rt.config.HOST, port: rt.config.PORT });
    rt.log.info({ address, database: database.displayUrl, embedded: database.embedded }, 'api listening');
    return { app, db: database, url: address };
  } catch (err) {
    if (!db) await database.close();
    throw err;
  }
}

export async function serveCommand(rt: Runtime): Promise<void> {
  const s = await startServing(rt);
  await onShutdown(rt.log, async () => {
    await s.app.close();
    await s.db.close();
  });
}
