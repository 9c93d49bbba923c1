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
import { problemResponses } from '../problem.js';
import { EnergyProfile } from '../schemas/energy-profile.js';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD');

/** What the route can send, in the order it prefers them when the client ranks several equally. */
export const ENERGY_PROFILE_TYPES = ['application/json', 'text/csv', 'text/html'] as const;
export type EnergyProfileType = (typeof ENERGY_PROFILE_TYPES)[number];

/**
 * Proactive negotiation on `Accept` (RFC 9110 §12.5.1): each offered type takes the q of the most
 * specific media range that matches it (`text/csv` over `text/*` over `*\/*`); the highest q above 0
 * wins, ties go to ENERGY_PROFILE_TYPES order. No header (or an empty one) means JSON; a header that
 * accepts none of them gives null (406). Media-type parameters other than q are ignored.
 */
export function negotiateEnergyProfileType(accept: string | undefined): EnergyProfileType | null {
  if (accept === undefined || accept.trim() === '') return 'application/json';
  const ranges: { type: string; subtype: string; q: number }[] = [];
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const m = /^([a-z0-9!#$%&'*+.^_`|~-]+)\/([a-z0-9!#$%&'*+.^_`|~-]+)$/.exec(range ?? '');
    if (!m) continue;
    const qParam = params.find((p) => /^q\s*=/.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.slice(qParam.indexOf('=') + 1).trim());
    if (!Number.isFinite(q) || q < 0 || q > 1) continue;
    ranges.push({ type: m[1]!, subtype: m[2]!, q });
  }
  let best: { type: EnergyProfileType; q: number } | null = null;
  for (const offered of ENERGY_PROFILE_TYPES) {
    const [type, subtype] = offered.split('/') as [string, string];
    let specificity = -1;
    let q = 0;
    for (const r of ranges) {
      const s = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
      if (s > specificity) {
        specificity = s;
        q = r.q;
      }
    }
    if (q > 0 && (best === null || q > best.q)) best = { type: offered, q };
  }
  return best?.type ?? null;
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
