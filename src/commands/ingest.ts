import { startMqttIngest } from '../../ingest/mqtt/worker.js';
import { migrate } from '../db/migrate.js';
import { VeeRunner } from '../vee/runner.js';
import { onShutdown, openDb, UsageError, type Runtime } from './runtime.js';

/** `keymeter ingest mqtt`: runs until SIGTERM/SIGINT, then stops intake, flushes, acknowledges, exits 0. */
export async function ingestMqttCommand(rt: Runtime): Promise<void> {
  const url = rt.config.MQTT_URL;
  if (url === undefined) throw new UsageError('set MQTT_URL (e.g. mqtt://127.0.0.1:1883); the embedded broker runs only inside `keymeter demo`');
  const db = await openDb(rt);
  try {
    await migrate(db.pool, rt.log);
    // VEE of every committed batch, in the background (src/vee/runner.ts).
    const vee = new VeeRunner(db.pool, rt.log);
    const ingest = await startMqttIngest(db.pool, rt.log, {
      url,
      clientId: rt.config.KEYMETER_MQTT_CLIENT_ID,
      group: rt.config.KEYMETER_MQTT_GROUP,
      connections: rt.config.KEYMETER_MQTT_CONNECTIONS,
      maxBatchRows: rt.config.INGEST_BATCH_MAX_ROWS,
      flushIntervalMs: rt.config.INGEST_FLUSH_INTERVAL_MS,
      concurrency: db.embedded ? 1 : rt.config.INGEST_FLUSH_CONCURRENCY,
      onCommitted: (ranges) => vee.notify(ranges),
    });
    await onShutdown(rt.log, async () => {
      await ingest.close();
      await vee.close();
    });
  } finally {
    await db.close();
  }
}
