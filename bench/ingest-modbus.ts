/**
 * `ingest.modbus`: 200 simulated SunSpec meters on loopback (each on its own port, in a child process:
 * bench/modbus-sim-child.ts) polled every 60 s by one poller (ingest/modbus/worker.ts) writing into the
 * database, measured over BENCH_MODBUS_MINUTES (default 3) whole minutes after a warm-up minute in which
 * every meter is discovered. Reported: polls per second, lag of each poll's start behind its tick
 * (mean, p99, max), ticks missed, and the CPU of this process (poller and writer; with the embedded
 * database, PGlite runs here too and is included) as a share of one core. The target: every poll
 * on time (all ticks polled, p99 lag under a second) and under 20 % of one core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { importBundle } from '../src/db/bundle-store.js';
import type { Database } from '../src/db/pool.js';
import { schemaStatus } from '../src/db/migrate.js';
import type { PollEvent } from '../ingest/modbus/meter-runner.js';
import { startModbusIngest } from '../ingest/modbus/worker.js';
import { benchBackends, describeError, openBenchDatabase, withTimeout, type Backend } from './backends.js';
import type { Benchmark, BenchContext, BenchResult } from './registry.js';

const NAME = 'ingest.modbus';
const METERS = Number(process.env.BENCH_MODBUS_METERS ?? 200);
const MINUTES = Number(process.env.BENCH_MODBUS_MINUTES ?? 3);
const POLL_SECONDS = 60;
const PERIOD_MS = POLL_SECONDS * 1000;
/** A poll that starts this late after its tick is not on time. */
const ON_TIME_MS = 1000;
const TARGET_CPU_SHARE = 0.2;
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'modbus-sim-child.ts');
const CHANNELS = [
  { kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'kvarh_del', intervalMinutes: 15 }, { kind: 'kw', intervalMinutes: 1 },
  { kind: 'v_a', intervalMinutes: 5 }, { kind: 'v_b', intervalMinutes: 5 }, { kind: 'v_c', intervalMinutes: 5 },
  { kind: 'pf', intervalMinutes: 15 }, { kind: 'hz', intervalMinutes: 15 },
];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

/** Starts the simulators' process; resolves with it and each meter's port. */
async function startSimulators(): Promise<{ child: ChildProcess; ports: Map<string, number> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, String(METERS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await withTimeout(new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulators exited (${code})`)));
  }), 60_000, 'starting the simulators');
  const { endpoints } = JSON.parse(line) as { endpoints: [string, number][] };
  return { child, ports: new Map(endpoints) };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function measure(ctx: BenchContext, backend: Backend, ports: ReadonlyMap<string, number>, tag: string): Promise<BenchResult> {
  const db: Database = await openBenchDatabase(backend, ctx);
  try {
    const status = await schemaStatus(db.pool);
    const meterIds = [...ports.keys()];
    await importBundle(db, {
      id: `kmbench-mb-${tag}`, name: 'Modbus benchmark',
      sites: [{
        id: `kmbench-mb-${tag}-site`, name: 'Site', timezone: 'UTC',
        meters: meterIds.map((id) => ({ id, protocol: 'modbus', channels: CHANNELS, modbus: { host: '127.0.0.1', port: ports.get(id)!, unitId: 1, map: 'sunspec', pollSeconds: POLL_SECONDS } })),
      }],
    }, 'bench');
    const events: PollEvent[] = [];
    const ingest = await startModbusIngest(db.pool, ctx.log, {
      pollerId: `kmbench-${tag}-${backend}`, maxBatchRows: 5000, flushIntervalMs: 0, flushConcurrency: db.embedded ? 1 : 2,
      pollConcurrency: 32, requestTimeoutMs: 3000, leaseMs: 30_000, onPoll: (e) => events.push(e),
    });
    try {
      if (ingest.held().length !== METERS) throw new Error(`the poller leased ${ingest.held().length} of ${METERS} meters`);
      // Warm-up: the first tick discovers every meter. Measure whole minutes from the tick after it.
      const firstTick = Math.ceil(Date.now() / PERIOD_MS) * PERIOD_MS;
      const fromTick = firstTick + PERIOD_MS;
      const toTick = fromTick + MINUTES * PERIOD_MS; // exclusive
      await sleep(fromTick - 100 - Date.now());
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      await sleep(toTick - 100 - Date.now());
      const cpu = process.cpuUsage(cpu0);
      const wallMs = performance.now() - wall0;
      // Let the last measured tick's polls finish (they started before the window closed).
      await withTimeout((async () => { while (events.filter((e) => e.tickMs === toTick - PERIOD_MS).length < METERS) await sleep(50); })(), 30_000, 'the last measured tick').catch(() => undefined);
      const measured = events.filter((e) => e.tickMs >= fromTick && e.tickMs < toTick);
      const lags = measured.map((e) => e.lagMs).sort((a, b) => a - b);
      const expected = METERS * MINUTES;
      const onTime = measured.filter((e) => e.lagMs < ON_TIME_MS).length;
      const cpuShare = (cpu.user + cpu.system) / 1000 / wallMs;
      const warm = events.filter((e) => e.tickMs === firstTick).map((e) => e.lagMs + e.durationMs);
      return {
        name: NAME,
        backend,
        unit: 'polls/s',
        value: round(measured.length / (MINUTES * POLL_SECONDS), 3),
        meters: METERS,
        pollSeconds: POLL_SECONDS,
        minutes: MINUTES,
        polls: measured.length,
        expectedPolls: expected,
        missedPolls: expected - measured.length,
        failedPolls: measured.filter((e) => !e.ok).length,
        onTime,
        lagMeanMs: round(lags.reduce((a, b) => a + b, 0) / Math.max(1, lags.length), 1),
        lagP99Ms: round(quantile(lags, 0.99), 1),
        lagMaxMs: round(lags.at(-1) ?? NaN, 1),
        pollMeanMs: round(measured.reduce((a, e) => a + e.durationMs, 0) / Math.max(1, measured.length), 1),
        discoveryTickMaxMs: round(Math.max(...warm, 0), 1),
        cpuShareOfOneCore: round(cpuShare, 4),
        cpuIncludesDatabase: db.embedded,
        rssMiB: round(process.memoryUsage().rss / 2 ** 20, 1),
        readingsInserted: ingest.writer.stats.inserted,
        deadLetters: ingest.writer.stats.deadLetters,
        timescaledb: status.timescaledb,
        meetsTarget: onTime === expected && cpuShare < TARGET_CPU_SHARE,
        targetCpuShare: TARGET_CPU_SHARE,
      };
    } finally {
      await withTimeout(ingest.close(), 30_000, 'closing the poller').catch((err: unknown) => process.stderr.write(`bench ${NAME}: ${describeError(err)}\n`));
    }
  } finally {
    await db.close();
  }
}

export const ingestModbus: Benchmark = {
  name: NAME,
  description: `${METERS} simulated SunSpec meters polled every ${POLL_SECONDS} s on loopback for ${MINUTES} min: polls/s, lag behind schedule, CPU (BENCH_MODBUS_MINUTES, BENCH_MODBUS_METERS)`,
  async *run(ctx) {
    const tag = `${process.pid}`;
    const { child, ports } = await startSimulators();
    try {
      for (const backend of benchBackends(ctx)) {
        try {
          yield await measure(ctx, backend, ports, `${tag}-${backend}`);
        } catch (err) {
          yield { name: NAME, backend, unit: 'polls/s', value: null, measureError: describeError(err) };
        }
      }
    } finally {
      child.stdin?.end();
      child.kill('SIGTERM');
    }
  },
};
