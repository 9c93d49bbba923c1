/**
 * The Section 4 document (CONTRACT.md "The Section 4 document"): one function per item in src/core,
 * fed by one query per channel. Items that later work delivers (rate comparison, outage analysis,
 * power-quality measurements, forecast) say so with `status: "not yet available"` and carry no figures.
 */
import type { AccountBundle } from '../core/bundle/schema.js';
import { billingSummary } from '../core/billing.js';
import { localCalendar } from '../core/calendar.js';
import { consumptionTotals, electricConsumption } from '../core/consumption.js';
import { energyCostShare } from '../core/cost-share.js';
import { loadFactors } from '../core/load-factor.js';
import { loadProfile } from '../core/load-profile.js';
import { maintenanceStatus } from '../core/maintenance.js';
import { oneLine } from '../core/one-line.js';
import { checkPeriod, defaultPeriod, periodRangeMs, type LocalPeriod } from '../core/period.js';
import { powerFactors } from '../core/power-factor.js';
import { systemShare } from '../core/system-share.js';
import { utcOffsetMs } from '../core/time-zone.js';
import { sumAligned, transformerLoading } from '../core/transformer-loading.js';
import type { Pool } from '../db/pool.js';
import { readBundle } from '../db/queries/bundle-read.js';
import { listSystemTotals } from '../db/queries/system-totals.js';
import { KeymeterError } from '../errors.js';
import { electricTotals, fetchAccountSeries, type MeterSeries } from './series.js';

export const NOT_YET = { status: 'not yet available' } as const;

/** Energy to the Wh (3 decimals of kWh), ratios to 4 decimals: what a plan shows, without float noise. */
const r3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);
const r4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10000) / 10000);

/** Today's date in `timeZone`, from an instant (the caller owns the clock). */
export function localToday(nowMs: number, timeZone: string): string {
  return new Date(nowMs + utcOffsetMs(timeZone, nowMs)).toISOString().slice(0, 10);
}

export type Section4 = Record<string, unknown>;

