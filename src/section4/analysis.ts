/**
 * The part of the Section 4 document computed from interval data (items 1, 3 and the transformer
 * loading of 6): the expensive part, so it is cached. The cache key holds every input: the zone, the
 * range, each channel read with its version (migrations/0005: raised by every write that adds
 * readings), and the transformers' ratings and meters. A write that commits changes a version, so the
 * next request recomputes; nothing is ever served from data older than what the versions say.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AccountBundle } from '../core/bundle/schema.js';
import { localCalendar } from '../core/calendar.js';
import { consumptionTotals, electricConsumption } from '../core/consumption.js';
import { loadFactors } from '../core/load-factor.js';
import { loadProfile, type LoadProfile } from '../core/load-profile.js';
import { powerFactors } from '../core/power-factor.js';
import { sumAligned, transformerLoading } from '../core/transformer-loading.js';
import type { IntervalSeries } from '../core/series.js';
import type { Pool } from '../db/pool.js';
import { selectChannelsOfMeters } from '../db/queries/series.js';
import type { TransformerThermal } from '../core/transformer-thermal.js';
import { eventsFingerprint, selectMeterEvents } from '../db/queries/engineering.js';
import { accountForecast } from '../forecasts/compute.js';
import { accountOutages, powerQualitySummary, sitePowerQuality, transformerAging } from './engineering.js';
import { siteRateComparisons, type RateInputs, type SiteRateComparison } from './rate-analysis.js';
import { electricTotals, fetchAccountSeries, fetchTemperature } from './series.js';

/** Energy to the Wh (3 decimals of kWh), ratios to 4 decimals: what a plan shows, without float noise. */
export const r3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);
export const r4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10000) / 10000);

export interface SeriesAnalysis {
  electric: Record<string, unknown>;
  factors: Record<string, unknown>;
  /** Monthly electric kWh with completeness, for the system share. */
  monthlyKwh: { month: string; kwh: number | null; completeness: number }[];
  gas: Record<string, unknown>;
  water: Record<string, unknown>;
  /** Transformer id -> loading from its meters (absent: no rating or no metered data). */
  transformerLoading: Record<string, ReturnType<typeof transformerLoading>>;
  /** Item 5 per site, in the order of `RateInputs.sites` (rate-analysis.ts); empty without rate inputs. */
  rateComparison: SiteRateComparison[];
  /** Transformer id -> IEEE C57.91 aging over the period (engineering.ts transformerAging, without the hourly series). */
  transformerAging: Record<string, Omit<TransformerThermal, 'hourly'>>;
  /** Item 10 (engineering.ts accountOutages). */
  outages: Record<string, unknown>;
  /** Item 8 per site with its Section 4 summary. */
  powerQuality: { siteId: string; meterId: string | null; status: string | null; summary: ReturnType<typeof powerQualitySummary> }[];
  /** Item 12, or why there is none. */
  forecast: Record<string, unknown>;
}

/** Analyses kept in memory, bounded by their approximate size. */
export type AnalysisCache = LRUCache<string, SeriesAnalysis>;

export function createAnalysisCache(maxMegabytes: number): AnalysisCache | undefined {
  if (maxMegabytes <= 0) return undefined;
  return new LRUCache<string, SeriesAnalysis>({
    maxSize: maxMegabytes * 1024 * 1024,
    // Rough bytes of a cached analysis: its daily rows and profile slots dominate.
    sizeCalculation: (a) => 1024 + 200 * ((a.electric.daily as unknown[] | undefined)?.length ?? 0) + profileBytes(a.electric.profiles as LoadProfile | undefined) + rateBytes(a.rateComparison),
  });
}

/** About 1.5 kB per tariff-month (its energy and demand lines) and per reconstructed bill. */
function rateBytes(sites: readonly SiteRateComparison[]): number {
  return 1500 * sites.reduce((n, s) => n + s.tariffs.reduce((m, t) => m + t.monthly.length, 0) + (s.billReconstruction?.bills.length ?? 0), 0);
}

function profileBytes(p: LoadProfile | undefined): number {
  if (!p) return 0;
  return 40 * (p.durationCurve.length + p.slotsPerDay * 2 * p.monthly.length + 2 * 7 * 24);
}

/**
 * The analysis of the account's interval data over [startMs, endMs), from the cache when its inputs are
 * unchanged. `rates` (the sites' tariffs with their URDB JSON, bill periods and amounts, holiday calendars
 * and zones) feeds item 5; it is part of the key through its SHA-256, so a changed tariff or bill is
 * recomputed like new readings are.
 */
