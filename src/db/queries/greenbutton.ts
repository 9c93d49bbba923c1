import type pg from 'pg';

export const greenButtonQueries = {
  /**
   * How precisely a channel's values in a range must be written (the Green Button export writes integers
   * with a power of ten): their count, largest magnitude, and the most decimals any of them has.
   * `value::numeric` renders the float8 with 15 significant digits (PostgreSQL float8_numeric), so
   * 12.345 has scale 3 although its double is not exactly 12.345.
   */
  channelScale: {
    name: 'readings.select_export_scale',
    text: `select count(*)::int as n, coalesce(max(abs(value)), 0) as max_abs, coalesce(max(scale(value::numeric)), 0)::int as decimals
             from readings
            where channel_id = $1 and ts >= $2::timestamptz and ts < $3::timestamptz`,
  },
  effectiveScale: {
    name: 'readings.select_export_scale_effective',
    // As channelScale over every value the effective view may write: readings, estimates and edits.
    text: `with v as (
             select value from readings where channel_id = $1 and ts >= $2::timestamptz and ts < $3::timestamptz
             union all select value from reading_estimates where channel_id = $1 and ts >= $2::timestamptz and ts < $3::timestamptz
             union all select value from reading_edit_values where channel_id = $1 and ts >= $2::timestamptz and ts < $3::timestamptz
           )
           select count(*)::int as n, coalesce(max(abs(value)), 0) as max_abs, coalesce(max(scale(value::numeric)), 0)::int as decimals from v`,
  },
} as const;

export interface ChannelScale {
  readings: number;
  maxAbs: number;
  decimals: number;
}

/** `effective`: over readings, estimates and edits (the count is then of values, an interval may have several). */
export async function selectChannelScale(db: pg.Pool, channelId: number, fromIso: string, toIso: string, effective = false): Promise<ChannelScale> {
  const q = effective ? greenButtonQueries.effectiveScale : greenButtonQueries.channelScale;
  const r = await db.query<{ n: number; max_abs: number; decimals: number }>({ ...q, values: [channelId, fromIso, toIso] });
  const row = r.rows[0]!;
  return { readings: row.n, maxAbs: row.max_abs, decimals: row.decimals };
}
