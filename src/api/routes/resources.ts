/**
 * Read access to what a bundle holds, one resource at a time (sites, meters with channels, bills and
 * payments), tariffs, and the utility's system totals. Writes go through PUT /v1/accounts/{id}/bundle
 * (admin) and PUT /v1/system-totals (admin). A key that may not see the account gets 403 whether or not
 * the resource exists.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Bill, Id, Meter, Payment, Site } from '../../core/bundle/schema.js';
import { validateSystemTotals } from '../../core/system-totals.js';
import { withTransaction, type Database } from '../../db/pool.js';
import { readBundle } from '../../db/queries/bundle-read.js';
import { insertAudit } from '../../db/queries/audit.js';
import { siteAccountId, selectTariff } from '../../db/queries/lookups.js';
import { meterAccountId } from '../../db/queries/readings-read.js';
import { listSystemTotals, upsertSystemTotals } from '../../db/queries/system-totals.js';
import { KeymeterError } from '../../errors.js';
import { canReadAccount, principalOf, requireAccountRead, requireRole } from '../auth.js';
import { problemResponses } from '../problem.js';

const Loose = z.record(z.string(), z.unknown());
/** What the bundle holds for the resource (normalized, as GET .../bundle gives it), with where it sits. */
const SiteResource = Site.extend({ accountId: Id }).meta({ id: 'SiteResource' });
const MeterResource = Meter.extend({ accountId: Id, siteId: Id, timezone: z.string() }).meta({ id: 'MeterResource' });
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');

export const resourceRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'> }> = async (app, { db }) => {
  /** The account of a site or meter, or 403/404 without telling a foreign key whether it exists. */
  const visibleAccount = async (req: Parameters<typeof principalOf>[0], accountId: string | undefined, what: string): Promise<string> => {
    const p = principalOf(req);
    if (accountId !== undefined && canReadAccount(p, accountId)) return accountId;
    if (p.role === 'admin' || p.role === 'engineer') throw new KeymeterError('KM_NOT_FOUND', `no ${what}`);
    throw new KeymeterError('KM_FORBIDDEN', `this key may not read that ${what}`);
  };

  app.get('/sites/:siteId', {
    schema: { tags: ['accounts'], summary: 'A site: meters and channels, transformers, equipment, power quality, supply path', params: z.object({ siteId: Id }), response: { 200: SiteResource, ...problemResponses(400, 401, 403, 404) } },
  }, async (req) => {
    const accountId = await visibleAccount(req, await siteAccountId(db.pool, req.params.siteId), 'site');
    const bundle = await readBundle(db.pool, accountId);
    const site = bundle?.sites.find((s) => s.id === req.params.siteId);
    if (!site) throw new KeymeterError('KM_NOT_FOUND', 'no site');
    return { accountId, ...site };
  });

  app.get('/meters/:meterId', {
    schema: { tags: ['readings'], summary: 'A meter with its channels', params: z.object({ meterId: Id }), response: { 200: MeterResource, ...problemResponses(400, 401, 403, 404) } },
  }, async (req) => {
    const accountId = await visibleAccount(req, await meterAccountId(db.pool, req.params.meterId), 'meter');
    const bundle = await readBundle(db.pool, accountId);
    for (const site of bundle?.sites ?? []) {
      const meter = site.meters.find((m) => m.id === req.params.meterId);
      if (meter) return { accountId, siteId: site.id, timezone: site.timezone, ...meter };
    }
    throw new KeymeterError('KM_NOT_FOUND', 'no meter');
  });

  app.get('/accounts/:accountId/bills', {
    schema: { tags: ['accounts'], summary: "An account's bills and payments", params: z.object({ accountId: Id }), response: { 200: z.object({ bills: z.array(Bill), payments: z.array(Payment) }), ...problemResponses(400, 401, 403, 404) } },
  }, async (req) => {
    requireAccountRead(req, req.params.accountId);
    const bundle = await readBundle(db.pool, req.params.accountId);
    if (!bundle) throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', 'no such account');
    return { bills: bundle.bills, payments: bundle.payments };
  });

  app.get('/tariffs/:tariffId', {
    schema: { tags: ['tariffs'], summary: 'A stored tariff (OpenEI URDB rate item)', params: z.object({ tariffId: Id }), response: { 200: z.object({ id: z.string(), name: z.string().nullable(), utility: z.string().nullable(), urdb: Loose, importedAt: z.string() }), ...problemResponses(400, 401, 404) } },
  }, async (req) => {
    principalOf(req); // published utility rates: every authenticated key may read them
    const tariff = await selectTariff(db.pool, req.params.tariffId);
    if (!tariff) throw new KeymeterError('KM_NOT_FOUND', 'no such tariff');
    return tariff;
  });

  const Totals = z.object({ totals: z.array(z.object({ month: z.string(), kwh: z.number() })) });
  app.get('/system-totals', {
    schema: { tags: ['system'], summary: "The utility's total end-user consumption per month", querystring: z.object({ from: Month.optional(), to: Month.optional() }), response: { 200: Totals, ...problemResponses(400, 401) } },
  }, async (req) => {
    principalOf(req);
    return { totals: await listSystemTotals(db.pool, req.query.from, req.query.to) };
  });

  app.put('/system-totals', {
    schema: {
      tags: ['system'], summary: 'Upsert monthly system totals (admin); idempotent',
      body: z.object({ totals: z.array(z.object({ month: z.string(), kwh: z.number() })).max(2_400) }),
      response: { 200: z.object({ months: z.number().int(), written: z.number().int() }), ...problemResponses(400, 401, 403) },
    },
  }, async (req) => {
    const p = requireRole(req, 'admin');
    const { totals, issues } = validateSystemTotals(req.body.totals.map((x) => ({ month: x.month, kwh: String(x.kwh) })), 0);
    if (issues.length > 0) {
      throw new KeymeterError('KM_VALIDATION', 'invalid system totals', { issues: issues.map((i) => ({ path: i.path.replace(/^line (\d+): /, 'totals[$1].'), message: i.message })) });
    }
    const written = await withTransaction(db.pool, async (c) => {
      const n = await upsertSystemTotals(c, totals);
      await insertAudit(c, `key:${p.keyId}`, 'system_totals.put', null, { months: totals.length, written: n });
      return n;
    });
    return { months: totals.length, written };
  });
};
