/**
 * Engineering views of a key account's service (issue 8): a site's measured power quality, a
 * transformer's loading with its IEEE C57.91 thermal model, and IEEE 1366 reliability indices over the
 * accounts a key may see. Periods are local dates in the site's zone, both included (default: the 36
 * full months before today), as for the energy profile.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id } from '../../core/bundle/schema.js';
import { localCalendar } from '../../core/calendar.js';
import { electricConsumption } from '../../core/consumption.js';
import { maintenanceStatus } from '../../core/maintenance.js';
import { checkPeriod, defaultPeriod, periodRangeMs, type LocalPeriod } from '../../core/period.js';
import { powerFactors } from '../../core/power-factor.js';
import { reliabilityIndices } from '../../core/reliability.js';
import type { IntervalSeries } from '../../core/series.js';
import { sumAligned, transformerLoading } from '../../core/transformer-loading.js';
import type { Database } from '../../db/pool.js';
import { listAccounts } from '../../db/queries/accounts.js';
import { readBundle } from '../../db/queries/bundle-read.js';
import { selectMeterEvents, transformerSites } from '../../db/queries/engineering.js';
import { siteAccountId } from '../../db/queries/lookups.js';
import { selectChannelsOfMeters } from '../../db/queries/series.js';
import { KeymeterError } from '../../errors.js';
import { localToday } from '../../section4/build.js';
import { meterOutages, sitePowerQuality, transformerAging } from '../../section4/engineering.js';
import { electricTotals, fetchAccountSeries } from '../../section4/series.js';
import { canReadAccount, principalOf } from '../auth.js';
import { problemResponses } from '../problem.js';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD');
const PeriodQuery = { from: LocalDate.optional().describe('local date, included'), to: LocalDate.optional().describe('local date, included') };
const Period = z.object({ from: z.string(), to: z.string(), timezone: z.string() });
/** Analysis detail: the named fields are documented, the rest is the core's output as it is. */
const Detail = z.looseObject({});

/** A core result as the loose detail object the schema declares (interfaces carry no index signature). */
const detail = <T extends object>(x: T | null | undefined): Record<string, unknown> | null => (x ?? null) as Record<string, unknown> | null;

/** The period asked for, in the zone, with its UTC range. */
function periodOf(requested: Partial<LocalPeriod>, timeZone: string, nowMs: number): LocalPeriod & { startMs: number; endMs: number } {
  const def = defaultPeriod(localToday(nowMs, timeZone));
  const p = checkPeriod({ from: requested.from ?? def.from, to: requested.to ?? def.to });
  return { ...p, ...periodRangeMs(p, timeZone) };
}

/** An hourly Float64Array as JSON numbers, null where NaN, rounded to 2 decimals (°C, pu x 100 enough). */
const hourlyValues = (a: Float64Array, decimals: number): (number | null)[] => {
  const f = 10 ** decimals;
  return Array.from(a, (x) => (Number.isFinite(x) ? Math.round(x * f) / f : null));
};

