/**
 * The account's electric and other series over a period, summed over meters: what the Section 4 items
 * are computed from. Meters are summed interval by interval (an interval missing at any meter is
 * missing in the sum: a partial sum would understate the load).
 */
import { sumToInterval, type IntervalSeries } from '../core/series.js';
import { sumAligned } from '../core/transformer-loading.js';
import type { Pool } from '../db/pool.js';
import { mergeQualityInto, sumQualityToInterval } from '../core/vee/quality.js';
import type { ChannelRow } from '../db/queries/series.js';
import { fetchEffectiveChannelSeries } from '../db/queries/series-effective.js';

export interface MeterSeries {
  meterId: string;
  kwh?: IntervalSeries;
  kvarh?: IntervalSeries;
  /** The kWh intervals' VEE quality (src/core/vee/quality.ts), aligned with `kwh`. */
  kwhQuality?: Uint8Array;
}

/**
 * The interval all kWh series of the account are summed at: the most common one (15 minutes usually;
 * the finest on a tie), so demand keeps the interval most of the account's meters measure it at. Finer
 * meters whose interval divides it are summed up to it; coarser ones are left out and named.
 */
function commonInterval(rows: ChannelRow[]): number | undefined {
  const counts = new Map<number, number>();
  for (const r of rows) counts.set(r.intervalMinutes, (counts.get(r.intervalMinutes) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
}

export interface AccountSeries {
  intervalMinutes: number | undefined;
  /** Per electric meter at the common interval: kWh delivered and kvarh delivered when present. */
  electric: MeterSeries[];
  /** Electric meters left out because their kWh interval is coarser than the common one (or does not divide it). */
  skippedMeters: string[];
  /** Gas and water meters: their one channel's series and unit. */
  other: { meterId: string; commodity: 'gas' | 'water'; unit: string; series: IntervalSeries; quality: Uint8Array }[];
}

/** The series of the given channels (an account's, from selectChannelsOfMeters) over [startMs, endMs). */
export async function fetchAccountSeries(pool: Pool, rows: readonly ChannelRow[], startMs: number, endMs: number): Promise<AccountSeries> {
  const kwhRows = rows.filter((r) => r.kind === 'kwh_del');
  const intervalMinutes = commonInterval(kwhRows);
  const electric: MeterSeries[] = [];
  const skippedMeters: string[] = [];
  const fetches: Promise<void>[] = [];
  // Queries run side by side on the pool's connections (one at a time on the embedded database).
  for (const r of kwhRows) {
    // A meter at a finer interval that divides the common one is summed up to it; a coarser one cannot
    // be split, so it is left out and named.
    if (intervalMinutes === undefined || intervalMinutes % r.intervalMinutes !== 0) {
      skippedMeters.push(r.meterId);
      continue;
    }
    // Align the range to the common grid (every zone's midnight is on a 15-minute grid except :45 zones).
    const stepMs = intervalMinutes * 60_000;
    const from = Math.floor(startMs / stepMs) * stepMs;
    const to = from + Math.ceil((endMs - from) / stepMs) * stepMs;
    const m: MeterSeries = { meterId: r.meterId };
    electric.push(m);
    // Effective values (VEE: latest edit, else the reading, else an estimate) with their quality mask.
    const fetchAt = (channel: ChannelRow) => fetchEffectiveChannelSeries(pool, channel.id, channel.intervalMinutes, from, to)
      .then((e) => ({ series: sumToInterval(e.series, intervalMinutes), quality: sumQualityToInterval(e.quality, intervalMinutes / channel.intervalMinutes) }));
    fetches.push(fetchAt(r).then((e) => { m.kwh = e.series; m.kwhQuality = e.quality; }));
    const kvarh = rows.find((x) => x.meterId === r.meterId && x.kind === 'kvarh_del' && x.intervalMinutes === r.intervalMinutes);
    if (kvarh) fetches.push(fetchAt(kvarh).then((e) => { m.kvarh = e.series; }));
  }
  const other: AccountSeries['other'] = [];
  for (const r of rows.filter((x) => x.kind === 'gas' || x.kind === 'water')) {
    const stepMs = r.intervalMinutes * 60_000;
    const from = Math.floor(startMs / stepMs) * stepMs;
    const unit = r.unit ?? (r.kind === 'gas' ? 'therm' : 'gal');
    fetches.push(fetchEffectiveChannelSeries(pool, r.id, r.intervalMinutes, from, endMs).then((e) => {
      other.push({ meterId: r.meterId, commodity: r.kind as 'gas' | 'water', unit, series: e.series, quality: e.quality });
    }));
  }
  await Promise.all(fetches);
  other.sort((a, b) => a.meterId.localeCompare(b.meterId));
  return { intervalMinutes, electric, skippedMeters, other };
}

/** kWh summed over the meters; kWh and kvarh over the meters that have both (for the power factor). */
export function electricTotals(meters: readonly MeterSeries[]): { kwh?: IntervalSeries; kwhQuality?: Uint8Array; pfKwh?: IntervalSeries; pfKvarh?: IntervalSeries } {
  const kwh = meters.flatMap((m) => (m.kwh ? [m.kwh] : []));
  const both = meters.filter((m) => m.kwh && m.kvarh);
  let kwhQuality: Uint8Array | undefined;
  for (const m of meters) {
    if (!m.kwh) continue;
    const q = m.kwhQuality ?? new Uint8Array(m.kwh.values.length);
    kwhQuality = kwhQuality === undefined ? Uint8Array.from(q) : mergeQualityInto(kwhQuality, q);
  }
  return {
    ...(kwh.length ? { kwh: sumAligned(kwh), ...(kwhQuality ? { kwhQuality } : {}) } : {}),
    ...(both.length ? { pfKwh: sumAligned(both.map((m) => m.kwh!)), pfKvarh: sumAligned(both.map((m) => m.kvarh!)) } : {}),
  };
}

/**
 * The account's outdoor temperature (°C) over [startMs, endMs): its `temp` channel (of the meter first
 * by id when several have one), effective values; undefined when there is none. The forecast's
 * temperature terms read it.
 */
export async function fetchTemperature(pool: Pool, rows: readonly ChannelRow[], startMs: number, endMs: number): Promise<{ meterId: string; series: IntervalSeries } | undefined> {
  const r = rows.find((x) => x.kind === 'temp');
  if (!r) return undefined;
  const stepMs = r.intervalMinutes * 60_000;
  const from = Math.floor(startMs / stepMs) * stepMs;
  return { meterId: r.meterId, series: (await fetchEffectiveChannelSeries(pool, r.id, r.intervalMinutes, from, endMs)).series };
}
