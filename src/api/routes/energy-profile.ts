/**
 * GET /v1/accounts/{accountId}/energy-profile (CONTRACT.md): the Section 4 document. `from` and `to` are
 * local dates in the site's zone, both included; by default the 36 full months before today.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id } from '../../core/bundle/schema.js';
import type { Database } from '../../db/pool.js';
import { buildSection4 } from '../../section4/build.js';
import { requireAccountRead } from '../auth.js';
import { problemResponses } from '../problem.js';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD');

const Section4 = z
  .object({
    account: z.record(z.string(), z.unknown()),
    period: z.object({ from: z.string(), to: z.string(), timezone: z.string() }),
    consumption: z.record(z.string(), z.unknown()).describe('electric (monthly, annual, daily, profiles), gas, water'),
    energyCostShare: z.record(z.string(), z.unknown()),
    factors: z.record(z.string(), z.unknown()),
    systemShare: z.record(z.string(), z.unknown()),
    rateComparison: z.record(z.string(), z.unknown()),
    transformers: z.array(z.record(z.string(), z.unknown())),
    equipment: z.array(z.record(z.string(), z.unknown())),
    powerQuality: z.record(z.string(), z.unknown()),
    oneLine: z.record(z.string(), z.unknown()),
    outages: z.record(z.string(), z.unknown()),
    billing: z.record(z.string(), z.unknown()),
    forecast: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'EnergyProfile', description: 'The Section 4 document; fields per CONTRACT.md "The Section 4 document"' });

export const energyProfileRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'>; nowMs?: () => number }> = async (app, { db, nowMs }) => {
  app.get('/accounts/:accountId/energy-profile', {
    schema: {
      tags: ['accounts'], summary: 'The Section 4 energy profile of an account',
      params: z.object({ accountId: Id }),
      querystring: z.object({ from: LocalDate.optional().describe('local date, included'), to: LocalDate.optional().describe('local date, included') }),
      response: { 200: Section4, ...problemResponses(400, 401, 403, 404, 422) },
    },
  }, async (req) => {
    requireAccountRead(req, req.params.accountId);
    return (await buildSection4(db.pool, req.params.accountId, req.query, (nowMs ?? Date.now)())) as z.infer<typeof Section4>;
  });
};
