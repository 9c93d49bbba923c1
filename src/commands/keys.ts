import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from '../db/pool.js';
import { ROLES, sha256, type Role } from '../api/auth.js';
import { Id } from '../core/bundle/schema.js';
import { migrate } from '../db/migrate.js';
import { withTransaction } from '../db/pool.js';
import { insertAudit } from '../db/queries/audit.js';
import { findApiKeyByHash, insertApiKey } from '../db/queries/api-keys.js';
import { openDb, UsageError, type Runtime } from './runtime.js';

/** Bytes of randomness in a key's secret part: 256 bits, so a plain SHA-256 suffices for storage. */
const KEY_SECRET_BYTES = 32;

export interface NewKey {
  id: string;
  key: string;
}

/** Creates an API key and stores its hash; the key itself is returned once and never stored. */
export async function createApiKey(pool: Pool, role: Role, accountIds: string[], label?: string, actor = 'cli'): Promise<NewKey> {
  const id = 'k_' + randomBytes(6).toString('hex');
  const key = `km_${id.slice(2)}_${randomBytes(KEY_SECRET_BYTES).toString('base64url')}`;
  await withTransaction(pool, async (c) => {
    await insertApiKey(c, { id, hash: sha256(key), role, accountIds, label });
    await insertAudit(c, actor, 'api_key.create', null, { keyId: id, role, accountIds });
  });
  return { id, key };
}

/** Where `keymeter demo` keeps its admin key, in the data directory (readable by the owner only). */
export const DEMO_KEY_FILE = 'demo-admin-key';

/**
 * The demo's admin key: the one kept in `dataDir` when the database still knows it, else a new one,
 * written there (mode 0600) so that the next start prints the same key instead of piling up new ones.
 * The database stores only its hash, as for every key.
 */
export async function demoAdminKey(pool: Pool, dataDir: string): Promise<NewKey & { reused: boolean }> {
  const file = path.join(dataDir, DEMO_KEY_FILE);
  const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (kept !== '') {
    const row = await findApiKeyByHash(pool, sha256(kept));
    if (row?.role === 'admin') return { id: row.id, key: kept, reused: true };
  }
  const key = await createApiKey(pool, 'admin', [], 'demo', 'demo');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, key.key + '\n', { mode: 0o600 });
  return { ...key, reused: false };
}

export async function keysCreateCommand(rt: Runtime, opts: { role: string; account?: string[]; label?: string }): Promise<void> {
  if (!(ROLES as readonly string[]).includes(opts.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const role = opts.role as Role;
  const accounts = opts.account ?? [];
  for (const a of accounts) if (!Id.safeParse(a).success) throw new UsageError(`--account '${a}' is not a valid account id`);
  if ((role === 'rep' || role === 'report') && accounts.length === 0) {
    throw new UsageError(`a ${role} key reads only its listed accounts: give at least one --account`);
  }
  const db = await openDb(rt);
  try {
    await migrate(db.pool, rt.log);
    const k = await createApiKey(db.pool, role, accounts, opts.label);
    rt.log.info({ keyId: k.id, role, accounts }, 'api key created');
    // The key is the last word of the output (CONTRACT.md), so scripts can take it with `awk '{print $NF}'`.
    process.stdout.write(`created ${role} key ${k.id}${accounts.length ? ` for ${accounts.join(',')}` : ''}; store it now, it is not shown again: ${k.key}\n`);
  } finally {
    await db.close();
  }
}
