/**
 * The engineering analyses of an account's service, fed from the database: outages (Section 4 item 10,
 * IEEE 1366), measured power quality (item 8: ANSI C84.1, EN 50160, IEEE 1159, IEEE 519) and transformer
 * aging (item 6, IEEE C57.91). The formulas live in src/core; this module picks the channels, fetches
 * their series and events, and shapes the results for Section 4 and the engineering endpoints.
 */
import type { AccountBundle } from '../core/bundle/schema.js';
import { outageObservation } from '../core/outage-coverage.js';
import { annualOutages, detectInterruptions, type MeterEvent, type OutageAnalysis, type OutageYear } from '../core/outages.js';
import { powerQuality, type PowerQualityReport } from '../core/power-quality/analysis.js';
import { PQ_EVENT_KINDS } from '../core/power-quality/ieee1159-events.js';
import { compareWithSystem } from '../core/reliability.js';
import type { IntervalSeries } from '../core/series.js';
import { loadPerUnit, thermalParameters, transformerThermal, type TransformerThermal } from '../core/transformer-thermal.js';
import type { Pool } from '../db/pool.js';
import { selectExtremes } from '../db/queries/reading-extremes.js';
import { fetchChannelSeries, type ChannelRow } from '../db/queries/series.js';

type Site = AccountBundle['sites'][number];
type Transformer = Site['transformers'][number];

const VOLTAGE_KINDS = ['v_a', 'v_b', 'v_c'] as const;
const THD_KINDS = ['thd_v_a', 'thd_v_b', 'thd_v_c'] as const;
/**
 * A reporting gap longer than this is not taken as an interruption: a meter silent for more than a day
 * has more likely lost its telemetry than its supply (events, when the meter sends them, still count).
 */
export const MAX_INFERRED_GAP_MINUTES = 24 * 60;

/** Series of the meter's channels of `kinds` (in that order) that share the first one's interval. */
async function seriesOf(pool: Pool, channels: readonly ChannelRow[], meterId: string, kinds: readonly string[], startMs: number, endMs: number): Promise<IntervalSeries[]> {
  const rows = kinds.flatMap((k) => channels.filter((c) => c.meterId === meterId && c.kind === k));
  const first = rows[0];
  if (!first) return [];
  const stepMs = first.intervalMinutes * 60_000;
  const from = Math.floor(startMs / stepMs) * stepMs;
  return Promise.all(rows.filter((r) => r.intervalMinutes === first.intervalMinutes).map((r) => fetchChannelSeries(pool, r.id, r.intervalMinutes, from, endMs)));
}

/**
 * Per-phase interval minimum and maximum voltage (reading_extremes, kept by the Modbus poller), aligned
 * with `phases`; undefined when the meter recorded none, so IEEE 1159 events come from averages only.
 */
async function extremesOf(pool: Pool, channels: readonly ChannelRow[], meterId: string, phases: readonly IntervalSeries[]): Promise<{ minimum: IntervalSeries[]; maximum: IntervalSeries[] } | undefined> {
  const rows = VOLTAGE_KINDS.flatMap((k) => channels.filter((c) => c.meterId === meterId && c.kind === k)).filter((r) => r.intervalMinutes === phases[0]?.intervalMinutes).slice(0, phases.length);
  if (rows.length === 0 || rows.length !== phases.length) return undefined;
  const minimum: IntervalSeries[] = [];
  const maximum: IntervalSeries[] = [];
  let any = false;
  for (let p = 0; p < rows.length; p++) {
    const s = phases[p]!;
    const stepMs = s.intervalMinutes * 60_000;
    const lo = new Float64Array(s.values.length).fill(Number.NaN);
    const hi = new Float64Array(s.values.length).fill(Number.NaN);
    for (const e of await selectExtremes(pool, rows[p]!.id, s.startMs, s.startMs + s.values.length * stepMs)) {
      const k = Math.round((e.tsMs - s.startMs) / stepMs);
      if (k >= 0 && k < lo.length) {
        lo[k] = e.min;
        hi[k] = e.max;
        any = true;
      }
    }
    minimum.push({ startMs: s.startMs, intervalMinutes: s.intervalMinutes, values: lo });
    maximum.push({ startMs: s.startMs, intervalMinutes: s.intervalMinutes, values: hi });
  }
  return any ? { minimum, maximum } : undefined;
}

/** The meter whose outages stand for the site: the first electric meter of the bundle (the service's revenue meter, by convention). */
function siteServiceMeter(site: Site): string | undefined {
  return site.meters.find((m) => m.commodity === 'electric')?.id;
}

/** The first meter of the site with phase-voltage channels. */
function sitePqMeter(site: Site, channels: readonly ChannelRow[]): string | undefined {
  return site.meters.find((m) => channels.some((c) => c.meterId === m.id && (VOLTAGE_KINDS as readonly string[]).includes(c.kind)))?.id;
}

