import type pg from 'pg';

export const accountQueries = {
  list: {
    name: 'accounts.select_list',
    text: `select id, name, segment from accounts where $1::text[] is null or id = any($1::text[]) order by id`,
  },
  summary: {
    name: 'accounts.select_summary',
    // One round trip: the account, its sites in bundle order, their meters and channel kinds.
    text: `select a.id, a.name, a.segment, a.updated_at,
                  coalesce((select jsonb_agg(jsonb_build_object(
                      'id', s.id, 'name', s.name, 'timezone', s.timezone, 'nominalVoltage', s.nominal_voltage_v,
                      'currentTariff', s.current_tariff_id, 'candidateTariffs', to_jsonb(s.candidate_tariff_ids),
                      'meters', coalesce((select jsonb_agg(jsonb_build_object(
                          'id', m.id, 'commodity', m.commodity, 'protocol', m.protocol,
                          'channels', coalesce((select jsonb_agg(c.kind order by c.position) from channels c where c.meter_id = m.id), '[]'::jsonb))
                        order by m.position) from meters m where m.site_id = s.id), '[]'::jsonb))
                    order by s.position) from sites s where s.account_id = a.id), '[]'::jsonb) as sites
             from accounts a where a.id = $1`,
  },
} as const;

export async function listAccounts(db: pg.Pool, ids: string[] | null): Promise<{ id: string; name: string; segment: string | null }[]> {
  return (await db.query<{ id: string; name: string; segment: string | null }>({ ...accountQueries.list, values: [ids] })).rows;
}

export interface AccountSummaryRow {
  id: string;
  name: string;
  segment: string | null;
  updatedAt: string;
  sites: {
    id: string; name: string; timezone: string; nominalVoltage: number | null; currentTariff: string | null;
    candidateTariffs: string[]; meters: { id: string; commodity: string; protocol: string | null; channels: string[] }[];
  }[];
}

export async function readAccountSummary(db: pg.Pool, id: string): Promise<AccountSummaryRow | undefined> {
  const r = await db.query<{ id: string; name: string; segment: string | null; updated_at: Date; sites: AccountSummaryRow['sites'] }>({
    ...accountQueries.summary, values: [id],
  });
  const row = r.rows[0];
  return row ? { id: row.id, name: row.name, segment: row.segment, updatedAt: row.updated_at.toISOString(), sites: row.sites } : undefined;
}
