import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.js';
import { migrate } from '../db/migrate.js';
import type { Database } from '../db/pool.js';
import type { ReportService } from '../reports/manager.js';
import { onShutdown, openDb, type Runtime } from './runtime.js';

export interface Serving {
  app: FastifyInstance;
  db: Database;
  /** http://host:port of the listening API. */
  url: string;
  /** Scheduled reports (pg-boss worker and timekeeper on the same pool); stopped by `app.close()`. */
  reports: ReportService;
}

/** Opens the database, applies migrations, starts the report schedules and the API on HOST:PORT. */
export async function startServing(rt: Runtime, db?: Database): Promise<Serving> {
  const database = db ?? (await openDb(rt));
  let reports: ReportService | undefined;
  try {
    await migrate(database.pool, rt.log);
    const app = await buildApp({ config: rt.config, db: database, log: rt.log });
    // Loaded here, not at start-up: pg-boss, nodemailer and PDFKit are for the commands that serve.
    const { ReportService } = await import('../reports/manager.js');
    reports = new ReportService({ pool: database.pool, log: rt.log, config: rt.config, forecasts: true });
    const service = reports;
    // The worker stops with the API, before whoever called app.close() closes the pool it runs on.
    app.addHook('onClose', async () => service.stop());
    await reports.start();
    const address = await app.listen({ host: rt.config.HOST, port: rt.config.PORT });
    rt.log.info({ address, database: database.displayUrl, embedded: database.embedded }, 'api listening');
    return { app, db: database, url: address, reports };
  } catch (err) {
    await reports?.stop().catch(() => undefined);
    if (!db) await database.close();
    throw err;
  }
}

export async function serveCommand(rt: Runtime): Promise<void> {
  const s = await startServing(rt);
  await onShutdown(rt.log, async () => {
    await s.app.close();
    await s.db.close();
  });
}