export async function analyseSeries(pool: Pool, bundle: AccountBundle, timeZone: string, startMs: number, endMs: number, cache?: AnalysisCache, rates?: RateInputs): Promise<SeriesAnalysis> {
  const channels = await selectChannelsOfMeters(pool, bundle.sites.flatMap((s) => s.meters.map((m) => m.id)));
  const transformers = bundle.sites.flatMap((s) => s.transformers.map((t) => [t.id, t.kva ?? null, t.meterIds]));
  const ratesKey = rates === undefined ? null : createHash('sha256').update(JSON.stringify(rates)).digest('base64');
  // Events are not readings: their own fingerprint. The sites' nominal voltage, holidays and the
  // transformers' thermal data feed items 6, 8, 10 and 12, so the bundle's sites are hashed in too.
  const events = await eventsFingerprint(pool, channels.map((c) => c.meterId));
  const sitesKey = createHash('sha256').update(JSON.stringify(bundle.sites)).digest('base64');
  const key = JSON.stringify([timeZone, startMs, endMs, channels.map((c) => [c.id, c.version, c.meterId, c.kind, c.unit, c.intervalMinutes]), transformers, ratesKey, events, sitesKey]);
  const hit = cache?.get(key);
  if (hit) return hit;
  const analysis = await compute(pool, bundle, timeZone, startMs, endMs, channels, rates);
  // Frozen: every later request shares it, so a renderer that mutated it would corrupt them all.
  if (cache) cache.set(key, deepFreeze(analysis));
  return analysis;
}

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

