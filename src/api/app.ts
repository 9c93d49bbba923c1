/**
 * The Fastify application: one plugin per concern (FY). Everything under /v1 requires a bearer key;
 * every error is an RFC 9457 problem document; the OpenAPI document comes from the route schemas.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyRateLimit from '@fastify/rate-limit';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import type { Database } from '../db/pool.js';
import type { Logger } from '../log.js';
import { KeymeterError } from '../errors.js';
import { Authenticator } from './auth.js';
import { installErrorHandling } from './error-handler.js';
import { metricsPlugin } from './routes/metrics.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes } from './routes/health.js';
import { accountRoutes } from './routes/accounts.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { energyProfileRoutes } from './routes/energy-profile.js';
import { engineeringRoutes } from './routes/engineering.js';
import { accountReportRoutes } from './routes/account-report.js';
import { rateComparisonRoutes } from './routes/rate-comparison.js';
import { forecastRoutes } from './routes/forecasts.js';
import { greenButtonRoutes } from './routes/greenbutton.js';
import { readingsRoutes } from './routes/readings.js';
import { editRoutes } from './routes/edits.js';
import { reportRoutes } from './routes/reports.js';
import { reportScheduleRoutes } from './routes/report-schedules.js';
import { resourceRoutes } from './routes/resources.js';
import { createAnalysisCache } from '../section4/analysis.js';
import { pruneUnusedSchemas } from './openapi-prune.js';

export interface AppDeps {
  config: Config;
  db: Pick<Database, 'pool' | 'embedded'>;
  log: Logger;
  /** The clock (tests pin it); default Date.now. */
  nowMs?: () => number;
}

/** Largest request body, in bytes: a bundle with a few thousand bills fits comfortably. */
const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

export const API_VERSION = '0.1.0';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'api' }) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  // The API takes JSON only: without Fastify's default text/plain parser a text body is a 415, not a
  // string that then fails validation.
  app.removeContentTypeParser('text/plain');

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keymeter API',
        version: API_VERSION,
        description: 'The energy picture of a utility key account: the Section 4 energy profile of the key-account plan and the data behind it.',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key (`keymeter keys create`)' } } },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'health', description: 'Liveness, readiness and metrics' },
        { name: 'accounts', description: 'Key accounts and their bundles' },
        { name: 'readings', description: 'Stored interval readings' },
        { name: 'ingest', description: 'What ingest refused, and why' },
        { name: 'tariffs', description: 'Tariffs (OpenEI URDB rate items)' },
        { name: 'system', description: "The utility's system-wide data" },
        { name: 'reports', description: 'Scheduled customer energy reports' },
        { name: 'engineering', description: 'Power quality, transformer thermal loading and reliability indices' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (documentObject) => pruneUnusedSchemas(jsonSchemaTransformObject(documentObject)),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async (_req, reply) => reply.type('application/json').send(app.swagger()));

  const auth = new Authenticator(deps.db.pool, deps.config.KEYMETER_ADMIN_KEY);
  await app.register(metricsPlugin);
  await app.register(healthRoutes, { db: deps.db });
  await app.register(dashboardRoutes);
  await app.register(
    async (v1) => {
      if (deps.config.RATE_LIMIT_PER_MINUTE > 0) {
        // Per key once authenticated (preHandler runs after the onRequest authentication below).
        await v1.register(fastifyRateLimit, {
          max: deps.config.RATE_LIMIT_PER_MINUTE,
          timeWindow: 60 * 1000,
          hook: 'preHandler',
          keyGenerator: (req) => req.principal?.keyId ?? req.ip,
          errorResponseBuilder: (_req, ctx) =>
            new KeymeterError('KM_RATE_LIMITED', `more than ${ctx.max} requests a minute for this key; retry after ${Math.ceil(ctx.ttl / 1000)} s`),
        });
      }
      // No /v1 route is ever open: authentication runs before validation and the handler.
      v1.addHook('onRequest', async (req) => {
        req.principal = await auth.authenticate(req.headers.authorization);
      });
      await v1.register(accountRoutes, { db: deps.db });
      await v1.register(readingsRoutes, { db: deps.db });
      await v1.register(editRoutes, { db: deps.db });
      await v1.register(greenButtonRoutes, { db: deps.db, ...(deps.nowMs ? { nowMs: deps.nowMs } : {}) });
      // One cache for both: the rate comparison is part of the same interval-data analysis.
      const section4 = { db: deps.db, cache: createAnalysisCache(deps.config.SECTION4_CACHE_MB), ...(deps.nowMs ? { nowMs: deps.nowMs } : {}) };
      await v1.register(energyProfileRoutes, section4);
      await v1.register(rateComparisonRoutes, section4);
      await v1.register(deadLetterRoutes, { db: deps.db });
      await v1.register(resourceRoutes, { db: deps.db });
      await v1.register(reportScheduleRoutes, { db: deps.db, ...(deps.nowMs ? { nowMs: deps.nowMs } : {}) });
      await v1.register(reportRoutes, { db: deps.db });
      await v1.register(engineeringRoutes, { db: deps.db, ...(deps.nowMs ? { nowMs: deps.nowMs } : {}) });
      await v1.register(accountReportRoutes, { db: deps.db, ...(deps.nowMs ? { nowMs: deps.nowMs } : {}) });
      await v1.register(forecastRoutes, { db: deps.db, ...(deps.nowMs ? { nowMs: deps.nowMs } : {}) });
    },
    { prefix: '/v1' },
  );
  return app as unknown as FastifyInstance;
}
