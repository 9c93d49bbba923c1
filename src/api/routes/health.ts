import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/pool.js';
import { schemaStatus } from '../../db/migrate.js';
import { KeymeterError } from '../../errors.js';
import { problemResponses } from '../problem.js';

/** How long /readyz waits for the database before it answers "not ready". */
const READY_TIMEOUT_MS = 2_000;

const Ready = z.object({
  status: z.literal('ready'),
  database: z.object({ embedded: z.boolean(), timescaledb: z.string().nullable(), migrations: z.literal('applied') }),
});

export const healthRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool' | 'embedded'> }> = async (app, { db }) => {
  app.get('/healthz', {
    schema: { tags: ['health'], summary: 'The process is up', security: [], response: { 200: z.object({ status: z.literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: {
      tags: ['health'], summary: 'The database is reachable and every migration is applied', security: [],
      response: { 200: Ready, ...problemResponses(503) },
    },
  }, async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KeymeterError('KM_NOT_READY', `database did not answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      timer.unref();
    });
    try {
      const status = await Promise.race([schemaStatus(db.pool), timeout]).catch((err: unknown) => {
        if (err instanceof KeymeterError) throw err;
        throw new KeymeterError('KM_NOT_READY', 'database unreachable', { cause: err });
      });
      if (!status.upToDate) throw new KeymeterError('KM_NOT_READY', `migrations pending: ${status.pending.join(', ')} (run keymeter migrate)`);
      return { status: 'ready' as const, database: { embedded: db.embedded, timescaledb: status.timescaledb, migrations: 'applied' as const } };
    } finally {
      clearTimeout(timer);
    }
  });
};
