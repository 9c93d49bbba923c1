/**
 * `keymeter simulate modbus`: SunSpec meters (models 1 + 203) on loopback, on jsmodbus's server, with
 * counters that advance with each meter's demo load profile, until SIGINT/SIGTERM. By default the
 * meters with `protocol: "modbus"` of the demo accounts (or the bundles given), each at the host, port
 * and unit id of its `modbus` settings, so `keymeter ingest modbus` against a database holding those
 * accounts polls them. `--meters N` serves N synthetic meters (unit ids 1..N) on one port instead.
 * Faults to inject: `--silent-every N` (every Nth read unanswered: a timeout), `--exception-every N`
 * (every Nth read answered with SERVER DEVICE FAILURE), `--reset-every 10m` (counters back to zero).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { AccountBundle } from '../core/bundle/schema.js';
import { formatPath } from '../errors.js';
import { bundleModbusMeters, profileMeasurement, startFleet, type FleetMeter } from '../../ingest/simulate/modbus-fleet.js';
import { readJsonFile } from './import-account.js';
import { onShutdown, UsageError, type Runtime } from './runtime.js';
import { SIMULATE_ACCOUNTS_DIR, parseDurationMs } from './simulate.js';

export interface SimulateModbusOptions {
  bundle?: string[];
  /** Synthetic meters instead of the bundles' modbus meters. */
  meters?: number;
  host?: string;
  port?: number;
  /** SunSpec base address: 40000, 0 or 50000. */
  base?: number;
  /** Peak of the synthetic meters' load, kW. */
  peakKw?: number;
  silentEvery?: number;
  exceptionEvery?: number;
  resetEvery?: string;
}

/** Port of the synthetic meters when --port is not given: the demo bundle's Modbus meter uses it too. */
export const DEFAULT_SIM_PORT = 5020;
const DEFAULT_PEAK_KW = 500;
const SUNSPEC_BASES = [40000, 0, 50000];

function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new UsageError(`${name} must be a positive integer`);
}

/** The bundles' modbus meters with a SunSpec map, at their configured endpoints (or --host/--port). */
async function bundleMeters(files: readonly string[], opts: SimulateModbusOptions): Promise<FleetMeter[]> {
  const out: FleetMeter[] = [];
  for (const file of files) {
    const parsed = AccountBundle.safeParse(await readJsonFile(file));
    if (!parsed.success) throw new UsageError(`${file}: invalid account bundle`, parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
    out.push(...bundleModbusMeters(parsed.data, { host: opts.host, port: opts.port, base: opts.base }));
  }
  return out;
}

export async function simulateModbusCommand(rt: Runtime, opts: SimulateModbusOptions): Promise<void> {
  positiveInt('--meters', opts.meters);
  positiveInt('--silent-every', opts.silentEvery);
  positiveInt('--exception-every', opts.exceptionEvery);
  if (opts.meters !== undefined && opts.meters > 247) throw new UsageError('--meters: at most 247 (Modbus unit ids 1-247 on one port)');
  if (opts.port !== undefined && !(Number.isInteger(opts.port) && opts.port >= 0 && opts.port <= 65535)) throw new UsageError('--port must be 0..65535');
  if (opts.base !== undefined && !SUNSPEC_BASES.includes(opts.base)) throw new UsageError('--base must be 40000, 0 or 50000 (where SunSpec looks for its marker)');
  if (opts.peakKw !== undefined && !(Number.isFinite(opts.peakKw) && opts.peakKw > 0 && opts.peakKw <= 3000)) throw new UsageError('--peak-kw must be in (0, 3000] (model 203 W at W_SF 2 reaches 3.27 MW)');
  let resetMs: number | undefined;
  if (opts.resetEvery !== undefined) {
    try {
      resetMs = parseDurationMs(opts.resetEvery);
    } catch {
      throw new UsageError(`--reset-every: '${opts.resetEvery}' is not a duration such as 90s, 10m or 1h`);
    }
  }

  let meters: FleetMeter[];
  if (opts.meters !== undefined) {
    meters = Array.from({ length: opts.meters }, (_, i) => ({
      meterId: `sim-${i + 1}`, host: opts.host ?? '127.0.0.1', port: opts.port ?? DEFAULT_SIM_PORT, unitId: i + 1, base: opts.base, gateway: 'sim',
      measure: profileMeasurement({ meterId: `sim-${i + 1}`, commodity: 'electric', channels: [], timezone: 'UTC', peakKw: opts.peakKw ?? DEFAULT_PEAK_KW, profile: 'industrial', outages: false }),
    }));
  } else {
    const files = opts.bundle !== undefined && opts.bundle.length > 0
      ? opts.bundle
      : (await readdir(SIMULATE_ACCOUNTS_DIR)).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(SIMULATE_ACCOUNTS_DIR, f));
    meters = await bundleMeters(files, opts);
    if (meters.length === 0) throw new UsageError(`no meters with protocol "modbus" and map "sunspec" in ${files.join(', ')}; use --meters N for synthetic ones`);
  }

  const log = rt.log.child({ component: 'simulate.modbus' });
  const fleet = await startFleet(meters, { faults: { silentEvery: opts.silentEvery, exceptionEvery: opts.exceptionEvery } });
  let resets: NodeJS.Timeout | undefined;
  if (resetMs !== undefined) {
    resets = setInterval(() => {
      for (const m of fleet.meters.values()) m.setImportedWh(0);
      log.info({ meters: fleet.meters.size }, 'energy counters reset');
    }, resetMs);
  }
  for (const s of fleet.servers) {
    const here = meters.filter((m) => fleet.endpoints.get(m.meterId)?.port === s.port);
    process.stdout.write(`SunSpec meters (models 1 + 203) on ${s.host}:${s.port}: ${here.map((m) => `${m.meterId} (unit ${m.unitId})`).join(', ')}\n`);
  }
  log.info({ servers: fleet.servers.map((s) => `${s.host}:${s.port}`), meters: meters.length }, 'simulated modbus meters running until SIGINT/SIGTERM');
  await onShutdown(log, async () => {
    clearInterval(resets);
    await fleet.close();
  });
}
