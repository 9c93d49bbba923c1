/**
 * The Section 4 document (CONTRACT.md "The Section 4 document"): one function per item in src/core,
 * fed by one query per channel. Items that later work delivers (outage analysis, power-quality
 * measurements, forecast) say so with `status: "not yet available"` and carry no figures.
 */
import type { AccountBundle } from '../core/bundle/schema.js';
import { billingSummary } from '../core/billing.js';
import { energyCostShare } from '../core/cost-share.js';
import { maintenanceStatus } from '../core/maintenance.js';
import { oneLine } from '../core/one-line.js';
import { checkPeriod, defaultPeriod, periodRangeMs, type LocalPeriod } from '../core/period.js';
import { systemShare } from '../core/system-share.js';
import { utcOffsetMs } from '../core/time-zone.js';
import type { Pool } from '../db/pool.js';
import { readBundle } from '../db/queries/bundle-read.js';
import { listSystemTotals } from '../db/queries/system-totals.js';
import { KeymeterError } from '../errors.js';
import { analyseSeries, type AnalysisCache, type SeriesAnalysis } from './analysis.js';
import { rateInputsOf } from './rate-inputs.js';
import { rateComparisonItem } from './rate-summary.js';

export const NOT_YET = { status: 'not yet available' } as const;


/** Today's date in `timeZone`, from an instant (the caller owns the clock). */
export function localToday(nowMs: number, timeZone: string): string {
  return new Date(nowMs + utcOffsetMs(timeZone, nowMs)).toISOString().slice(0, 10);
}

export type Section4 = Record<string, unknown>;

export interface BuildOptions {
  /** Analyses of interval data to reuse while their channels' versions are unchanged. */
  cache?: AnalysisCache | undefined;
}

export async function buildSection4(pool: Pool, accountId: string, requested: Partial<LocalPeriod>, nowMs: number, options: BuildOptions = {}): Promise<Section4> {
  const bundle = await readBundle(pool, accountId);
  if (!bundle) throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', `no account '${accountId}'`);
  const timeZone = bundle.sites[0]?.timezone ?? 'UTC';
  const today = localToday(nowMs, timeZone);
  const def = defaultPeriod(today);
  const period = checkPeriod({ from: requested.from ?? def.from, to: requested.to ?? def.to });
  const { startMs, endMs } = periodRangeMs(period, timeZone);

  const rates = await rateInputsOf(pool, bundle, period);
  const analysis = await analyseSeries(pool, bundle, timeZone, startMs, endMs, options.cache, rates);
  const { electric, factors, monthlyKwh } = analysis;

  const system = await listSystemTotals(pool, period.from.slice(0, 7), period.to.slice(0, 7));
  const share = systemShare(monthlyKwh, system);
  const transformers = transformersItem(bundle, analysis, today);
  const pq = bundle.sites.map((s) => ({ siteId: s.id, requirements: s.powerQuality?.requirements ?? [], equipment: s.powerQuality?.equipment ?? [] }));
  const graph = oneLine(bundle.sites.flatMap((s) => s.supplyPath));

  return {
    account: { id: bundle.id, name: bundle.name, segment: bundle.segment ?? null, sites: bundle.sites.map((s) => ({ id: s.id, name: s.name, timezone: s.timezone })) },
    period: { from: period.from, to: period.to, timezone: timeZone },
    consumption: { electric, gas: analysis.gas, water: analysis.water },
    energyCostShare: energyCostShare(bundle.bills, bundle.facilityCosts),
    factors,
    systemShare: share,
    rateComparison: rateComparisonItem(analysis.rateComparison),
    transformers,
    equipment: bundle.sites.flatMap((s) => s.equipment.map((e) => ({ siteId: s.id, ...e }))),
    powerQuality: powerQualityItem(pq, analysis),
    oneLine: { nodes: graph.nodes, edges: graph.edges, levels: graph.levels },
    outages: analysis.outages,
    billing: billingSummary(bundle.bills, bundle.payments),
    forecast: analysis.forecast,
  };
}

/** Item 6: nameplate, loading from the transformer's meters, maintenance status. */
function transformersItem(bundle: AccountBundle, analysis: SeriesAnalysis, today: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const site of bundle.sites) {
    for (const tr of site.transformers) {
      const loading = analysis.transformerLoading[tr.id] ?? null;
      out.push({
        id: tr.id, siteId: site.id, kva: tr.kva ?? null, primaryKv: tr.primaryKv ?? null, secondaryV: tr.secondaryV ?? null, cooling: tr.cooling ?? null,
        meterIds: tr.meterIds, installedOn: tr.installedOn ?? null,
        peakLoadPct: loading?.peakLoadPct ?? null, peakAt: loading?.peakAt ?? null, hoursOverloaded: loading?.hoursOverloaded ?? null,
        averageLoadPct: loading?.averageLoadPct ?? null, completeness: loading?.completeness ?? null,
        ...agingOf(analysis.transformerAging[tr.id], tr.kva === undefined ? 'no kVA rating in the bundle' : loading === null ? 'no metered kWh for its meters' : `the oil thermal model does not cover cooling class ${tr.cooling}`),
        maintenance: maintenanceStatus(tr.maintenance, tr.maintenanceIntervalMonths, tr.installedOn, today),
      });
    }
  }
  return out;
}

/** IEEE C57.91 figures of a transformer (engineering.ts transformerAging), or why there are none. */
function agingOf(a: SeriesAnalysis['transformerAging'][string] | undefined, why: string): Record<string, unknown> {
  if (!a) return { equivalentAgingFactor: null, lossOfLifeHours: null, aging: { status: why } };
  return {
    equivalentAgingFactor: a.equivalentAgingFactor === null ? null : Math.round(a.equivalentAgingFactor * 1e6) / 1e6,
    lossOfLifeHours: Math.round(a.lossOfLifeHours * 1000) / 1000,
    aging: {
      lossOfLifeShare: a.lossOfLifeShare, hours: a.hours, hoursAboveNameplate: a.hoursAboveNameplate,
      hoursHotSpotAboveReference: a.hoursHotSpotAboveReference, peakLoadPu: a.peakLoadPu,
      peakHotSpotC: a.peakHotSpotC === null ? null : Math.round(a.peakHotSpotC * 100) / 100, peakHotSpotAt: a.peakHotSpotAt,
      parameters: a.parameters,
    },
  };
}

/**
 * Item 8: the requirements and equipment of every site, and the measured quality of the first site with
 * phase voltages (every site's summary under `sites`).
 */
function powerQualityItem(pq: { siteId: string; requirements: string[]; equipment: unknown[] }[], analysis: SeriesAnalysis): Record<string, unknown> {
  const measured = analysis.powerQuality.find((p) => p.meterId !== null && p.status === null) ?? analysis.powerQuality[0];
  return {
    requirements: pq.flatMap((p) => p.requirements),
    equipment: pq.flatMap((p) => p.equipment),
    sites: pq.map((p) => {
      const m = analysis.powerQuality.find((x) => x.siteId === p.siteId);
      return { ...p, meterId: m?.meterId ?? null, ...(m ? { measured: m.summary } : {}) };
    }),
    ...(measured ? measured.summary : { voltage: { status: 'no site' }, events: { status: 'no site' }, harmonics: { status: 'no site' } }),
  };
}
