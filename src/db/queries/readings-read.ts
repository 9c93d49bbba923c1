import type pg from 'pg';

export const readingsReadQueries = {
  meterAccount: {
    name: 'meters.select_account',
    text: `select s.account_id from meters m join sites s on s.id = m.site_id where m.id = $1`,
  },
  channelOfMeter: {
    name: 'channels.select_by_meter_kind',
    text: `select id, interval_minutes, unit from channels where meter_id = $1 and kind = $2`,
  },
  page: {
    name: 'readings.select_page',
    // Keyset page on the primary key (channel_id, ts); epoch ms as float8 so no Date is built per row.
    text: `select extract(epoch from ts) * 1000 as ts_ms, value, quality
             from readings
            where channel_id = $1 and ts >= $2::timestamptz and ts < $3::timestamptz
            order by ts
            limit $4`,
  },
} as const;

export async function meterAccountId(db: pg.Pool, meterId: string): Promise<string | undefined> {
  const r = await db.query<{ account_id: string }>({ ...readingsReadQueries.meterAccount, values: [meterId] });
  return r.rows[0]?.account_id;
}

export async function channelOf(db: pg.Pool, meterId: string, kind: string): Promise<{ id: number; intervalMinutes: number; unit: string | null } | undefined> {
  const r = await db.query<{ id: number; interval_minutes: number; unit: string | null }>({ ...readingsReadQueries.channelOfMeter, values: [meterId, kind] });
  const row = r.rows[0];
  return row ? { id: row.id, intervalMinutes: row.interval_minutes, unit: row.unit } : undefined;
}

export interface ReadingsPage {
  tsMs: number[];
  values: number[];
  quality: number[];
}

/** Up to `limit` readings of a channel in [fromIso, toIso), ascending. */
export async function selectReadingsPage(db: pg.Pool, channelId: number, fromIso: string, toIso: string, limit: number): Promise<ReadingsPage> {
  const r = await db.query<{ ts_ms: string | number; value: number; quality: number }>({
    ...readingsReadQueries.page, values: [channelId, fromIso, toIso, limit],
  });
  const page: ReadingsPage = { tsMs: new Array(r.rows.length), values: new Array(r.rows.length), quality: new Array(r.rows.length) };
  for (let i = 0; i < r.rows.length; i++) {
    const row = r.rows[i]!;
    page.tsMs[i] = Math.round(Number(row.ts_ms));
    page.values[i] = row.value;
    page.quality[i] = row.quality;
  }
  return page;
}
