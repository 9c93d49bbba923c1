import { unconnectedPool } from '../db/pool.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { buildApp } from './app.js';

/**
 * The OpenAPI document as the route schemas define it. Building the app opens no connection (pg pools
 * connect lazily), so this needs no database.
 */
export async function buildOpenApiDocument(): Promise<string> {
  const pool = unconnectedPool();
  const app = await buildApp({ config: loadConfig({}), db: { pool, embedded: false }, log: createLogger('silent') });
  try {
    await app.ready();
    return JSON.stringify(app.swagger(), null, 2) + '\n';
  } finally {
    await app.close();
    await pool.end();
  }
}