async function compute(pool: Pool, bundle: AccountBundle, timeZone: string, startMs: number, endMs: number, channels: Awaited<ReturnType<typeof selectChannelsOfMeters>>, rates: RateInputs | undefined): Promise<SeriesAnalysis> {
  const series = await fetchAccountSeries(pool, channels, startMs, endMs);
  const totals = electricTotals(series.electric);
  let electric: Record<string, unknown> = { status: 'no electric interval data', monthly: [] };
  let factors: Record<string, unknown> = { monthly: [], annual: [] };
  let monthlyKwh: SeriesAnalysis['monthlyKwh'] = [];
  if (totals.kwh) {
    const cal = localCalendar(totals.kwh, timeZone);
    const ec = electricConsumption(totals.kwh, cal, totals.kwhQuality);
    const lf = loadFactors(ec);
    const pf = totals.pfKwh && totals.pfKvarh ? powerFactors(totals.pfKwh, totals.pfKvarh, cal, { peaks: ec.peaks }) : undefined;
    const profile = loadProfile(totals.kwh, cal);
    monthlyKwh = ec.monthly.map((m) => ({ month: m.month, kwh: m.kwh, completeness: m.completeness }));
    electric = {
      unit: 'kWh',
      intervalMinutes: ec.intervalMinutes,
      meters: series.electric.map((m) => m.meterId),
      ...(series.skippedMeters.length ? { metersAtOtherIntervals: series.skippedMeters } : {}),
      monthly: ec.monthly.map((m) => ({ month: m.month, kwh: r3(m.kwh), peakKw: r3(m.peakKw), peakAt: m.peakAt, completeness: m.completeness, estimatedShare: m.estimatedShare ?? 0 })),
      annual: ec.annual.map((y) => ({ year: y.year, kwh: r3(y.kwh), peakKw: r3(y.peakKw), peakAt: y.peakAt, completeness: y.completeness, estimatedShare: y.estimatedShare ?? 0 })),
      daily: ec.daily.map((d) => ({ date: d.date, kwh: r3(d.kwh), completeness: d.completeness, estimatedShare: d.estimatedShare ?? 0 })),
      profiles: profile,
    };
    const byMonth = new Map(pf?.monthly.map((p) => [p.month, p]) ?? []);
    const byYear = new Map(pf?.annual.map((p) => [p.year, p]) ?? []);
    factors = {
      powerFactorThreshold: pf?.thresholdPf ?? null,
      monthly: lf.monthly.map((m) => {
        const p = byMonth.get(m.month);
        return { month: m.month, loadFactor: r4(m.loadFactor), powerFactor: r4(p?.powerFactor ?? null), direction: p?.direction ?? null, powerFactorAtPeak: r4(p?.atPeak ?? null), belowThresholdShare: p?.belowThresholdShare ?? null, completeness: m.completeness };
      }),
      annual: lf.annual.map((y) => {
        const p = byYear.get(y.year);
        return { year: y.year, loadFactor: r4(y.loadFactor), powerFactor: r4(p?.powerFactor ?? null), direction: p?.direction ?? null, powerFactorAtPeak: r4(p?.atPeak ?? null), belowThresholdShare: p?.belowThresholdShare ?? null, completeness: y.completeness };
      }),
    };
  }
  const other = (commodity: 'gas' | 'water'): Record<string, unknown> => {
    const list = series.other.filter((o) => o.commodity === commodity);
    if (list.length === 0) return { status: `no ${commodity} interval data`, monthly: [] };
    const monthly: { month: string; quantity: number | null; unit: string; completeness: number; estimatedShare: number; meterId: string }[] = [];
    for (const o of list) {
      const c = consumptionTotals(o.series, localCalendar(o.series, timeZone), o.quality);
      for (const m of c.monthly) monthly.push({ month: m.month, quantity: r3(m.quantity), unit: o.unit, completeness: m.completeness, estimatedShare: m.estimatedShare ?? 0, meterId: o.meterId });
    }
    monthly.sort((a, b) => a.month.localeCompare(b.month) || a.meterId.localeCompare(b.meterId));
    return { meters: list.map((o) => o.meterId), monthly };
  };
  const loading: SeriesAnalysis['transformerLoading'] = {};
  for (const tr of bundle.sites.flatMap((s) => s.transformers)) {
    const meters = series.electric.filter((m) => tr.meterIds.includes(m.meterId) && m.kwh);
    if (tr.kva === undefined || meters.length === 0) continue;
    const kwh = sumAligned(meters.map((m) => m.kwh!));
    const withKvarh = meters.every((m) => m.kvarh);
    loading[tr.id] = transformerLoading(kwh, withKvarh ? sumAligned(meters.map((m) => m.kvarh!)) : undefined, tr.kva);
  }
  const rateComparison = rates === undefined ? [] : siteRateComparisons(rates, series.electric);

  // Item 6: IEEE C57.91 aging from the same summed load as the loading above.
  const aging: SeriesAnalysis['transformerAging'] = {};
  for (const tr of bundle.sites.flatMap((s) => s.transformers)) {
    const meters = series.electric.filter((m) => tr.meterIds.includes(m.meterId) && m.kwh);
    if (meters.length === 0) continue;
    const kvarh = meters.every((m) => m.kvarh) ? sumAligned(meters.map((m) => m.kvarh!)) : undefined;
    const thermal = transformerAging(tr, sumAligned(meters.map((m) => m.kwh!)), kvarh);
    if (thermal) {
      const { hourly: _hourly, ...summary } = thermal;
      aging[tr.id] = summary;
    }
  }
  // Items 8 and 10 from voltages, THD, reporting and events.
  const meterIds = [...new Set(channels.map((c) => c.meterId))];
  const events = await selectMeterEvents(pool, meterIds, startMs, endMs);
  const outages = await accountOutages(pool, bundle, channels, events, startMs, endMs);
  const powerQuality: SeriesAnalysis['powerQuality'] = [];
  for (const site of bundle.sites) {
    const pq = await sitePowerQuality(pool, site, channels, startMs, endMs);
    powerQuality.push({ siteId: site.id, meterId: pq.meterId, status: pq.status ?? null, summary: powerQualitySummary(pq) });
  }
  return {
    electric, factors, monthlyKwh, gas: other('gas'), water: other('water'), transformerLoading: loading, rateComparison,
    transformerAging: aging, outages, powerQuality,
    forecast: forecastItem(bundle, timeZone, totals.kwh, await fetchTemperature(pool, channels, startMs, endMs)),
  };
}

/**
 * Item 12: day-ahead and 12-month forecasts from the account's kWh up to the end of the period, with
 * the site's public holidays (bundle `holidays`) that its load shows it closes on as Sundays
 * (src/forecasts/compute.ts). The detail of the
 * model stays out of the document (stored forecasts carry it: GET /v1/accounts/{id}/forecast).
 */
function forecastItem(bundle: AccountBundle, timeZone: string, kwh: IntervalSeries | undefined, temperature: Parameters<typeof accountForecast>[3]): Record<string, unknown> {
  const f = accountForecast(bundle, timeZone, kwh, temperature);
  if ('status' in f) return f;
  return {
    dayAhead: f.dayAhead,
    monthly: f.monthly,
    backtest: f.backtest,
    model: {
      dayAhead: f.detail.dayAhead.description,
      holidays: f.holidays,
      holidaysObserved: f.holidayDecisions.filter((d) => d.observed).map((d) => d.name),
      holidaysWorked: f.holidayDecisions.filter((d) => !d.observed).map((d) => d.name),
      // The temp channel's meter, and whether the temperature terms were kept (chosen by validation).
      temperature: f.temperatureMeterId === null ? null : { meterId: f.temperatureMeterId, used: f.detail.dayAhead.temperature !== null, weather: 'persistence' },
    },
  };
}
