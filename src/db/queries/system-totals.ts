import type pg from 'pg';
import type { SystemTotal } from '../../core/system-totals.js';

export const systemTotalQueries = {
  upsert: {
    name: 'system_totals.upsert_batch',
    // Idempotent: an unchanged month is not written.
    text: `insert into system_totals (month, kwh)
           select (m || '-01')::date, k from unnest($1::text[], $2::float8[]) as x(m, k)
           on conflict (month) do update set kwh = excluded.kwh where system_totals.kwh is distinct from excluded.kwh`,
  },
  list: {
    name: 'system_totals.select_range',
    text: `select to_char(month, 'YYYY-MM') as month, kwh from system_totals
            where ($1::text is null or month >= ($1 || '-01')::date) and ($2::text is null or month <= ($2 || '-01')::date)
            order by month`,
  },
} as const;

export async function upsertSystemTotals(db: pg.Pool | pg.ClientBase, totals: readonly SystemTotal[]): Promise<number> {
  if (totals.length === 0) return 0;
  const r = await db.query({ ...systemTotalQueries.upsert, values: [totals.map((t) => t.month), totals.map((t) => t.kwh)] });
  return r.rowCount ?? 0;
}

export async function listSystemTotals(db: pg.Pool | pg.ClientBase, fromMonth?: string, toMonth?: string): Promise<SystemTotal[]> {
  const r = await db.query<{ month: string; kwh: number }>({ ...systemTotalQueries.list, values: [fromMonth ?? null, toMonth ?? null] });
  return r.rows;
}
