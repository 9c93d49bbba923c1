import type pg from 'pg';

export const apiKeyQueries = {
  findByHash: {
    name: 'api_keys.select_by_hash',
    text: `select id, role, account_ids from api_keys where hash = $1 and revoked_at is null`,
  },
  touch: {
    name: 'api_keys.update_last_used',
    // At most one write a minute per key: last_used_at is for audits, not for accounting.
    text: `update api_keys set last_used_at = now() where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
  },
  insert: {
    name: 'api_keys.insert_key',
    text: `insert into api_keys (id, hash, role, account_ids, label) values ($1, $2, $3, $4::text[], $5)`,
  },
  revoke: { name: 'api_keys.revoke_key', text: `update api_keys set revoked_at = now() where id = $1 and revoked_at is null` },
} as const;

export interface ApiKeyRow {
  id: string;
  role: string;
  accountIds: string[];
}

export async function findApiKeyByHash(db: pg.Pool | pg.ClientBase, hash: Buffer): Promise<ApiKeyRow | undefined> {
  const r = await db.query<{ id: string; role: string; account_ids: string[] }>({ ...apiKeyQueries.findByHash, values: [hash] });
  const row = r.rows[0];
  return row ? { id: row.id, role: row.role, accountIds: row.account_ids } : undefined;
}

export async function touchApiKey(db: pg.Pool, id: string): Promise<void> {
  await db.query({ ...apiKeyQueries.touch, values: [id] });
}

export async function insertApiKey(db: pg.Pool | pg.ClientBase, key: { id: string; hash: Buffer; role: string; accountIds: string[]; label?: string | undefined }): Promise<void> {
  await db.query({ ...apiKeyQueries.insert, values: [key.id, key.hash, key.role, key.accountIds, key.label ?? null] });
}