/**
 * A year of Section 4 `outages.annual[]`: the counts of outages.ts, with `coverage` (outage-coverage.ts);
 * every count is null in a year the meter was not observed (no reported interval, no event): unknown,
 * never zero.
 */
export type OutageYearRow = { year: number; coverage: number | null } & { [K in Exclude<keyof OutageYear, 'year'>]: number | null };

export interface MeterOutages {
  meterId: string;
  analysis: OutageAnalysis;
  /** The core's counts, every year of the range (zeros where nothing was found). */
  annual: OutageYear[];
  /** Per year, the counts where the year was observed, nulls where it was not. */
  rows: OutageYearRow[];
}

const UNOBSERVED = { sustained: null, momentary: null, momentaryInterruptions: null, minutes: null, longestMinutes: null, inferred: null } as const;

/** Interruptions of one meter: from its events, and inferred from its voltages and reporting gaps. */
export async function meterOutages(pool: Pool, site: Site, meterId: string, channels: readonly ChannelRow[], events: readonly MeterEvent[], startMs: number, endMs: number): Promise<MeterOutages> {
  const [voltages, reporting] = await Promise.all([
    site.nominalVoltage === undefined ? Promise.resolve([]) : seriesOf(pool, channels, meterId, VOLTAGE_KINDS, startMs, endMs),
    seriesOf(pool, channels, meterId, ['kwh_del'], startMs, endMs),
  ]);
  const range = { startMs, endMs };
  const analysis = detectInterruptions({
    range,
    events,
    ...(voltages.length > 0 ? { voltages, nominalV: site.nominalVoltage! } : {}),
    ...(reporting.length > 0 ? { reporting } : {}),
    maxInferredGapMinutes: MAX_INFERRED_GAP_MINUTES,
  });
  const annual = annualOutages(analysis, site.timezone, range);
  const observation = outageObservation(site.timezone, range, reporting, events.map((e) => e.tsMs));
  const rows = annual.map((y, k): OutageYearRow => {
    const o = observation[k]!;
    return o.observed ? { ...y, coverage: o.coverage } : { year: y.year, coverage: o.coverage, ...UNOBSERVED };
  });
  return { meterId, analysis, annual, rows };
}

/** Section 4 item 10: per site its service meter's interruptions; the account's years add up the sites. */
export async function accountOutages(pool: Pool, bundle: AccountBundle, channels: readonly ChannelRow[], events: ReadonlyMap<string, readonly MeterEvent[]>, startMs: number, endMs: number): Promise<Record<string, unknown>> {
  const sites: (MeterOutages & { siteId: string })[] = [];
  for (const site of bundle.sites) {
    const meterId = siteServiceMeter(site);
    if (meterId === undefined) continue;
    const hasData = (events.get(meterId)?.length ?? 0) > 0 || channels.some((c) => c.meterId === meterId);
    if (!hasData) continue;
    sites.push({ siteId: site.id, ...(await meterOutages(pool, site, meterId, channels, events.get(meterId) ?? [], startMs, endMs)) });
  }
  if (sites.length === 0) return { status: 'no electric meter with events or interval data', annual: [], system: bundle.systemReliability, comparison: [], sites: [] };
  // The account's year: the sum over the sites that observed it; unknown when none did. Coverage: the mean of the sites'.
  const byYear = new Map<number, OutageYearRow[]>();
  for (const s of sites) for (const y of s.rows) byYear.set(y.year, [...(byYear.get(y.year) ?? []), y]);
  const annual = [...byYear.entries()].sort((a, b) => a[0] - b[0]).map(([year, rows]): OutageYearRow => {
    const seen = rows.filter((r) => r.sustained !== null);
    const covered = rows.filter((r) => r.coverage !== null);
    const coverage = covered.length === 0 ? null : Math.round((covered.reduce((a, r) => a + r.coverage!, 0) / covered.length) * 1e4) / 1e4;
    if (seen.length === 0) return { year, coverage, ...UNOBSERVED };
    const sum = (k: 'sustained' | 'momentary' | 'momentaryInterruptions' | 'inferred'): number => seen.reduce((a, r) => a + r[k]!, 0);
    return {
      year, coverage, sustained: sum('sustained'), momentary: sum('momentary'), momentaryInterruptions: sum('momentaryInterruptions'),
      minutes: Math.round(seen.reduce((a, r) => a + r.minutes!, 0) * 100) / 100,
      longestMinutes: Math.max(...seen.map((r) => r.longestMinutes!)), inferred: sum('inferred'),
    };
  });
  const observed = annual.filter((y): y is OutageYearRow & OutageYear => y.sustained !== null);
  return {
    annual,
    system: bundle.systemReliability,
    comparison: compareWithSystem(observed, bundle.systemReliability),
    sites: sites.map((s) => ({ siteId: s.siteId, meterId: s.meterId, annual: s.rows, unmatchedEvents: s.analysis.unmatchedEvents })),
  };
}

