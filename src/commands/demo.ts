/**
 * `keymeter demo` (what `npm start` runs): the embedded TimescaleDB (unless DATABASE_URL is set),
 * migrations, the demo accounts from fixtures/accounts, a demo API key, and the API.
 * Live simulated meters and three years of history join it as the ingest issues land.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importBundle } from '../db/bundle-store.js';
import { migrate } from '../db/migrate.js';
import { createApiKey } from './keys.js';
import { readJsonFile } from './import-account.js';
import { onShutdown, openDb, type Runtime } from './runtime.js';
import { startServing } from './serve.js';

export const DEMO_ACCOUNTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/accounts');

export async function demoCommand(rt: Runtime): Promise<void> {
  const db = await openDb(rt);
  try {
    await migrate(db.pool, rt.log);
    const ids: string[] = [];
    for (const f of (await readdir(DEMO_ACCOUNTS_DIR)).filter((f) => f.endsWith('.json')).sort()) {
      const r = await importBundle(db, await readJsonFile(path.join(DEMO_ACCOUNTS_DIR, f)), 'demo');
      ids.push(r.bundle.id);
    }
    const key = await createApiKey(db.pool, 'admin', [], 'demo');
    const s = await startServing(rt, db);
    const base = s.url.replace('://0.0.0.0', '://127.0.0.1');
    process.stdout.write(
      [
        '',
        `Keymeter demo is up (${db.embedded ? 'embedded TimescaleDB in ' + rt.config.KEYMETER_DATA_DIR : db.displayUrl}).`,
        `  API        ${base}/v1`,
        `  API docs   ${base}/docs`,
        `  readiness  ${base}/readyz`,
        `  accounts   ${ids.join(', ')}`,
        `  try        curl -H "Authorization: Bearer ${key.key}" ${base}/v1/accounts/${ids[0] ?? ''}`,
        `  demo API key (admin): ${key.key}`,
        '',
      ].join('\n'),
    );
    await onShutdown(rt.log, async () => {
      await s.app.close();
      await db.close();
    });
  } catch (err) {
    await db.close();
    throw err;
  }
}
