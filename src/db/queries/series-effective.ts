/**
 * A channel's effective series (migrations/0010): per interval the latest edit, else the raw reading,
 * else an estimate, with a quality mask (src/core/vee/quality.ts: actual / estimated / edited).
 *
 * One statement, shaped like series.ts `channelArrays` so the 4.2 M-reading path keeps its cost: the
 * readings come back as the same two binary byte strings, plus the indexes of the few readings stored
 * with a quality other than actual (a FILTER on the same aggregate pass, no second scan). Estimates and
 * edits are few, so each is one small index-range subquery returning (int4 index, float8 value) pairs,
 * merged into the arrays afterwards.
 */
import type pg from 'pg';
import type { IntervalSeries } from '../../core/series.js';
import { QUALITY_ACTUAL, QUALITY_EDITED, QUALITY_ESTIMATED } from '../../core/vee/quality.js';

/** (ts - $2 ms) / $4 ms as int4: the interval index, as series.ts computes it. */
const IDX = `((date_part('epoch', ts) * 1000 - $2::float8) / $4::float8)::int4`;
const RANGE = `channel_id = $1 and ts >= to_timestamp($2::float8 / 1000) and ts < to_timestamp($3::float8 / 1000)`;

export const effectiveSeriesQueries = {
  channelArrays: {
    name: 'readings.select_channel_effective_bytes',
    text: `select coalesce(string_agg(int4send(${IDX}), ''::bytea), ''::bytea) as i,
                  coalesce(string_agg(float8send(value), ''::bytea), ''::bytea) as v,
                  coalesce(string_agg(int4send(${IDX}), ''::bytea) filter (where quality <> 0), ''::bytea) as q,
                  (select coalesce(string_agg(int4send(${IDX}) || float8send(value), ''::bytea), ''::bytea)
                     from reading_estimates where ${RANGE}) as e,
                  (select coalesce(string_agg(int4send(${IDX}) || float8send(value), ''::bytea), ''::bytea)
                     from (select distinct on (ts) ts, value from reading_edit_values where ${RANGE} order by ts, edit_id desc) latest) as d
             from readings
            where ${RANGE}`,
  },
} as const;

export interface EffectiveSeries {
  /** Effective values; NaN where the interval has no edit, reading or estimate. */
  series: IntervalSeries;
  /** Per interval: QUALITY_ACTUAL, QUALITY_ESTIMATED or QUALITY_EDITED (meaningless where the value is NaN). */
  quality: Uint8Array;
}

/**
 * The channel's effective values in [fromMs, toMs) as an aligned series starting at fromMs (on the
 * channel's grid), with their quality. A reading the meter sent as estimated is estimated; an estimate
 * fills only an interval with no reading; an edit replaces either.
 */
export async function fetchEffectiveChannelSeries(db: pg.Pool | pg.ClientBase, channelId: number, intervalMinutes: number, fromMs: number, toMs: number): Promise<EffectiveSeries> {
  const stepMs = intervalMinutes * 60_000;
  const n = Math.max(0, Math.ceil((toMs - fromMs) / stepMs));
  const values = new Float64Array(n).fill(Number.NaN);
  const quality = new Uint8Array(n).fill(QUALITY_ACTUAL);
  const r = await db.query<{ i: Buffer; v: Buffer; q: Buffer; e: Buffer; d: Buffer }>({ ...effectiveSeriesQueries.channelArrays, values: [channelId, fromMs, toMs, stepMs] });
  const row = r.rows[0];
  if (row) {
    const { i: idx, v } = row;
    if (idx.length * 2 !== v.length) throw new Error(`series of channel ${channelId}: ${idx.length / 4} indexes but ${v.length / 8} values`);
    for (let j = 0, at = 0; j < idx.length; j += 4, at += 8) {
      const k = idx.readInt32BE(j);
      if (k >= 0 && k < n) values[k] = v.readDoubleBE(at);
    }
    for (let j = 0; j < row.q.length; j += 4) {
      const k = row.q.readInt32BE(j);
      if (k >= 0 && k < n) quality[k] = QUALITY_ESTIMATED;
    }
    for (let j = 0; j < row.e.length; j += 12) {
      const k = row.e.readInt32BE(j);
      if (k >= 0 && k < n && values[k] !== values[k]) {
        values[k] = row.e.readDoubleBE(j + 4);
        quality[k] = QUALITY_ESTIMATED;
      }
    }
    for (let j = 0; j < row.d.length; j += 12) {
      const k = row.d.readInt32BE(j);
      if (k >= 0 && k < n) {
        values[k] = row.d.readDoubleBE(j + 4);
        quality[k] = QUALITY_EDITED;
      }
    }
  }
  return { series: { startMs: fromMs, intervalMinutes, values }, quality };
}
