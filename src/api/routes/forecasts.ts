/**
 * Stored forecasts of an account (issue 9, src/forecasts): the forecast as of a day with what the meters
 * measured since (GET .../forecast?asOf=), the list of stored ones, and making one now (admin; the
 * schedule makes one per account and day by itself). Authorized like the account: a key that may not
 * read it gets 403 and learns nothing of it.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id } from '../../core/bundle/schema.js';
import { dayNumber } from '../../core/period.js';
import type { Database } from '../../db/pool.js';
import { insertAudit } from '../../db/queries/audit.js';
import { readBundle } from '../../db/queries/bundle-read.js';
import { findForecastAsOf, listForecasts, type ForecastMeta } from '../../db/queries/forecasts.js';
import { KeymeterError } from '../../errors.js';
import { compareWithActuals } from '../../forecasts/compare.js';
import { accountZone, checkAsOf, latestAsOf, makeForecast } from '../../forecasts/store.js';
import { requireAccountRead, requireRole } from '../auth.js';
import { problemResponses } from '../problem.js';
import { ForecastMetaSchema, StoredForecast } from '../schemas/forecast.js';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(dayNumber(d)), 'must be a real date');
const Params = z.object({ accountId: Id });
/** Listing page size. */
const MAX_LIST = 400;

const metaJson = (m: ForecastMeta): z.infer<typeof ForecastMetaSchema> => ({
  id: m.id, accountId: m.accountId, asOf: m.asOf, madeAt: new Date(m.madeAtMs).toISOString(), madeBy: m.madeBy, timeZone: m.timeZone,
  historyFrom: m.historyFrom, intervalMinutes: m.intervalMinutes, href: `/v1/accounts/${encodeURIComponent(m.accountId)}/forecast?asOf=${m.asOf}`,
});

export const forecastRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'>; nowMs?: () => number }> = async (app, { db, nowMs }) => {
  const now = nowMs ?? Date.now;

  app.get('/accounts/:accountId/forecast', {
    schema: {
      tags: ['forecast'], summary: 'A stored forecast of the account, beside what the meters measured since',
      description: 'The forecast stored as of `asOf` (the newest one at or before it; without `asOf`, the newest): its day-ahead intervals ' +
        'and 12 months, each with the measured value now, and the accuracy of what can be scored so far. Forecasts are stored by the daily ' +
        'schedule of `keymeter serve`, by `keymeter forecast`, or by POST /v1/accounts/{accountId}/forecasts; 404 when none is stored yet.',
      params: Params,
      querystring: z.object({ asOf: LocalDate.optional().describe('local date: the forecast made from data up to the end of this day') }),
      response: { 200: StoredForecast, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    const { accountId } = req.params;
    requireAccountRead(req, accountId);
    const bundle = await readBundle(db.pool, accountId);
    if (!bundle) throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', `no account '${accountId}'`);
    const row = await findForecastAsOf(db.pool, accountId, req.query.asOf ?? null);
    if (!row) {
      throw new KeymeterError('KM_FORECAST_NOT_FOUND', req.query.asOf === undefined
        ? `no forecast of account '${accountId}' is stored yet`
        : `no forecast of account '${accountId}' is stored as of ${req.query.asOf} or earlier`);
    }
    const view = await compareWithActuals(db.pool, bundle, row, now());
    // The detail is the core's output as it is: the schema declares it a loose object.
    return { ...view, detail: view.detail as unknown as Record<string, unknown> };
  });

  app.get('/accounts/:accountId/forecasts', {
    schema: {
      tags: ['forecast'], summary: 'The stored forecasts of the account, newest first',
      params: Params,
      querystring: z.object({
        from: LocalDate.optional().describe('oldest `asOf`, included'),
        to: LocalDate.optional().describe('newest `asOf`, included'),
        limit: z.coerce.number().int().min(1).default(MAX_LIST).transform((n) => Math.min(n, MAX_LIST)).describe(`at most ${MAX_LIST}; larger values are capped`),
      }),
      response: { 200: z.object({ forecasts: z.array(ForecastMetaSchema) }), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    const { accountId } = req.params;
    requireAccountRead(req, accountId);
    if (!(await readBundle(db.pool, accountId))) throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', `no account '${accountId}'`);
    const list = await listForecasts(db.pool, accountId, req.query.from ?? null, req.query.to ?? null, req.query.limit);
    return { forecasts: list.map(metaJson) };
  });

  app.post('/accounts/:accountId/forecasts', {
    schema: {
      tags: ['forecast'], summary: 'Make and store the forecast of the account as of a day (admin)',
      description: 'Makes the forecast from the account\'s data up to the end of `asOf` (default: yesterday in the account\'s zone) and stores it: ' +
        '201 with the new one, 200 with the stored one when that day has one already (a stored forecast is never replaced), 422 when the data ' +
        'is too short for a forecast.',
      params: Params,
      body: z.object({ asOf: LocalDate.optional().describe('a local day that has ended') }).default({}),
      response: { 200: ForecastMetaSchema, 201: ForecastMetaSchema, ...problemResponses(400, 401, 403, 404, 415, 422) },
    },
  }, async (req, reply) => {
    const { accountId } = req.params;
    requireAccountRead(req, accountId);
    const p = requireRole(req, 'admin');
    const bundle = await readBundle(db.pool, accountId);
    if (!bundle) throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', `no account '${accountId}'`);
    const zone = accountZone(bundle);
    const asOf = req.body.asOf === undefined ? latestAsOf(now(), zone) : checkAsOf(req.body.asOf, now(), zone);
    const actor = `key:${p.keyId}`;
    const out = await makeForecast(db.pool, accountId, asOf, actor, (c, stored) => insertAudit(c, actor, 'forecast.create', accountId, { forecastId: stored.id, asOf }));
    if (out.outcome === 'no-forecast') throw new KeymeterError('KM_FORECAST_NO_DATA', `no forecast as of ${asOf}: ${out.reason}`);
    if (out.outcome === 'stored') return reply.code(201).send(metaJson(out.forecast));
    const existing = await findForecastAsOf(db.pool, accountId, asOf);
    return reply.code(200).send(metaJson(existing!));
  });
};
