/**
 * GET /v1/meters/{meterId}/readings (CONTRACT.md "HTTP"): stored readings of one channel, ascending,
 * `from` inclusive and `to` exclusive, `limit` up to 100,000 (larger values are capped, not refused),
 * with the URL of the next page while more remain.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHANNEL_KINDS } from '../../core/channels.js';
import { Id } from '../../core/bundle/schema.js';
import type { Database } from '../../db/pool.js';
import { channelOf, meterAccountId, selectReadingsPage } from '../../db/queries/readings-read.js';
import { KeymeterError } from '../../errors.js';
import { canReadAccount, principalOf } from '../auth.js';
import { problemResponses } from '../problem.js';

export const MAX_READINGS_LIMIT = 100_000;
const DEFAULT_READINGS_LIMIT = 10_000;
/** Quality codes (table reading_quality) as the API names them. */
const QUALITY_NAMES = ['actual', 'estimated'] as const;
const FAR_PAST = '0001-01-01T00:00:00Z';
const FAR_FUTURE = '9999-12-31T00:00:00Z';

const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with Z or an offset' });

const Query = z.object({
  channel: z.enum(CHANNEL_KINDS),
  from: Instant.optional().describe('inclusive'),
  to: Instant.optional().describe('exclusive'),
  limit: z.coerce.number().int().positive().default(DEFAULT_READINGS_LIMIT).transform((n) => Math.min(n, MAX_READINGS_LIMIT))
    .describe(`at most ${MAX_READINGS_LIMIT}; larger values are capped`),
});

const Reply = z.object({
  meterId: z.string(),
  channel: z.string(),
  unit: z.string().nullable(),
  intervalMinutes: z.number().int(),
  readings: z.array(z.object({ ts: z.string(), value: z.number(), quality: z.string() })),
  next: z.string().nullable().describe('URL of the next page, or null'),
});

export const readingsRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'> }> = async (app, { db }) => {
  app.get('/meters/:meterId/readings', {
    schema: {
      tags: ['readings'], summary: "Stored readings of one of a meter's channels",
      params: z.object({ meterId: Id }), querystring: Query,
      response: { 200: Reply, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    const { meterId } = req.params;
    const q = req.query;
    const accountId = await meterAccountId(db.pool, meterId);
    const p = principalOf(req);
    // A key that may not read the account learns nothing, not even whether the meter exists.
    if (accountId === undefined || !canReadAccount(p, accountId)) {
      if (p.role === 'admin' || p.role === 'engineer') throw new KeymeterError('KM_NOT_FOUND', `no meter '${meterId}'`);
      throw new KeymeterError('KM_FORBIDDEN', 'this key may not read that meter');
    }
    const channel = await channelOf(db.pool, meterId, q.channel);
    if (!channel) throw new KeymeterError('KM_NOT_FOUND', `meter '${meterId}' has no '${q.channel}' channel`);
    const fromIso = q.from ?? FAR_PAST;
    const toIso = q.to ?? FAR_FUTURE;
    const page = await selectReadingsPage(db.pool, channel.id, fromIso, toIso, q.limit + 1);
    const more = page.tsMs.length > q.limit;
    const n = Math.min(page.tsMs.length, q.limit);
    const readings = new Array<{ ts: string; value: number; quality: string }>(n);
    for (let i = 0; i < n; i++) {
      readings[i] = { ts: new Date(page.tsMs[i]!).toISOString(), value: page.values[i]!, quality: QUALITY_NAMES[page.quality[i]!] ?? `code-${page.quality[i]}` };
    }
    let next: string | null = null;
    if (more) {
      const params = new URLSearchParams({ channel: q.channel, from: new Date(page.tsMs[n - 1]! + 1).toISOString(), limit: String(q.limit) });
      if (q.to) params.set('to', q.to);
      next = `/v1/meters/${encodeURIComponent(meterId)}/readings?${params.toString()}`;
    }
    return { meterId, channel: q.channel, unit: channel.unit, intervalMinutes: channel.intervalMinutes, readings, next };
  });
};
