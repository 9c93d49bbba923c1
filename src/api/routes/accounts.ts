/**
 * Accounts and their bundles (CONTRACT.md "HTTP"): PUT takes the account bundle (admin), GET gives it
 * back normalized, GET /v1/accounts/{id} the account with its sites.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AccountBundle, Id } from '../../core/bundle/schema.js';
import type { Database } from '../../db/pool.js';
import { importBundle } from '../../db/bundle-store.js';
import { readBundle } from '../../db/queries/bundle-read.js';
import { listAccounts, readAccountSummary } from '../../db/queries/accounts.js';
import { KeymeterError } from '../../errors.js';
import { principalOf, requireAccountRead, requireRole } from '../auth.js';
import { problemResponses } from '../problem.js';

const AccountParams = z.object({ accountId: Id });

const SiteSummary = z.object({
  id: z.string(), name: z.string(), timezone: z.string(), nominalVoltage: z.number().nullable(),
  currentTariff: z.string().nullable(), candidateTariffs: z.array(z.string()),
  meters: z.array(z.object({ id: z.string(), commodity: z.string(), protocol: z.string().nullable(), channels: z.array(z.string()) })),
});
const AccountSummary = z.object({
  id: z.string(), name: z.string(), segment: z.string().nullable(), updatedAt: z.string(), sites: z.array(SiteSummary),
}).meta({ id: 'Account' });

const PutResult = z.object({ accountId: z.string(), created: z.boolean(), changedRows: z.number().int() });

/** The stored bundle as JSON: its shape is the AccountBundle schema's output (see the PUT body). */
const StoredBundle = z.record(z.string(), z.unknown()).meta({ id: 'StoredBundle', description: 'The normalized account bundle (the same shape as the PUT body, defaults filled in)' });

export const accountRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'> }> = async (app, { db }) => {
  app.get('/accounts', {
    schema: {
      tags: ['accounts'], summary: 'The accounts this key may read',
      response: { 200: z.object({ accounts: z.array(z.object({ id: z.string(), name: z.string(), segment: z.string().nullable() })) }), ...problemResponses(401) },
    },
  }, async (req) => {
    const p = principalOf(req);
    const all = p.role === 'admin' || p.role === 'engineer';
    return { accounts: await listAccounts(db.pool, all ? null : [...p.accountIds]) };
  });

  app.get('/accounts/:accountId', {
    schema: {
      tags: ['accounts'], summary: 'An account with its sites and meters', params: AccountParams,
      response: { 200: AccountSummary, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    requireAccountRead(req, req.params.accountId);
    const account = await readAccountSummary(db.pool, req.params.accountId);
    if (!account) throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', `no account '${req.params.accountId}'`);
    return account;
  });

  app.get('/accounts/:accountId/bundle', {
    schema: {
      tags: ['accounts'], summary: 'The stored account bundle, normalized', params: AccountParams,
      response: { 200: StoredBundle, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    requireAccountRead(req, req.params.accountId);
    const bundle = await readBundle(db.pool, req.params.accountId);
    if (!bundle) throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', `no account '${req.params.accountId}'`);
    return bundle as Record<string, unknown>;
  });

  app.put('/accounts/:accountId/bundle', {
    schema: {
      tags: ['accounts'],
      summary: 'Create or update an account from its bundle (admin); idempotent, all or nothing',
      description: 'Validation errors name the JSON path of each bad field in `errors[].path`. Removing a meter or channel that holds readings is refused (409).',
      params: AccountParams,
      body: AccountBundle,
      response: { 200: PutResult, 201: PutResult, ...problemResponses(400, 401, 403, 409, 413, 415) },
    },
  }, async (req, reply) => {
    const p = requireRole(req, 'admin');
    if (req.body.id !== req.params.accountId) {
      throw new KeymeterError('KM_BUNDLE_ID_MISMATCH', `the bundle's id '${req.body.id}' differs from the URL's '${req.params.accountId}'`, {
        issues: [{ path: 'id', message: `must equal '${req.params.accountId}'` }],
      });
    }
    const result = await importBundle(db, req.body, `key:${p.keyId}`);
    return reply.code(result.created ? 201 : 200).send({ accountId: req.params.accountId, created: result.created, changedRows: result.changedRows });
  });
};
