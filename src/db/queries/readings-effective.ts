/**
 * A page of a channel's effective values (GET /v1/meters/{id}/readings?view=effective): every interval
 * in [from, to) that has a reading, an estimate or an edit, with the effective value (latest edit, else
 * reading, else estimate; migrations/0010) and what it came from.
 *
 * Keyset page like readings-read.ts `page`: each source contributes at most `limit` rows from `from` on,
 * so the first `limit` instants of their union are exactly the first `limit` of the page.
 */
import type pg from 'pg';

const RANGE = `channel_id = $1 and ts >= $2::timestamptz and ts < $3::timestamptz`;

export const readingsEffectiveQueries = {
  page: {
    name: 'readings.select_effective_page',
    text: `with r as (
             select ts, value, quality from readings where ${RANGE} order by ts limit $4
           ), e as (
             select ts, value, method from reading_estimates where ${RANGE} order by ts limit $4
           ), d as (
             select ts, value, edit_id from (
               select distinct on (ts) ts, value, edit_id from reading_edit_values where ${RANGE} order by ts, edit_id desc
             ) latest order by ts limit $4
           ), page as (
             select ts from r union select ts from e union select ts from d order by ts limit $4
           )
           select date_part('epoch', p.ts) * 1000 as ts_ms, r.value as raw_value, r.quality as raw_quality,
                  e.value as estimate_value, e.method, d.value as edit_value, ed.version as edit_version
             from page p
             left join r on r.ts = p.ts
             left join e on e.ts = p.ts
             left join d on d.ts = p.ts
             left join reading_edits ed on ed.id = d.edit_id
            order by p.ts`,
  },
} as const;

export interface EffectiveRow {
  tsMs: number;
  /** The stored reading, or null. */
  rawValue: number | null;
  rawQuality: number | null;
  /** The VEE estimate, or null (kept even when a reading supersedes it). */
  estimateValue: number | null;
  method: string | null;
  /** The latest edit's value and version, or null. */
  editValue: number | null;
  editVersion: number | null;
}

/** Up to `limit` intervals of a channel in [fromIso, toIso) with any of reading, estimate or edit, ascending. */
export async function selectEffectivePage(db: pg.Pool, channelId: number, fromIso: string, toIso: string, limit: number): Promise<EffectiveRow[]> {
  const r = await db.query<{ ts_ms: number; raw_value: number | null; raw_quality: number | null; estimate_value: number | null; method: string | null; edit_value: number | null; edit_version: number | null }>({
    ...readingsEffectiveQueries.page, values: [channelId, fromIso, toIso, limit],
  });
  return r.rows.map((x) => ({
    tsMs: Math.round(x.ts_ms), rawValue: x.raw_value, rawQuality: x.raw_quality, estimateValue: x.estimate_value,
    method: x.method, editValue: x.edit_value, editVersion: x.edit_version,
  }));
}
