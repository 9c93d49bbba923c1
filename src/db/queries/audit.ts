import type pg from 'pg';

export const auditQueries = {
  insert: { name: 'audit.insert_entry', text: `insert into audit_log (actor, action, account_id, detail) values ($1, $2, $3, $4::jsonb)` },
} as const;

/** One audit row: who (a key id, 'cli', 'demo'), what (`entity.verb`), for which account, and details (never secrets). */
export async function insertAudit(db: pg.Pool | pg.ClientBase, actor: string, action: string, accountId: string | null, detail: unknown): Promise<void> {
  await db.query({ ...auditQueries.insert, values: [actor, action, accountId, JSON.stringify(detail)] });
}
