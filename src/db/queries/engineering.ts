/**
 * What the engineering analyses read besides interval series (series.ts): meter events, and a cheap
 * fingerprint of them for caches (events are not readings, so channel versions do not cover them).
 */
import type pg from 'pg';
import type { MeterEvent } from '../../core/outages.js';

export const engineeringQueries = {
  events: {
    name: 'meter_events.select_range',
    text: `select meter_id, (date_part('epoch', ts) * 1000)::float8 as ts_ms, type
             from meter_events
            where meter_id = any($1::text[]) and ts >= to_timestamp($2::float8 / 1000) and ts < to_timestamp($3::float8 / 1000)
            order by meter_id, ts, type desc`,
  },
  eventsFingerprint: {
    name: 'meter_events.fingerprint',
    text: `select count(*)::text || '/' || coalesce(max(received_at)::text, '-') as f from meter_events where meter_id = any($1::text[])`,
  },
  transformerSites: {
    name: 'transformers.select_sites',
    text: `select t.site_id, s.account_id from transformers t join sites s on s.id = t.site_id where t.id = $1 order by t.site_id`,
  },
} as const;

/** The sites (and their accounts) that have a transformer of this id: ids are unique per site only. */
export async function transformerSites(db: pg.Pool | pg.ClientBase, transformerId: string): Promise<{ siteId: string; accountId: string }[]> {
  const r = await db.query<{ site_id: string; account_id: string }>({ ...engineeringQueries.transformerSites, values: [transformerId] });
  return r.rows.map((x) => ({ siteId: x.site_id, accountId: x.account_id }));
}

/**
 * Lookback before the range: an outage that began before `fromMs` is known by its power_off. Longer
 * outages than this start at the range start (the analysis clips anyway).
 */
export const EVENT_LOOKBACK_MS = 7 * 86_400_000;

/** Events of the meters in [fromMs - EVENT_LOOKBACK_MS, toMs), per meter, in time order. */
export async function selectMeterEvents(db: pg.Pool | pg.ClientBase, meterIds: readonly string[], fromMs: number, toMs: number): Promise<Map<string, MeterEvent[]>> {
  const r = await db.query<{ meter_id: string; ts_ms: number; type: 'power_off' | 'power_on' }>({ ...engineeringQueries.events, values: [meterIds, fromMs - EVENT_LOOKBACK_MS, toMs] });
  const out = new Map<string, MeterEvent[]>();
  for (const row of r.rows) {
    const list = out.get(row.meter_id) ?? [];
    list.push({ tsMs: row.ts_ms, type: row.type });
    out.set(row.meter_id, list);
  }
  return out;
}

/** Changes whenever an event of the meters is stored: count and latest receipt. */
export async function eventsFingerprint(db: pg.Pool | pg.ClientBase, meterIds: readonly string[]): Promise<string> {
  return (await db.query<{ f: string }>({ ...engineeringQueries.eventsFingerprint, values: [meterIds] })).rows[0]!.f;
}
