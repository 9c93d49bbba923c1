import { startModbusIngest } from '../../ingest/modbus/worker.js';
import { migrate } from '../db/migrate.js';
import { onShutdown, openDb, type Runtime } from './runtime.js';

/**
 * `keymeter ingest modbus`: polls the modbus meters this poller leases until SIGTERM/SIGINT, then lets
 * the polls in progress commit, flushes, saves states, releases the leases and exits 0.
 */
export async function ingestModbusCommand(rt: Runtime): Promise<void> {
  const db = await openDb(rt);
  try {
    await migrate(db.pool, rt.log);
    const c = rt.config;
    const ingest = await startModbusIngest(db.pool, rt.log, {
      pollerId: c.KEYMETER_MODBUS_POLLER_ID,
      maxBatchRows: c.INGEST_BATCH_MAX_ROWS,
      flushIntervalMs: c.INGEST_FLUSH_INTERVAL_MS,
      flushConcurrency: db.embedded ? 1 : c.INGEST_FLUSH_CONCURRENCY,
      pollConcurrency: c.KEYMETER_MODBUS_CONCURRENCY,
      requestTimeoutMs: c.KEYMETER_MODBUS_TIMEOUT_MS,
      leaseMs: c.KEYMETER_MODBUS_LEASE_SECONDS * 1000,
      mapsDir: c.KEYMETER_MODBUS_MAPS_DIR,
    });
    rt.log.info({ pollerId: ingest.pollerId, meters: ingest.held() }, 'modbus ingest running');
    await onShutdown(rt.log, () => ingest.close());
  } finally {
    await db.close();
  }
}