export async function buildSection4(pool: Pool, accountId: string, requested: Partial<LocalPeriod>, nowMs: number): Promise<Section4> {
  const bundle = await readBundle(pool, accountId);
  if (!bundle) throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', `no account '${accountId}'`);
  const timeZone = bundle.sites[0]?.timezone ?? 'UTC';
  const today = localToday(nowMs, timeZone);
  const def = defaultPeriod(today);
  const period = checkPeriod({ from: requested.from ?? def.from, to: requested.to ?? def.to });
  const { startMs, endMs } = periodRangeMs(period, timeZone);

  const series = await fetchAccountSeries(pool, bundle, startMs, endMs);
  const totals = electricTotals(series.electric);
  let electric: Record<string, unknown> = { status: 'no electric interval data', monthly: [] };
  let factors: Record<string, unknown> = { monthly: [], annual: [] };
  let monthlyKwh: { month: string; kwh: number | null; completeness: number }[] = [];
  if (totals.kwh) {
    const cal = localCalendar(totals.kwh, timeZone);
    const ec = electricConsumption(totals.kwh, cal);
    const lf = loadFactors(ec);
    const pf = totals.pfKwh && totals.pfKvarh ? powerFactors(totals.pfKwh, totals.pfKvarh, cal, { peaks: ec.peaks }) : undefined;
    const profile = loadProfile(totals.kwh, cal);
    monthlyKwh = ec.monthly.map((m) => ({ month: m.month, kwh: m.kwh, completeness: m.completeness }));
    electric = {
      unit: 'kWh',
      intervalMinutes: ec.intervalMinutes,
      meters: series.electric.map((m) => m.meterId),
      ...(series.skippedMeters.length ? { metersAtOtherIntervals: series.skippedMeters } : {}),
      monthly: ec.monthly.map((m) => ({ month: m.month, kwh: r3(m.kwh), peakKw: r3(m.peakKw), peakAt: m.peakAt, completeness: m.completeness })),
      annual: ec.annual.map((y) => ({ year: y.year, kwh: r3(y.kwh), peakKw: r3(y.peakKw), peakAt: y.peakAt, completeness: y.completeness })),
      daily: ec.daily.map((d) => ({ date: d.date, kwh: r3(d.kwh), completeness: d.completeness })),
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
  const other = (commodity: 'gas' | 'water') => {
    const list = series.other.filter((o) => o.commodity === commodity);
    if (list.length === 0) return { status: `no ${commodity} interval data`, monthly: [] };
    const monthly: { month: string; quantity: number | null; unit: string; completeness: number; meterId: string }[] = [];
    for (const o of list) {
      const c = consumptionTotals(o.series, localCalendar(o.series, timeZone));
      for (const m of c.monthly) monthly.push({ month: m.month, quantity: r3(m.quantity), unit: o.unit, completeness: m.completeness, meterId: o.meterId });
    }
    monthly.sort((a, b) => a.month.localeCompare(b.month) || a.meterId.localeCompare(b.meterId));
    return { meters: list.map((o) => o.meterId), monthly };
  };

  const system = await listSystemTotals(pool, period.from.slice(0, 7), period.to.slice(0, 7));
  const share = systemShare(monthlyKwh, system);
  const transformers = transformersItem(bundle, series.electric, today);
  const pq = bundle.sites.map((s) => ({ siteId: s.id, requirements: s.powerQuality?.requirements ?? [], equipment: s.powerQuality?.equipment ?? [] }));
  const graph = oneLine(bundle.sites.flatMap((s) => s.supplyPath));

  return {
    account: { id: bundle.id, name: bundle.name, segment: bundle.segment ?? null, sites: bundle.sites.map((s) => ({ id: s.id, name: s.name, timezone: s.timezone })) },
    period: { from: period.from, to: period.to, timezone: timeZone },
    consumption: { electric, gas: other('gas'), water: other('water') },
    energyCostShare: energyCostShare(bundle.bills, bundle.facilityCosts),
    factors,
    systemShare: share,
    rateComparison: { ...NOT_YET, current: bundle.sites[0]?.currentTariff ?? null, candidates: bundle.sites[0]?.candidateTariffs ?? [] },
    transformers,
    equipment: bundle.sites.flatMap((s) => s.equipment.map((e) => ({ siteId: s.id, ...e }))),
    powerQuality: {
      requirements: pq.flatMap((p) => p.requirements),
      equipment: pq.flatMap((p) => p.equipment),
      sites: pq,
      voltage: NOT_YET, events: NOT_YET, harmonics: NOT_YET,
    },
    oneLine: { nodes: graph.nodes, edges: graph.edges, levels: graph.levels },
    outages: { ...NOT_YET, annual: [], system: bundle.systemReliability },
    billing: billingSummary(bundle.bills, bundle.payments),
    forecast: NOT_YET,
  };
}

/** Item 6: nameplate, loading from the transformer's meters, maintenance status. */
function transformersItem(bundle: AccountBundle, electric: readonly MeterSeries[], today: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const site of bundle.sites) {
    for (const tr of site.transformers) {
      const meters = electric.filter((m) => tr.meterIds.includes(m.meterId) && m.kwh);
      let loading: ReturnType<typeof transformerLoading> | null = null;
      if (tr.kva !== undefined && meters.length > 0) {
        const kwh = sumAligned(meters.map((m) => m.kwh!));
        const withKvarh = meters.every((m) => m.kvarh);
        loading = transformerLoading(kwh, withKvarh ? sumAligned(meters.map((m) => m.kvarh!)) : undefined, tr.kva);
      }
      out.push({
        id: tr.id, siteId: site.id, kva: tr.kva ?? null, primaryKv: tr.primaryKv ?? null, secondaryV: tr.secondaryV ?? null, cooling: tr.cooling ?? null,
        meterIds: tr.meterIds, installedOn: tr.installedOn ?? null,
        peakLoadPct: loading?.peakLoadPct ?? null, peakAt: loading?.peakAt ?? null, hoursOverloaded: loading?.hoursOverloaded ?? null,
        averageLoadPct: loading?.averageLoadPct ?? null, completeness: loading?.completeness ?? null,
        // IEEE C57.91 aging comes with the thermal model (a later issue).
        equivalentAgingFactor: null, lossOfLifeHours: null, aging: NOT_YET,
        maintenance: maintenanceStatus(tr.maintenance, tr.maintenanceIntervalMonths, tr.installedOn, today),
      });
    }
  }
  return out;
}