export interface SitePowerQuality {
  siteId: string;
  meterId: string | null;
  nominalV: number | null;
  report: PowerQualityReport | null;
  /** Why there is no report. */
  status?: string;
}

/** The power-quality analysis of a site's voltage meter over [startMs, endMs). */
export async function sitePowerQuality(pool: Pool, site: Site, channels: readonly ChannelRow[], startMs: number, endMs: number): Promise<SitePowerQuality> {
  const meterId = sitePqMeter(site, channels);
  if (meterId === undefined) return { siteId: site.id, meterId: null, nominalV: site.nominalVoltage ?? null, report: null, status: 'no meter with phase-voltage channels' };
  if (site.nominalVoltage === undefined) return { siteId: site.id, meterId, nominalV: null, report: null, status: 'the site has no nominalVoltage in the bundle' };
  const [phases, thd] = await Promise.all([
    seriesOf(pool, channels, meterId, VOLTAGE_KINDS, startMs, endMs),
    seriesOf(pool, channels, meterId, THD_KINDS, startMs, endMs),
  ]);
  const extremes = await extremesOf(pool, channels, meterId, phases);
  // IEEE 519 takes the bus voltage: the secondary of the transformer that feeds the meter, when known.
  const feeding = site.transformers.find((t) => t.meterIds.includes(meterId));
  const report = powerQuality({
    phases, nominalV: site.nominalVoltage, timeZone: site.timezone,
    ...(thd.length > 0 ? { thdPct: thd } : {}),
    ...(extremes ? { minimum: extremes.minimum, maximum: extremes.maximum } : {}),
    ...(feeding?.secondaryV !== undefined ? { serviceVoltageV: feeding.secondaryV } : {}),
  });
  return { siteId: site.id, meterId, nominalV: site.nominalVoltage, report };
}

/** The Section 4 summary of a site's power quality (CONTRACT.md `powerQuality`): event counts, shares, THD against its limit. */
export function powerQualitySummary(pq: SitePowerQuality): { voltage: Record<string, unknown>; events: Record<string, unknown>; harmonics: Record<string, unknown> } {
  const none = (status: string) => ({ status });
  const r = pq.report;
  // No voltage sample in the period at all: every present sample is either counted by C84.1 or part of an
  // interruption (an IEEE 1159 event), so no counted interval and no event means no data, and the event
  // counts would be zeros that nothing measured.
  const measured = r?.voltage !== undefined && r.voltage !== null && (r.voltage.intervals > 0 || r.voltage.interruptedIntervals > 0);
  const v = measured ? r!.voltage : undefined;
  return {
    voltage: v
      ? {
          siteId: pq.siteId, meterId: pq.meterId, nominalV: v.nominalV, phases: v.phases, intervalMinutes: v.intervalMinutes,
          ansiRangeA: { withinShare: v.ansiRangeA.withinShare, lowV: v.ansiRangeA.lowV, highV: v.ansiRangeA.highV },
          ansiRangeB: { withinShare: v.ansiRangeB.withinShare, lowV: v.ansiRangeB.lowV, highV: v.ansiRangeB.highV },
          en50160: { weeks: v.en50160.weeks, compliantWeeks: v.en50160.compliantWeeks },
          unbalanceMaxPct: v.unbalance?.maxPct ?? null,
        }
      : none(pq.status ?? 'no voltage data in the period'),
    events: measured && r?.events
      ? Object.fromEntries(PQ_EVENT_KINDS.map((k) => [k, r.events![k].count]))
      : none(pq.status ?? 'no voltage data in the period'),
    harmonics: r?.harmonics
      ? { maxThdPct: r.harmonics.maxThdPct, p95ThdPct: r.harmonics.p95ThdPct, limitPct: r.harmonics.limitPct, compliant: r.harmonics.compliant, serviceVoltageV: r.harmonics.serviceVoltageV }
      : none('no voltage THD data in the period'),
  };
}

/**
 * IEEE C57.91 clause 7 aging of a transformer from its metered load (kWh and, when every meter has it,
 * kvarh, summed over its meters). Null for dry-type classes the oil model does not cover.
 */
export function transformerAging(tr: Transformer, kwh: IntervalSeries, kvarh: IntervalSeries | undefined): TransformerThermal | null {
  if (tr.kva === undefined) return null;
  const parameters = thermalParameters(tr.cooling, tr.thermal ?? {});
  if (parameters === null) return null;
  return transformerThermal(loadPerUnit(kwh, kvarh, tr.kva), parameters, tr.ambientC !== undefined ? { ambientC: tr.ambientC } : {});
}
