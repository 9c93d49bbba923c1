/**
 * The tariff library: the `tariffs` table holds every OpenEI URDB rate item Keymeter knows, under one id
 * namespace shared by `keymeter import tariff` (a URDB label, or `--id`) and account bundles (their
 * `tariffs[].id`, linked to the account through `account_tariffs`). A site's currentTariff and
 * candidateTariffs resolve against its bundle's tariffs first, then this library.
 */
import type pg from 'pg';

export const tariffQueries = {
  /**
   * Idempotent upsert from one jsonb array: a row is written only when its name, utility or rate
   * differs (then imported_at moves too), so importing the same file twice writes nothing.
   */
  upsert: {
    name: 'tariffs.upsert_library',
    text: `insert into tariffs (id, name, utility, urdb)
           select id, name, utility, urdb from jsonb_to_recordset($1::jsonb) as x(id text, name text, utility text, urdb jsonb)
           on conflict (id) do update set (name, utility, urdb, imported_at) = row(excluded.name, excluded.utility, excluded.urdb, now())
            where (tariffs.name, tariffs.utility, tariffs.urdb) is distinct from (excluded.name, excluded.utility, excluded.urdb)
           returning id, (xmax = 0) as inserted`,
  },
  byIds: {
    name: 'tariffs.select_by_ids',
    text: `select id, name, utility, urdb from tariffs where id = any($1::text[])`,
  },
} as const;

export interface LibraryTariff {
  id: string;
  name: string | null;
  utility: string | null;
  urdb: Record<string, unknown>;
}

/** Upserts tariffs in the caller's transaction; returns the ids inserted and updated (unchanged ones in neither). */
export async function upsertTariffs(client: pg.ClientBase, tariffs: readonly LibraryTariff[]): Promise<{ inserted: string[]; updated: string[] }> {
  if (tariffs.length === 0) return { inserted: [], updated: [] };
  const r = await client.query<{ id: string; inserted: boolean }>({ ...tariffQueries.upsert, values: [JSON.stringify(tariffs)] });
  return { inserted: r.rows.filter((x) => x.inserted).map((x) => x.id), updated: r.rows.filter((x) => !x.inserted).map((x) => x.id) };
}

/** The stored tariffs among `ids` (bundle or library), in no particular order. */
export async function selectTariffsByIds(db: pg.Pool | pg.ClientBase, ids: readonly string[]): Promise<LibraryTariff[]> {
  if (ids.length === 0) return [];
  return (await db.query<LibraryTariff>({ ...tariffQueries.byIds, values: [ids] })).rows;
}
