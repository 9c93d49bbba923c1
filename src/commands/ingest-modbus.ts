import { startModbusIngest } from '../../ingest/modbus/worker.js';
import { migrate } from '../db/migrate.js';
import { VeeRunner } from '../vee/runner.js';
import { onShutdown, openDb, type Runtime } from './runtime.js';

/**
 * `keymeter ingest modbus`: polls the modbus meters this poller leases until SIGTERM/SIGINT, then lets
 * the polls in progress commit, flushes, saves states, releases the leases, runs the VEE still queued
 * for what was committed (within its time limit) and exits 0.
 */
export async function ingestModbusCommand(rt: Runtime): Promise<void> {
  const db = await openDb(rt);
  try {
    await migrate(db.pool, rt.log);
    const c = rt.config;
    // VEE of every committed batch, in the background (src/vee/runner.ts), as for MQTT ingest.
    const vee = new VeeRunner(db.pool, rt.log);
    const ingest = await startModbusIngest(db.pool, rt.log, {
      pollerId: c.KEYMETER_MODBUS_POLLER_ID,
      maxBatchRows: c.INGEST_BATCH_MAX_ROWS,
      flushIntervalMs: c.INGEST_FLUSH_INTERVAL_MS,
      flushConcurrency: db.embedded ? 1 : c.INGEST_FLUSH_CONCURRENCY,
      pollConcurrency: c.KEYMETER_MODBUS_CONCURRENCY,
      requestTimeoutMs: c.KEYMETER_MODBUS_TIMEOUT_MS,
      leaseMs: c.KEYMETER_MODBUS_LEASE_SECONDS * 1000,
      mapsDir: c.KEYMETER_MODBUS_MAPS_DIR,
      onCommitted: (ranges) => vee.notify(ranges),
    });
    rt.log.info({ pollerId: ingest.pollerId, meters: ingest.held() }, 'modbus ingest running');
    await onShutdown(rt.log, async () => {
      await ingest.close();
      await vee.close();
    });
  } finally {
    await db.close();
  }
}
