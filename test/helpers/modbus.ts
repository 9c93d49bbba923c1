/**
 * Modbus test rig: simulated SunSpec meters behind one loopback gateway (port 0), an account whose
 * meters point at it, pollers on a manual clock, and `tick` to move the clock to a poll instant and wait
 * until the pollers have committed that tick's polls. Nothing here waits a fixed time.
 */
import type { Test } from 'tap';
import { importBundle } from '../../src/db/bundle-store.js';
import { startModbusIngest, type ModbusIngest, type ModbusIngestOptions } from '../../ingest/modbus/worker.js';
import type { PollEvent } from '../../ingest/modbus/meter-runner.js';
import { startModbusServer, type SimDevice, type SimServer } from '../../ingest/simulate/modbus-server.js';
import { SunSpecMeter, type Measurement, type SunSpecMeterOptions } from '../../ingest/simulate/sunspec-meter.js';
import type { ManualClock } from './clock.js';
import type { TestDb } from './db.js';
import { eventually } from './mqtt.js';

export const MIN = 60_000;
/** 2026-01-05T10:00:00Z: the first quarter hour the tests measure. */
export const T10 = Date.UTC(2026, 0, 5, 10, 0);

/** A steady load: 60 kW (1,000 Wh a minute), 277.1 / 276.5 / 278.0 V, PF 0.95, 60 Hz. */
export function steady(powerW = 60_000): (tMs: number) => Measurement {
  return () => ({ powerW, voltageV: [277.1, 276.5, 278], pf: 0.95, hz: 60 });
}

/** A gateway on a free loopback port with a SunSpec meter per unit id; closed at teardown. */
export async function sunspecGateway(t: Test, clock: ManualClock, units: Record<number, Partial<SunSpecMeterOptions>>): Promise<{ server: SimServer; meters: Map<number, SunSpecMeter> }> {
  const meters = new Map<number, SunSpecMeter>();
  for (const [unit, o] of Object.entries(units)) {
    meters.set(Number(unit), new SunSpecMeter({ measure: steady(), now: () => clock.now(), ...o }));
  }
  const server = await startModbusServer(meters as Map<number, SimDevice>);
  t.teardown(() => server.close());
  return { server, meters };
}

export interface TestMeter {
  id: string;
  port: number;
  unitId: number;
  map?: string;
  pollSeconds?: number;
  channels: { kind: string; intervalMinutes: number }[];
}

/** One account and site (UTC) with the given modbus meters. */
export async function modbusAccount(db: TestDb, accountId: string, meters: TestMeter[], timezone = 'UTC'): Promise<void> {
  await importBundle(db, {
    id: accountId, name: 'Modbus test',
    sites: [{
      id: `${accountId}-site`, name: 'Site', timezone,
      meters: meters.map((m) => ({
        id: m.id, protocol: 'modbus', channels: m.channels,
        modbus: { host: '127.0.0.1', port: m.port, unitId: m.unitId, map: m.map ?? 'sunspec', pollSeconds: m.pollSeconds ?? 60 },
      })),
    }],
  }, 'test');
}

export interface TestPoller {
  ingest: ModbusIngest;
  /** Every poll reported, with when it was reported (performance.now(), real time). */
  events: (PollEvent & { reportedAt: number })[];
}

/**
 * A poller with test settings (2 s request timeout: the simulators share the event loop with the embedded
 * database, which a loaded machine slows down; a 10 s lease); closed at teardown unless closed before.
 */
export async function startPoller(t: Test, db: TestDb, clock: ManualClock, opts: Partial<ModbusIngestOptions> = {}): Promise<TestPoller> {
  const events: TestPoller['events'] = [];
  const ingest = await startModbusIngest(db.pool, db.log, {
    maxBatchRows: 5000, flushIntervalMs: 0, pollConcurrency: 8, requestTimeoutMs: 2000, leaseMs: 10_000,
    backoffMinMs: 1000, backoffMaxMs: 30_000, clock, random: () => 0.5, ...opts,
    onPoll: (e) => events.push({ ...e, reportedAt: performance.now() }),
  });
  let closed = false;
  const close = ingest.close.bind(ingest);
  const abandon = ingest.abandon.bind(ingest);
  ingest.close = async () => {
    if (closed) return;
    closed = true;
    await close();
  };
  ingest.abandon = async () => {
    closed = true;
    await abandon();
  };
  t.teardown(() => ingest.close());
  return { ingest, events };
}

/**
 * Moves the clock to `tMs` and waits until every one of `meterIds` has had its poll of that tick
 * committed by one of `pollers`.
 */
export async function tick(t: Test, clock: ManualClock, pollers: readonly TestPoller[], tMs: number, meterIds: readonly string[]): Promise<void> {
  clock.set(tMs);
  const done = await eventually(async () => {
    const polled = new Set(pollers.flatMap((p) => p.events.filter((e) => e.tickMs === tMs).map((e) => e.meterId)));
    return meterIds.every((m) => polled.has(m));
  }, 60_000, 5);
  if (!done) t.fail(`tick ${new Date(tMs).toISOString()}: not every meter was polled`);
}

/** A meter's readings of one channel kind: [ISO start, value, quality]. */
export async function readingsOf(db: TestDb, meterId: string, kind: string): Promise<[string, number, number][]> {
  const r = await db.pool.query<{ ts: Date; value: number; quality: number }>(
    `select r.ts, r.value, r.quality from readings r join channels c on c.id = r.channel_id where c.meter_id = $1 and c.kind = $2 order by r.ts`, [meterId, kind]);
  return r.rows.map((x) => [x.ts.toISOString().slice(11, 16), x.value, x.quality]);
}
