/** GET /v1/dead-letters (admin): what ingest refused, with the reason, newest first. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id } from '../../core/bundle/schema.js';
import type { Database } from '../../db/pool.js';
import { listDeadLetters } from '../../db/queries/dead-letters.js';
import { requireRole } from '../auth.js';
import { problemResponses } from '../problem.js';

const MAX_LIMIT = 1_000;
const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with Z or an offset' });

const DeadLetter = z.object({
  id: z.string(),
  receivedAt: z.string(),
  source: z.string(),
  topicOrUnit: z.string().nullable(),
  meterId: z.string().nullable(),
  payload: z.string().nullable().describe('as received (cut to 8 KiB), UTF-8 text or base64 per payloadEncoding'),
  payloadEncoding: z.enum(['utf8', 'base64']).nullable(),
  payloadTruncated: z.boolean(),
  code: z.string().describe('KM_INGEST_* (docs/errors.md)'),
  detail: z.string(),
});

const utf8 = new TextDecoder('utf-8', { fatal: true });
function encodePayload(p: Buffer | null): { payload: string | null; payloadEncoding: 'utf8' | 'base64' | null } {
  if (p === null) return { payload: null, payloadEncoding: null };
  try {
    return { payload: utf8.decode(p), payloadEncoding: 'utf8' };
  } catch {
    return { payload: p.toString('base64'), payloadEncoding: 'base64' };
  }
}

export const deadLetterRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'> }> = async (app, { db }) => {
  app.get('/dead-letters', {
    schema: {
      tags: ['ingest'], summary: 'Rejected ingest input with its reason (admin)',
      querystring: z.object({
        meter: Id.optional(), from: Instant.optional().describe('received at or after'), to: Instant.optional().describe('received before'),
        limit: z.coerce.number().int().positive().default(100).transform((n) => Math.min(n, MAX_LIMIT)),
        before: z.string().regex(/^\d{1,19}$/).optional().describe('cursor: the id the previous page ended at'),
      }),
      response: { 200: z.object({ deadLetters: z.array(DeadLetter), next: z.string().nullable() }), ...problemResponses(400, 401, 403) },
    },
  }, async (req) => {
    requireRole(req, 'admin');
    const q = req.query;
    const rows = await listDeadLetters(db.pool, { meterId: q.meter, fromIso: q.from, toIso: q.to, beforeId: q.before, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    let next: string | null = null;
    if (rows.length > q.limit) {
      const params = new URLSearchParams();
      if (q.meter) params.set('meter', q.meter);
      if (q.from) params.set('from', q.from);
      if (q.to) params.set('to', q.to);
      params.set('limit', String(q.limit));
      params.set('before', page[page.length - 1]!.id);
      next = `/v1/dead-letters?${params.toString()}`;
    }
    return { deadLetters: page.map((d) => ({ ...d, ...encodePayload(d.payload) })), next };
  });
};