export const engineeringRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'>; nowMs?: () => number }> = async (app, { db, nowMs }) => {
  const now = () => (nowMs ?? Date.now)();
  /** The account of a resource, or 403/404 without telling a foreign key whether it exists. */
  const visible = (req: Parameters<typeof principalOf>[0], accountId: string | undefined, what: string): string => {
    const p = principalOf(req);
    if (accountId !== undefined && canReadAccount(p, accountId)) return accountId;
    if (p.role === 'admin' || p.role === 'engineer') throw new KeymeterError('KM_NOT_FOUND', `no ${what}`);
    throw new KeymeterError('KM_FORBIDDEN', `this key may not read that ${what}`);
  };

  app.get('/sites/:siteId/power-quality', {
    schema: {
      tags: ['engineering'], summary: "A site's measured power quality: ANSI C84.1, EN 50160, unbalance, IEEE 1159 events, IEEE 519 harmonics",
      params: z.object({ siteId: Id }),
      querystring: z.object(PeriodQuery),
      response: {
        200: z.object({
          siteId: z.string(), accountId: z.string(), period: Period,
          meterId: z.string().nullable().describe('the meter with phase-voltage channels analysed'),
          nominalV: z.number().nullable(),
          status: z.string().optional().describe('why there is no analysis'),
          voltage: Detail.nullable(), events: Detail.nullable(), harmonics: Detail.nullable(),
          powerFactor: z.object({ threshold: z.number().nullable(), monthlyBelowThreshold: z.array(z.object({ month: z.string(), belowThresholdShare: z.number().nullable() })) })
            .describe('from the energy profile: intervals below the power-factor threshold per month'),
          requirements: z.array(z.string()), equipment: z.array(Detail),
        }).meta({ id: 'SitePowerQuality' }),
        ...problemResponses(400, 401, 403, 404, 422),
      },
    },
  }, async (req) => {
    const accountId = visible(req, await siteAccountId(db.pool, req.params.siteId), 'site');
    const bundle = await readBundle(db.pool, accountId);
    const site = bundle?.sites.find((s) => s.id === req.params.siteId);
    if (!bundle || !site) throw new KeymeterError('KM_NOT_FOUND', 'no site');
    const period = periodOf(req.query, site.timezone, now());
    const channels = await selectChannelsOfMeters(db.pool, site.meters.map((m) => m.id));
    const pq = await sitePowerQuality(db.pool, site, channels, period.startMs, period.endMs);
    const { powerFactorMonthly, threshold } = await sitePowerFactor(db, site, channels, period);
    return {
      siteId: site.id, accountId, period: { from: period.from, to: period.to, timezone: site.timezone },
      meterId: pq.meterId, nominalV: pq.nominalV, ...(pq.status ? { status: pq.status } : {}),
      voltage: detail(pq.report?.voltage), events: detail(pq.report?.events), harmonics: detail(pq.report?.harmonics),
      powerFactor: { threshold, monthlyBelowThreshold: powerFactorMonthly },
      requirements: site.powerQuality?.requirements ?? [], equipment: (site.powerQuality?.equipment ?? []).map((e) => detail(e)!),
    };
  });

  app.get('/transformers/:transformerId/loading', {
    schema: {
      tags: ['engineering'], summary: "A transformer's loading and IEEE C57.91 thermal model: hourly load, top-oil and hot-spot temperature, aging",
      description: 'Transformer ids are unique within a site; when two sites the key may see have the same id, give `site`.',
      params: z.object({ transformerId: Id }),
      querystring: z.object({ ...PeriodQuery, site: Id.optional().describe('the site, when the id is not unique') }),
      response: {
        200: z.object({
          id: z.string(), siteId: z.string(), accountId: z.string(), period: Period,
          kva: z.number().nullable(), cooling: z.string().nullable(), meterIds: z.array(z.string()),
          loading: Detail.nullable().describe('peak % of kVA and its time, hours above 100 %, average %, completeness'),
          thermal: Detail.nullable().describe('IEEE C57.91 clause 7: parameters, F_EQA, loss of life (hours and share of 180,000 h), peak hot spot'),
          hourly: z.object({
            start: z.string().nullable(), intervalMinutes: z.literal(60),
            loadPu: z.array(z.number().nullable()), topOilC: z.array(z.number().nullable()), hotSpotC: z.array(z.number().nullable()), agingFactor: z.array(z.number().nullable()),
          }).nullable(),
          maintenance: Detail,
          status: z.string().optional(),
        }).meta({ id: 'TransformerLoading' }),
        ...problemResponses(400, 401, 403, 404, 409, 422),
      },
    },
  }, async (req) => {
    const p = principalOf(req);
    const all = (await transformerSites(db.pool, req.params.transformerId)).filter((x) => req.query.site === undefined || x.siteId === req.query.site);
    const mine = all.filter((x) => canReadAccount(p, x.accountId));
    if (mine.length === 0) visible(req, all[0]?.accountId, 'transformer'); // 403 or 404, never which
    if (mine.length > 1) throw new KeymeterError('KM_CONFLICT', `transformer '${req.params.transformerId}' exists at sites ${mine.map((m) => m.siteId).join(', ')}: give ?site=`);
    const { siteId, accountId } = mine[0]!;
    const bundle = await readBundle(db.pool, accountId);
    const site = bundle?.sites.find((s) => s.id === siteId);
    const tr = site?.transformers.find((t) => t.id === req.params.transformerId);
    if (!site || !tr) throw new KeymeterError('KM_NOT_FOUND', 'no transformer');
    const nowMs = now();
    const period = periodOf(req.query, site.timezone, nowMs);
    const base = {
      id: tr.id, siteId, accountId, period: { from: period.from, to: period.to, timezone: site.timezone },
      kva: tr.kva ?? null, cooling: tr.cooling ?? null, meterIds: tr.meterIds,
      maintenance: detail(maintenanceStatus(tr.maintenance, tr.maintenanceIntervalMonths, tr.installedOn, localToday(nowMs, site.timezone)))!,
    };
    const channels = await selectChannelsOfMeters(db.pool, tr.meterIds);
    const series = await fetchAccountSeries(db.pool, channels, period.startMs, period.endMs);
    const meters = series.electric.filter((m) => m.kwh);
    if (tr.kva === undefined || meters.length === 0) {
      return { ...base, loading: null, thermal: null, hourly: null, status: tr.kva === undefined ? 'no kVA rating in the bundle' : 'no metered kWh for its meters' };
    }
    const kwh = sumAligned(meters.map((m) => m.kwh!));
    const kvarh: IntervalSeries | undefined = meters.every((m) => m.kvarh) ? sumAligned(meters.map((m) => m.kvarh!)) : undefined;
    const thermal = transformerAging(tr, kwh, kvarh);
    const { hourly, ...summary } = thermal ?? { hourly: null };
    return {
      ...base,
      loading: detail(transformerLoading(kwh, kvarh, tr.kva)),
      thermal: thermal ? detail(summary) : null,
      hourly: hourly ? {
        start: hourly.loadPu.length ? new Date(hourly.startMs).toISOString() : null, intervalMinutes: 60 as const,
        loadPu: hourlyValues(hourly.loadPu, 4), topOilC: hourlyValues(hourly.topOilC, 2), hotSpotC: hourlyValues(hourly.hotSpotC, 2), agingFactor: hourlyValues(hourly.agingFactor, 6),
      } : null,
      ...(thermal ? {} : { status: `the oil thermal model does not cover cooling class ${tr.cooling}` }),
    };
  });

  app.get('/reliability', {
    schema: {
      tags: ['engineering'], summary: 'IEEE 1366 indices (SAIFI, SAIDI, CAIDI, MAIFI, MAIFI_E) over the accounts this key may see',
      description: 'Each account is one customer: the interruptions of its first site\'s service meter (events, and inferred from voltages and reporting gaps). ' +
        '`customersServed` is the number of customers the indices divide by (default: the accounts counted).',
      querystring: z.object({ ...PeriodQuery, customersServed: z.coerce.number().int().min(1).optional() }),
      response: {
        200: z.object({
          accounts: z.array(z.string()), customersServed: z.number().int(), period: z.object({ from: z.string(), to: z.string() }),
          indices: Detail.describe('saifi, saidi, caidi, maifi, maifiE and their counts'),
        }).meta({ id: 'Reliability' }),
        ...problemResponses(400, 401, 422),
      },
    },
  }, async (req) => {
    const p = principalOf(req);
    const accounts = await listAccounts(db.pool, p.role === 'admin' || p.role === 'engineer' ? null : [...p.accountIds]);
    const customers = [];
    let span: { from: string; to: string } | undefined;
    for (const a of accounts) {
      const bundle = await readBundle(db.pool, a.id);
      const site = bundle?.sites[0];
      const meterId = site?.meters.find((m) => m.commodity === 'electric')?.id;
      if (!site || meterId === undefined) continue;
      const period = periodOf(req.query, site.timezone, now());
      span ??= { from: period.from, to: period.to };
      const channels = await selectChannelsOfMeters(db.pool, [meterId]);
      const events = (await selectMeterEvents(db.pool, [meterId], period.startMs, period.endMs)).get(meterId) ?? [];
      customers.push((await meterOutages(db.pool, site, meterId, channels, events, period.startMs, period.endMs)).analysis);
    }
    const customersServed = req.query.customersServed ?? Math.max(1, customers.length);
    if (customersServed < customers.length) throw new KeymeterError('KM_VALIDATION', `customersServed (${customersServed}) is less than the ${customers.length} accounts counted`);
    const fallback = periodOf(req.query, 'UTC', now());
    return {
      accounts: accounts.map((a) => a.id), customersServed,
      period: span ?? { from: fallback.from, to: fallback.to },
      indices: reliabilityIndices(customers, customersServed) as unknown as Record<string, unknown>,
    };
  });
};

/** Monthly share of intervals below the PF threshold for the site's meters with kWh and kvarh. */
async function sitePowerFactor(db: Pick<Database, 'pool'>, site: { timezone: string }, channels: Awaited<ReturnType<typeof selectChannelsOfMeters>>, period: { startMs: number; endMs: number }) {
  const series = await fetchAccountSeries(db.pool, channels, period.startMs, period.endMs);
  const totals = electricTotals(series.electric);
  if (!totals.kwh || !totals.pfKwh || !totals.pfKvarh) return { threshold: null, powerFactorMonthly: [] };
  const cal = localCalendar(totals.pfKwh, site.timezone);
  const pf = powerFactors(totals.pfKwh, totals.pfKvarh, cal, { peaks: electricConsumption(totals.pfKwh, cal).peaks });
  return { threshold: pf.thresholdPf, powerFactorMonthly: pf.monthly.map((m) => ({ month: m.month, belowThresholdShare: m.belowThresholdShare })) };
}
