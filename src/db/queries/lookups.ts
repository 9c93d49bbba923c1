import type pg from 'pg';

export const lookupQueries = {
  siteAccount: { name: 'sites.select_account', text: `select account_id from sites where id = $1` },
  tariff: { name: 'tariffs.select_one', text: `select id, name, utility, urdb, imported_at from tariffs where id = $1` },
} as const;

export async function siteAccountId(db: pg.Pool, siteId: string): Promise<string | undefined> {
  return (await db.query<{ account_id: string }>({ ...lookupQueries.siteAccount, values: [siteId] })).rows[0]?.account_id;
}

export async function selectTariff(db: pg.Pool, id: string): Promise<{ id: string; name: string | null; utility: string | null; urdb: Record<string, unknown>; importedAt: string } | undefined> {
  const r = await db.query<{ id: string; name: string | null; utility: string | null; urdb: Record<string, unknown>; imported_at: Date }>({ ...lookupQueries.tariff, values: [id] });
  const row = r.rows[0];
  return row && { id: row.id, name: row.name, utility: row.utility, urdb: row.urdb, importedAt: row.imported_at.toISOString() };
}
