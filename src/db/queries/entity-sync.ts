/**
 * Set-based synchronisation of one table to a list of rows: one statement upserts the rows that differ
 * and one deletes the rows of the scope that are no longer listed. Rows travel as one jsonb array
 * through `jsonb_to_recordset`, which types every column (arrays, dates, jsonb) in a single parameter.
 * Unchanged rows are not written at all (`is distinct from`), so syncing the same list twice writes
 * nothing. Table and column names come only from the constant specs below, never from input.
 */
import pg from 'pg';

export interface TableSpec {
  readonly table: string;
  /** Primary-key columns. */
  readonly keys: readonly string[];
  /** Every column written, with its SQL type (keys included). */
  readonly columns: Readonly<Record<string, string>>;
  /** Column that scopes deletion: rows of this scope that are not listed are removed. */
  readonly scope: string;
}

interface Compiled {
  upsert: { name: string; text: string };
  remove: { name: string; text: string };
}

const compiled = new WeakMap<TableSpec, Compiled>();

function compile(spec: TableSpec): Compiled {
  const hit = compiled.get(spec);
  if (hit) return hit;
  const id = pg.escapeIdentifier;
  const cols = Object.keys(spec.columns);
  const valueCols = cols.filter((c) => !spec.keys.includes(c));
  const recordDef = cols.map((c) => `${id(c)} ${spec.columns[c]}`).join(', ');
  const colList = cols.map(id).join(', ');
  const t = id(spec.table);
  const onConflict =
    valueCols.length === 0
      ? 'do nothing'
      : `do update set (${valueCols.map(id).join(', ')}) = row(${valueCols.map((c) => `excluded.${id(c)}`).join(', ')})
         where (${valueCols.map((c) => `${t}.${id(c)}`).join(', ')}) is distinct from (${valueCols.map((c) => `excluded.${id(c)}`).join(', ')})`;
  const c: Compiled = {
    upsert: {
      name: `${spec.table}.sync_upsert`,
      text: `insert into ${t} (${colList})
             select ${colList} from jsonb_to_recordset($1::jsonb) as x(${recordDef})
             on conflict (${spec.keys.map(id).join(', ')}) ${onConflict}`,
    },
    remove: {
      name: `${spec.table}.sync_delete`,
      text: `delete from ${t} as t
              where t.${id(spec.scope)} = any($2::text[])
                and not exists (select 1 from jsonb_to_recordset($1::jsonb) as x(${recordDef})
                                 where ${spec.keys.map((k) => `x.${id(k)} = t.${id(k)}`).join(' and ')})`,
    },
  };
  compiled.set(spec, c);
  return c;
}

export interface SyncCount {
  written: number;
  deleted: number;
}

/** Inserts or updates `rows` (only those that differ). */
export async function upsertRows(client: pg.ClientBase, spec: TableSpec, rows: readonly Record<string, unknown>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await client.query({ ...compile(spec).upsert, values: [JSON.stringify(rows)] });
  return res.rowCount ?? 0;
}

/** Deletes rows whose scope column is in `scopeIds` and whose key is not among `rows`. */
export async function deleteMissing(client: pg.ClientBase, spec: TableSpec, rows: readonly Record<string, unknown>[], scopeIds: readonly string[]): Promise<number> {
  if (scopeIds.length === 0) return 0;
  const res = await client.query({ ...compile(spec).remove, values: [JSON.stringify(rows), scopeIds] });
  return res.rowCount ?? 0;
}

export async function syncRows(client: pg.ClientBase, spec: TableSpec, rows: readonly Record<string, unknown>[], scopeIds: readonly string[]): Promise<SyncCount> {
  const written = await upsertRows(client, spec, rows);
  const deleted = await deleteMissing(client, spec, rows, scopeIds);
  return { written, deleted };
}
