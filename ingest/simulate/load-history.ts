/**
 * Loads simulated history for demo meters straight through the bulk path (COPY into staging, then the
 * set-based merge), not through MQTT: three years of 15-minute data is about a million rows. Only the
 * gap since each meter's last stored reading is generated, and values are deterministic, so running it
 * again after a restart adds just the missing intervals.
 */
import type { Logger } from '../../src/log.js';
import { withTransaction, type Pool } from '../../src/db/pool.js';
import { copyReadings } from '../../src/db/queries/readings-bulk.js';
import { insertEvents } from '../../src/db/queries/ingest.js';
import { isCumulativeKind, type ChannelKind } from '../../src/core/channels.js';
import { generateMeterSeries, type MeterSpec } from './profile.js';

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Rows per transaction: bounded memory and progress a person can follow in the log. */
const CHUNK_DAYS = 120;
/**
 * Energy channels (what bills, load profiles and rate comparisons use) get the whole span; the
 * instantaneous ones (voltage, THD, kW, PF, Hz, current) the last 400 days, enough for a year of power
 * quality, so a three-year demo loads in seconds rather than minutes.
 */
const INSTANT_SPAN_MS = 400 * DAY_MS;
/** Channels finer than 15 minutes (the demo's 1-minute kW, what makes the live feed visible) get a week. */
const FINE_SPAN_MS = 7 * DAY_MS;

export interface HistoryTotals {
  meters: number;
  readings: number;
  events: number;
  seconds: number;
}

/** Loads [now - spanMs, last completed 15-minute boundary) for each meter, skipping what is stored. */
export async function loadHistory(pool: Pool, log: Logger, specs: readonly MeterSpec[], nowMs: number, spanMs: number): Promise<HistoryTotals> {
  const started = performance.now();
  const endMs = Math.floor(nowMs / (15 * MINUTE_MS)) * 15 * MINUTE_MS;
  const totals: HistoryTotals = { meters: 0, readings: 0, events: 0, seconds: 0 };
  for (const spec of specs) {
    const ch = await pool.query<{ kind: string; id: number; interval_minutes: number; last_ms: number | null }>(
      `select c.kind, c.id, c.interval_minutes, extract(epoch from (select max(ts) from readings r where r.channel_id = c.id)) * 1000 as last_ms
         from channels c where c.meter_id = $1`, [spec.meterId]);
    if (ch.rows.length === 0) continue;
    // Per channel: the first interval to load (after what is stored, within its span).
    const startOf = new Map<string, { id: number; fromMs: number }>();
    for (const r of ch.rows) {
      const span = r.interval_minutes < 15 ? Math.min(spanMs, FINE_SPAN_MS)
        : isCumulativeKind(r.kind as ChannelKind) ? spanMs : Math.min(spanMs, INSTANT_SPAN_MS);
      const after = r.last_ms === null ? -Infinity : Number(r.last_ms) + MINUTE_MS;
      startOf.set(r.kind, { id: r.id, fromMs: Math.max(after, endMs - span) });
    }
    const fromMs = Math.min(...[...startOf.values()].map((c) => c.fromMs));
    if (fromMs >= endMs) continue;
    totals.meters++;
    for (let a = fromMs; a < endMs; a += CHUNK_DAYS * DAY_MS) {
      const b = Math.min(endMs, a + CHUNK_DAYS * DAY_MS);
      const series = generateMeterSeries(spec, a, b);
      const channelIds: number[] = [];
      const tsMs: number[] = [];
      const values: number[] = [];
      for (const c of series.channels) {
        const target = startOf.get(c.kind);
        if (target === undefined || target.fromMs >= b) continue;
        const id = target.id;
        for (let i = 0; i < c.tsMs.length; i++) {
          // Only completed intervals: the live simulator publishes the rest as they end.
          if (c.tsMs[i]! < target.fromMs || c.tsMs[i]! + c.intervalMinutes * MINUTE_MS > endMs) continue;
          channelIds.push(id);
          tsMs.push(c.tsMs[i]!);
          values.push(c.values[i]!);
        }
      }
      const quality = new Uint8Array(channelIds.length);
      await withTransaction(pool, async (client) => {
        const out = await copyReadings(client, { channelIds, tsMs, values, quality }, 'simulator');
        totals.readings += out.inserted;
        totals.events += await insertEvents(client, series.events.map((e) => ({ meterId: spec.meterId, tsMs: e.tsMs, type: e.type, source: 'simulator' })));
      });
    }
    log.info({ meterId: spec.meterId, readings: totals.readings }, 'history loaded');
  }
  totals.seconds = Math.round((performance.now() - started) / 100) / 10;
  return totals;
}
