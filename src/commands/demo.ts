/**
 * `keymeter demo` (what `npm start` runs), per CONTRACT.md: the embedded TimescaleDB (unless
 * DATABASE_URL is set), the embedded MQTT broker (unless MQTT_URL is set), migrations, the demo accounts
 * from fixtures/accounts with three years of simulated 15-minute history loaded through the bulk path,
 * then live simulated meters publishing every few seconds through the real MQTT path into the ingest
 * worker, simulated SunSpec meters polled by the Modbus poller, and the API. Everything runs in this one
 * process: the embedded database has one connection.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from '../../ingest/mqtt/embedded-broker.js';
import { startMqttIngest } from '../../ingest/mqtt/worker.js';
import { runLive } from '../../ingest/simulate/mqtt-publisher.js';
import { demoMeterSpecs } from '../../ingest/simulate/profile.js';
import { loadHistory } from '../../ingest/simulate/load-history.js';
import type { AccountBundle } from '../core/bundle/schema.js';
import { importBundle } from '../db/bundle-store.js';
import { migrate } from '../db/migrate.js';
import { ensureDemoSchedule } from '../reports/schedules.js';
import { VeeRunner } from '../vee/runner.js';
import { demoAdminKey } from './keys.js';
import { readJsonFile } from './import-account.js';
import { onShutdown, openDb, type Runtime } from './runtime.js';
import { startServing } from './serve.js';
import { backfillStartMs } from './simulate.js';

export const DEMO_ACCOUNTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/accounts');
/** Seconds between ticks of the live simulated meters. */
const LIVE_TICK_MS = 5 * 1000;

export interface DemoOptions {
  /** History to load: 90d, 12m, 3y (default 3y). */
  history?: string;
}

