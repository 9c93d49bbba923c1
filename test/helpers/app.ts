import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/config.js';
import { createApiKey } from '../../src/commands/keys.js';
import type { Role } from '../../src/api/auth.js';
import type { TestDb } from './db.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestApp {
  app: FastifyInstance;
  /** Headers with the bootstrap admin key. */
  admin: { authorization: string };
  keyFor(role: Role, accounts?: string[]): Promise<{ authorization: string }>;
}

export async function buildTestApp(db: TestDb): Promise<TestApp> {
  const config = loadConfig({ KEYMETER_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, db, log: db.log });
  await app.ready();
  return {
    app,
    admin: { authorization: `Bearer ${ADMIN_KEY}` },
    async keyFor(role, accounts = []) {
      const k = await createApiKey(db.pool, role, accounts);
      return { authorization: `Bearer ${k.key}` };
    },
  };
}

/** A deep copy of a fixture account bundle. */
export async function fixtureBundle(name = 'acme-foods'): Promise<Record<string, any>> {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(new URL(`../../fixtures/accounts/${name}.json`, import.meta.url), 'utf8')) as Record<string, any>;
}
