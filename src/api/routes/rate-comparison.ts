/**
 * GET /v1/accounts/{accountId}/rate-comparison: the rate comparison of every site of the account in full
 * (each tariff and month with its energy, demand, fixed and minimum-charge dollars, kWh per energy period,
 * billing kW per demand period, completeness), and the bill reconstruction. Same period rules and the
 * same per-account authorization as the energy profile; the Section 4 document carries the summary.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id } from '../../core/bundle/schema.js';
import type { Database } from '../../db/pool.js';
import type { AnalysisCache } from '../../section4/analysis.js';
import { buildRateComparison } from '../../section4/rate-comparison.js';
import { requireAccountRead } from '../auth.js';
import { problemResponses } from '../problem.js';
import { RateComparisonDetail } from '../schemas/rate-comparison.js';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD');

export const rateComparisonRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'>; cache?: AnalysisCache | undefined; nowMs?: () => number }> = async (app, { db, cache, nowMs }) => {
  app.get('/accounts/:accountId/rate-comparison', {
    schema: {
      tags: ['tariffs'], summary: "The account's bills under its current and candidate tariffs, month by month, and its bills reconstructed",
      description: 'Per site: every tariff the site names (its bundle `tariffs[]` first, then the tariff library) billed from interval data over ' +
        'the local months of the period, the cheapest and the savings, tariffs that could not be billed and why, and each bundle bill of the site ' +
        'recomputed under the current tariff over its own period (within 0.4% counts as reconstructed). `from` and `to` as for the energy profile.',
      params: z.object({ accountId: Id }),
      querystring: z.object({ from: LocalDate.optional().describe('local date, included'), to: LocalDate.optional().describe('local date, included') }),
      response: { 200: RateComparisonDetail, ...problemResponses(400, 401, 403, 404, 422) },
    },
  }, async (req) => {
    requireAccountRead(req, req.params.accountId);
    return buildRateComparison(db.pool, req.params.accountId, req.query, (nowMs ?? Date.now)(), { cache });
  });
};