export async function demoCommand(rt: Runtime, opts: DemoOptions = {}): Promise<void> {
  const nowMs = Date.now();
  const historyStartMs = backfillStartMs(opts.history ?? '3y', nowMs);
  const db = await openDb(rt);
  const stops: (() => Promise<void>)[] = [() => db.close()];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((err: unknown) => rt.log.error({ err }, 'demo shutdown step failed'));
  };
  try {
    await migrate(db.pool, rt.log);
    const bundles: AccountBundle[] = [];
    for (const f of (await readdir(DEMO_ACCOUNTS_DIR)).filter((f) => f.endsWith('.json')).sort()) {
      bundles.push((await importBundle(db, await readJsonFile(path.join(DEMO_ACCOUNTS_DIR, f)), 'demo')).bundle);
    }
    const key = await demoAdminKey(db.pool, rt.config.KEYMETER_DATA_DIR);

    const specs = bundles.flatMap(demoMeterSpecs);
    const history = await loadHistory(db.pool, rt.log, specs, nowMs, nowMs - historyStartMs);
    rt.log.info(history, 'demo history loaded');

    let mqttUrl = rt.config.MQTT_URL;
    if (mqttUrl === undefined) {
      const broker = await startEmbeddedBroker(rt.log);
      stops.push(() => broker.close());
      mqttUrl = broker.url;
    }
    const vee = new VeeRunner(db.pool, rt.log);
    stops.push(() => vee.close());
    const ingest = await startMqttIngest(db.pool, rt.log, {
      url: mqttUrl, clientId: `${rt.config.KEYMETER_MQTT_CLIENT_ID}-demo`, group: rt.config.KEYMETER_MQTT_GROUP,
      connections: rt.config.KEYMETER_MQTT_CONNECTIONS, maxBatchRows: rt.config.INGEST_BATCH_MAX_ROWS, flushIntervalMs: rt.config.INGEST_FLUSH_INTERVAL_MS,
      concurrency: db.embedded ? 1 : rt.config.INGEST_FLUSH_CONCURRENCY,
      onCommitted: (ranges) => vee.notify(ranges),
    });
    stops.push(() => ingest.close());
    await ingest.ready;

    const publisher = await mqtt.connectAsync(mqttUrl, { clientId: `keymeter-demo-simulator-${process.pid}`, clean: true, protocolVersion: 4 });
    const live = new AbortController();
    const liveSpecs = specs.filter((s) => s.protocol === 'mqtt');
    const liveRun = runLive(publisher, liveSpecs, { tickMs: LIVE_TICK_MS, nowMs: Date.now, signal: live.signal, sinceMs: Math.floor(nowMs / 900_000) * 900_000 })
      .catch((err: unknown) => rt.log.error({ err }, 'live simulator stopped'));
    stops.push(async () => {
      live.abort();
      await liveRun;
      await publisher.endAsync();
    });

    // Live Modbus meters: the accounts' modbus meters as simulated SunSpec meters on free loopback ports
    // (their bundle ports could clash with another demo), polled by the real Modbus poller.
    // Imported here, not at the top: every other command would pay for loading jsmodbus and the poller.
    const { startModbusIngest } = await import('../../ingest/modbus/worker.js');
    const { bundleModbusMeters, startFleet } = await import('../../ingest/simulate/modbus-fleet.js');
    const modbusMeters = bundles.flatMap((b) => bundleModbusMeters(b, { host: '127.0.0.1', port: 0 }));
    const fleet = await startFleet(modbusMeters);
    stops.push(() => fleet.close());
    const modbus = await startModbusIngest(db.pool, rt.log, {
      pollerId: rt.config.KEYMETER_MODBUS_POLLER_ID ?? 'keymeter-demo', maxBatchRows: rt.config.INGEST_BATCH_MAX_ROWS,
      flushIntervalMs: rt.config.INGEST_FLUSH_INTERVAL_MS, flushConcurrency: db.embedded ? 1 : rt.config.INGEST_FLUSH_CONCURRENCY,
      pollConcurrency: rt.config.KEYMETER_MODBUS_CONCURRENCY, requestTimeoutMs: rt.config.KEYMETER_MODBUS_TIMEOUT_MS,
      leaseMs: rt.config.KEYMETER_MODBUS_LEASE_SECONDS * 1000, mapsDir: rt.config.KEYMETER_MODBUS_MAPS_DIR,
      endpoints: fleet.endpoints, onCommitted: (ranges) => vee.notify(ranges),
    });
    stops.push(() => modbus.close());
    const modbusPollSeconds = [...new Set(bundles.flatMap((b) => b.sites.flatMap((site) => site.meters.filter((m) => m.protocol === 'modbus').map((m) => m.modbus?.pollSeconds))))];

    const s = await startServing(rt, db);
    stops.push(() => s.app.close());
    // A monthly PDF report of the first demo account; made at once for last month (then kept, no SMTP needed).
    const first = bundles[0];
    if (first) {
      await ensureDemoSchedule(db.pool, first.id, first.sites[0]?.timezone ?? 'UTC', Date.now());
      await s.reports.fireDue();
    }
    const base = s.url.replace('://0.0.0.0', '://127.0.0.1');
    const meter = liveSpecs[0]?.meterId ?? specs[0]?.meterId ?? '';
    const day = new Date(nowMs - 86_400_000).toISOString().slice(0, 10);
    process.stdout.write(
      [
        '',
        `Keymeter demo is up (${db.embedded ? 'embedded TimescaleDB in ' + rt.config.KEYMETER_DATA_DIR : db.displayUrl}; MQTT ${rt.config.MQTT_URL === undefined ? 'embedded broker ' + mqttUrl : mqttUrl}).`,
        `  dashboard  ${base}/ (sign in with the demo API key below)`,
        `  API        ${base}/v1`,
        `  API docs   ${base}/docs`,
        `  readiness  ${base}/readyz`,
        `  accounts   ${bundles.map((b) => b.id).join(', ')} (${history.readings} readings of history loaded in ${history.seconds} s)`,
        `  live       ${liveSpecs.length} simulated meters publish every ${LIVE_TICK_MS / 1000} s to keymeter/v1/meters/{meterId}/readings`,
        `  modbus     ${modbusMeters.length} simulated SunSpec meter${modbusMeters.length === 1 ? '' : 's'} (${modbusMeters.map((m) => `${m.meterId} on ${fleet.endpoints.get(m.meterId)?.host}:${fleet.endpoints.get(m.meterId)?.port}`).join(', ')}) polled every ${modbusPollSeconds.join('/')} s by the Modbus poller`,
        `  demo API key (admin): ${key.key}${key.reused ? ' (kept from the last start, in ' + rt.config.KEYMETER_DATA_DIR + ')' : ''}`,
        `  Section 4  curl -H "Authorization: Bearer ${key.key}" "${base}/v1/accounts/${bundles[0]?.id ?? ''}/energy-profile"`,
        `  rates      curl -H "Authorization: Bearer ${key.key}" "${base}/v1/accounts/${bundles[bundles.length - 1]?.id ?? ''}/rate-comparison"`,
        `  forecast   curl -H "Authorization: Bearer ${key.key}" "${base}/v1/accounts/${bundles[0]?.id ?? ''}/forecast"   (stored daily; beside what was measured since)`,
        `  reports    curl -H "Authorization: Bearer ${key.key}" "${base}/v1/report-schedules"   (a monthly PDF of ${bundles[0]?.id ?? ''}; keymeter report for one-offs)`,
        `  readings   curl -H "Authorization: Bearer ${key.key}" "${base}/v1/meters/${meter}/readings?channel=kwh_del&from=${day}T00:00:00Z&limit=96"`,
        '',
      ].join('\n'),
    );
    await onShutdown(rt.log, stopAll);
  } catch (err) {
    await stopAll();
    throw err;
  }
}
