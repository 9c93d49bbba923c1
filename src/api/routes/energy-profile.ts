/**
 * GET /v1/accounts/{accountId}/energy-profile (CONTRACT.md): the Section 4 document. `from` and `to` are
 * local dates in the site's zone, both included; by default the 36 full months before today.
 * `Accept` picks the representation: JSON (default), CSV (src/section4/render-csv.ts) or a printable
 * HTML page (src/section4/render-html.ts); none of them acceptable is a 406.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id } from '../../core/bundle/schema.js';
import type { Database } from '../../db/pool.js';
import { KeymeterError } from '../../errors.js';
import type { AnalysisCache } from '../../section4/analysis.js';
import { buildSection4 } from '../../section4/build.js';
import { section4Csv } from '../../section4/render-csv.js';
import { section4Html } from '../../section4/render-html.js';
import { requireAccountRead } from '../auth.js';
import { negotiate } from '../negotiate.js';
import { problemResponses } from '../problem.js';
import { EnergyProfile } from '../schemas/energy-profile.js';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD');

/** What the route can send, in the order it prefers them when the client ranks several equally. */
export const ENERGY_PROFILE_TYPES = ['application/json', 'text/csv', 'text/html'] as const;
export type EnergyProfileType = (typeof ENERGY_PROFILE_TYPES)[number];

/** The representation `Accept` asks for (src/api/negotiate.ts, RFC 9110 §12.5.1); no header means JSON, null a 406. */
export function negotiateEnergyProfileType(accept: string | undefined): EnergyProfileType | null {
  return negotiate(accept, ENERGY_PROFILE_TYPES);
}

/** The page forbids everything but its own inline CSS: no script can run even if some text were not escaped. */
const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'";

export const energyProfileRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'>; cache?: AnalysisCache | undefined; nowMs?: () => number }> = async (app, { db, cache, nowMs }) => {
  app.get('/accounts/:accountId/energy-profile', {
    schema: {
      tags: ['accounts'], summary: 'The Section 4 energy profile of an account',
      params: z.object({ accountId: Id }),
      querystring: z.object({ from: LocalDate.optional().describe('local date, included'), to: LocalDate.optional().describe('local date, included') }),
      description: 'The representation follows `Accept`: `application/json` (also for `*/*` or no header), `text/csv` (one block per item, ' +
        'each a `# <item>` line, a header row and rows) or `text/html` (a printable page with SVG charts); anything else is a 406.',
      response: {
        200: {
          description: 'The Section 4 document',
          content: {
            'application/json': { schema: EnergyProfile },
            'text/csv': { schema: z.string().describe('RFC 4180 CSV, CRLF line ends, one block per Section 4 item') },
            'text/html': { schema: z.string().describe('A self-contained printable HTML page') },
          },
        },
        ...problemResponses(400, 401, 403, 404, 406, 422),
      },
    },
  }, async (req, reply) => {
    requireAccountRead(req, req.params.accountId);
    reply.header('vary', 'Accept');
    const type = negotiateEnergyProfileType(req.headers.accept);
    if (type === null) throw new KeymeterError('KM_NOT_ACCEPTABLE', `this resource is available as ${ENERGY_PROFILE_TYPES.join(', ')}`);
    const doc = await buildSection4(db.pool, req.params.accountId, req.query, (nowMs ?? Date.now)(), { cache });
    if (type === 'application/json') return doc as EnergyProfile;
    // A string with a non-JSON content type goes out as it is: Fastify runs no serializer for it.
    if (type === 'text/csv') {
      const period = doc.period as { from: string; to: string };
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${req.params.accountId}-section4-${period.from}-${period.to}.csv"`)
        .send(section4Csv(doc));
    }
    return reply.type('text/html; charset=utf-8').header('content-security-policy', HTML_CSP).send(section4Html(doc));
  });
};
