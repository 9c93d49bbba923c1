/**
 * Fine series for the core: one query per channel returns the readings as two byte strings (interval
 * indexes as big-endian int4, values as big-endian float8, as int4send/float8send write them), which are
 * laid onto an aligned Float64Array with NaN for missing intervals. No JS object and no text number is
 * made per row: a bytea arrives as hex and Buffer decodes it natively (DESIGN.md "Toolchain facts": row
 * objects 367 ms, float8[] 142 ms per 3-year channel; measured here: float8[] 57 ms, bytea 38 ms, and
 * 20 meters' kWh and kvarh 2.3 s -> 0.9 s).
 */
import type pg from 'pg';
import type { IntervalSeries } from '../../core/series.js';

export const seriesQueries = {
  /**
   * Each reading's interval index from the start ($2, epoch ms) as int4 and its value as float8, in
   * binary: no sort (the index places it) and no numeric epoch (date_part is float8, extract would be
   * numeric). The two aggregates see the rows in the same order. Every stored reading is on its
   * channel's grid: ingest and the bulk path refuse the others.
   */
  channelArrays: {
    name: 'readings.select_channel_bytes',
    text: `select coalesce(string_agg(int4send(((date_part('epoch', ts) * 1000 - $2::float8) / $4::float8)::int4), ''::bytea), ''::bytea) as i,
                  coalesce(string_agg(float8send(value), ''::bytea), ''::bytea) as v
             from readings
            where channel_id = $1 and ts >= to_timestamp($2::float8 / 1000) and ts < to_timestamp($3::float8 / 1000)`,
  },
  meterChannels: {
    name: 'channels.select_by_meters',
    text: `select c.id, c.meter_id, c.kind, c.unit, c.interval_minutes, coalesce(v.version, 0)::text as version
             from channels c left join channel_versions v on v.channel_id = c.id
            where c.meter_id = any($1::text[]) order by c.meter_id, c.position`,
  },
} as const;

/**
 * The channel's readings in [fromMs, toMs) as an aligned series starting at fromMs. `fromMs` must be on
 * the channel's interval grid.
 */
export async function fetchChannelSeries(db: pg.Pool | pg.ClientBase, channelId: number, intervalMinutes: number, fromMs: number, toMs: number): Promise<IntervalSeries> {
  const stepMs = intervalMinutes * 60_000;
  const n = Math.max(0, Math.ceil((toMs - fromMs) / stepMs));
  const values = new Float64Array(n).fill(Number.NaN);
  const r = await db.query<{ i: Buffer; v: Buffer }>({ ...seriesQueries.channelArrays, values: [channelId, fromMs, toMs, stepMs] });
  const row = r.rows[0];
  if (row) {
    const { i: idx, v } = row;
    if (idx.length * 2 !== v.length) throw new Error(`series of channel ${channelId}: ${idx.length / 4} indexes but ${v.length / 8} values`);
    for (let j = 0, at = 0; j < idx.length; j += 4, at += 8) {
      const k = idx.readInt32BE(j);
      if (k >= 0 && k < n) values[k] = v.readDoubleBE(at);
    }
  }
  return { startMs: fromMs, intervalMinutes, values };
}

export interface ChannelRow {
  id: number;
  meterId: string;
  kind: string;
  unit: string | null;
  intervalMinutes: number;
  /** The channel's data version (migrations/0005), a bigint as text. */
  version: string;
}

export async function selectChannelsOfMeters(db: pg.Pool | pg.ClientBase, meterIds: readonly string[]): Promise<ChannelRow[]> {
  const r = await db.query<{ id: number; meter_id: string; kind: string; unit: string | null; interval_minutes: number; version: string }>({
    ...seriesQueries.meterChannels, values: [meterIds],
  });
  return r.rows.map((x) => ({ id: x.id, meterId: x.meter_id, kind: x.kind, unit: x.unit, intervalMinutes: x.interval_minutes, version: x.version }));
}
