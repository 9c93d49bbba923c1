/**
 * Simulated SunSpec meters for `keymeter simulate modbus`, the demo and the benchmark: each meter's
 * power, voltages and power factor follow its demo load profile (./profile.ts, one-minute values, so the
 * live data continues the loaded history), and meters that share a host and port are unit ids of one
 * gateway (./modbus-server.ts).
 */
import type { AccountBundle } from '../../src/core/bundle/schema.js';
import type { IntervalMinutes } from '../../src/core/channels.js';
import { demoMeterSpecs } from './demo-specs.js';
import { startModbusServer, type Faults, type SimServer } from './modbus-server.js';
import { generateMeterSeries, type MeterSpec } from './profile.js';
import { SunSpecMeter, type Measurement } from './sunspec-meter.js';

const MINUTE_MS = 60_000;
const ONE: IntervalMinutes = 1;

/**
 * A meter's measurement at an instant from its demo profile: the one-minute kW, per-phase voltage and
 * PF of the minute it falls in (no load and no voltage during a simulated outage).
 */
export function profileMeasurement(spec: MeterSpec): (tMs: number) => Measurement {
  const minuteSpec: MeterSpec = { ...spec, channels: (['kw', 'v_a', 'v_b', 'v_c', 'pf', 'hz'] as const).map((kind) => ({ kind, intervalMinutes: ONE })) };
  let cachedMinute = NaN;
  let cached: Measurement = { powerW: 0, voltageV: [0, 0, 0], pf: 1, hz: 60 };
  return (tMs) => {
    const minute = Math.floor(tMs / MINUTE_MS) * MINUTE_MS;
    if (minute !== cachedMinute) {
      cachedMinute = minute;
      const s = generateMeterSeries(minuteSpec, minute, minute + MINUTE_MS);
      const v = (kind: string): number => s.channels.find((c) => c.kind === kind)?.values[0] ?? NaN;
      cached = Number.isNaN(v('kw'))
        ? { powerW: 0, voltageV: [0, 0, 0], pf: 1, hz: 0 } // an outage
        : { powerW: 1000 * v('kw'), voltageV: [v('v_a'), v('v_b'), v('v_c')], pf: v('pf'), hz: v('hz') };
    }
    return cached;
  };
}

export interface FleetMeter {
  meterId: string;
  host: string;
  port: number;
  unitId: number;
  measure: (tMs: number) => Measurement;
  /** SunSpec base address (default 40000). */
  base?: number;
  /** With port 0: meters naming the same gateway share one free port (default: a port each). */
  gateway?: string;
}

/**
 * The meters of a bundle with `protocol: "modbus"` and a SunSpec map, following their demo profiles, at
 * their configured endpoints unless `at` overrides host, port (0: a free one each) or base.
 */
export function bundleModbusMeters(bundle: AccountBundle, at: { host?: string | undefined; port?: number | undefined; base?: number | undefined } = {}): FleetMeter[] {
  const specs = new Map(demoMeterSpecs(bundle).map((s) => [s.meterId, s]));
  const out: FleetMeter[] = [];
  for (const site of bundle.sites) {
    for (const m of site.meters) {
      const spec = specs.get(m.id);
      if (m.protocol !== 'modbus' || !m.modbus || m.modbus.map !== 'sunspec' || !spec) continue;
      out.push({ meterId: m.id, host: at.host ?? m.modbus.host, port: at.port ?? m.modbus.port, unitId: m.modbus.unitId, measure: profileMeasurement(spec), base: at.base });
    }
  }
  return out;
}

export interface Fleet {
  servers: SimServer[];
  meters: Map<string, SunSpecMeter>;
  /** Where each meter listens (port 0 in a description becomes the port the system chose). */
  endpoints: Map<string, { host: string; port: number }>;
  close(): Promise<void>;
}

/**
 * Starts one gateway per distinct host and port (port 0: a free port per meter, or per `gateway`) with
 * the meters as unit ids, and applies `faults` to every meter.
 */
export async function startFleet(meters: readonly FleetMeter[], opts: { now?: () => number; faults?: Partial<Faults> } = {}): Promise<Fleet> {
  const now = opts.now ?? Date.now;
  const groups = new Map<string, FleetMeter[]>();
  meters.forEach((m, i) => {
    const key = m.port !== 0 ? `${m.host}:${m.port}` : m.gateway !== undefined ? `gateway:${m.gateway}` : `free:${i}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  });
  const fleet: Fleet = { servers: [], meters: new Map(), endpoints: new Map(), close: async () => { await Promise.all(fleet.servers.map((s) => s.close())); } };
  try {
    for (const group of groups.values()) {
      const devices = new Map<number, SunSpecMeter>();
      for (const m of group) {
        if (devices.has(m.unitId)) throw new Error(`${m.meterId}: unit id ${m.unitId} on ${m.host}:${m.port} is taken by another simulated meter`);
        const sim = new SunSpecMeter({ measure: m.measure, now, base: m.base, identity: { model: 'SIM-203', serialNumber: m.meterId } });
        sim.faults = { silent: false, ...opts.faults };
        devices.set(m.unitId, sim);
        fleet.meters.set(m.meterId, sim);
      }
      const server = await startModbusServer(devices, { host: group[0]!.host, port: group[0]!.port });
      fleet.servers.push(server);
      for (const m of group) fleet.endpoints.set(m.meterId, { host: server.host, port: server.port });
    }
  } catch (err) {
    await fleet.close();
    throw err;
  }
  return fleet;
}
