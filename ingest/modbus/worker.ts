/**
 * `keymeter ingest modbus`: polls every meter whose bundle entry has `protocol: "modbus"` (CONTRACT.md),
 * SunSpec (models 1 and 201-204) or a JSON register map, and writes through the shared writer.
 *
 * Scale-out (DESIGN.md "Scale-out"): meters are leased through the database. Every scan (a third of a
 * lease, or sooner when a lease or poller it does not own is about to expire) the poller announces
 * itself, renews its leases, works out its fair share (modbus meters / live pollers, rounded up) and
 * takes free or expired leases up to it (FOR UPDATE SKIP LOCKED) or hands back what it holds beyond it.
 * So each meter is polled by exactly one poller, a new poller gets meters handed over, and a dead
 * poller's meters are taken over when their leases expire: within one lease of its last renewal.
 *
 * Shutdown (SIGTERM): stop scanning, let the polls in progress commit, flush the writer, save each
 * meter's state and give the leases back, so another poller takes them over at its next scan.
 */
import os from 'node:os';
import { ModbusSettings } from '../../src/core/bundle/schema.js';
import { toError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import type { Pool } from '../../src/db/pool.js';
import {
  acquireLeases, deletePoller, ensureLeases, prunePollers, releaseLeases, selectModbusMeters, shareStatus, upsertPoller,
} from '../../src/db/queries/modbus.js';
import { ChannelRegistry } from '../channel-registry.js';
import { IngestWriter, type CommittedRange } from '../writer.js';
import { systemClock, type Clock } from './clock.js';
import { LeaseKeeper, type RenewedMeter } from './lease-keeper.js';
import { Limiter } from './limiter.js';
import { MeterRunner, type PollEvent } from './meter-runner.js';
import { loadState } from './meter-state.js';
import { SOURCE } from './poll.js';
import { RegisterMaps } from './register-maps.js';

/** Longest wait for the database on shutdown before unwritten polls are left for the next holder. */
const SHUTDOWN_FLUSH_MS = 20_000;
/** Shortest pause between scans, so an expiry reported as imminent cannot make the loop spin. */
const MIN_SCAN_GAP_MS = 50;
/** A scan waits this long past a reported expiry, for the database's clock to agree it has passed. */
const EXPIRY_SLACK_MS = 25;
/** Pollers not seen for a day are deleted, once an hour at most. */
const PRUNE_EVERY_MS = 60 * 60_000;

export interface ModbusIngestOptions {
  /** This poller's name in modbus_pollers / modbus_leases.holder; default host:pid:random. */
  pollerId?: string | undefined;
  maxBatchRows: number;
  flushIntervalMs: number;
  /** Writer flushes at once (1 for the embedded database). */
  flushConcurrency?: number;
  /** Polls in progress at once across meters. */
  pollConcurrency: number;
  /** Per-request (and per-connect) timeout, ms. */
  requestTimeoutMs: number;
  leaseMs: number;
  /** Reconnect backoff: first delay and cap, ms. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Register maps directory; default fixtures/registermaps. */
  mapsDir?: string | undefined;
  clock?: Clock;
  /** Meter id -> where to reach it instead of its settings (the demo's simulated meters on free ports). */
  endpoints?: ReadonlyMap<string, { host: string; port: number }>;
  onPoll?: (e: PollEvent) => void;
  /** What each commit stored, per channel (the VEE runner's `notify`); see ingest/writer.ts. */
  onCommitted?: ((ranges: CommittedRange[]) => void) | undefined;
  random?: () => number;
}

export interface ModbusStats {
  polls: number;
  failed: number;
  maxLagMs: number;
  acquired: number;
  released: number;
  lost: number;
}

export interface ModbusIngest {
  readonly pollerId: string;
  readonly writer: IngestWriter;
  readonly stats: ModbusStats;
  /** Resolves after the first lease scan. */
  readonly ready: Promise<void>;
  /** Meters this poller holds now. */
  held(): string[];
  /** Stop polling, flush, save states, release leases. */
  close(): Promise<void>;
  /** @internal Tests: stop as a crash would, leaving leases to expire and saving nothing more. */
  abandon(): Promise<void>;
}

export const DEFAULT_BACKOFF_MIN_MS = 1_000;
export const DEFAULT_BACKOFF_MAX_MS = 5 * 60_000;

export function defaultPollerId(): string {
  return `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

export async function startModbusIngest(pool: Pool, log: Logger, opts: ModbusIngestOptions): Promise<ModbusIngest> {
  const pollerId = opts.pollerId ?? defaultPollerId();
  const wlog = log.child({ component: 'ingest.modbus', pollerId });
  const clock = opts.clock ?? systemClock;
  const writer = new IngestWriter(pool, log, { maxBatchRows: opts.maxBatchRows, flushIntervalMs: opts.flushIntervalMs, source: SOURCE, concurrency: opts.flushConcurrency ?? 1, onCommitted: opts.onCommitted });
  const registry = new ChannelRegistry(pool);
  const maps = new RegisterMaps(opts.mapsDir);
  const limiter = new Limiter(opts.pollConcurrency);
  const stats: ModbusStats = { polls: 0, failed: 0, maxLagMs: 0, acquired: 0, released: 0, lost: 0 };
  const runners = new Map<string, MeterRunner>();
  let closing = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPruneMs = -Infinity;

  const keeper = new LeaseKeeper(pool, pollerId, opts.leaseMs, wlog, (lost) => {
    stats.lost += lost.length;
    wlog.warn({ meters: lost }, 'leases lost to another poller; stopped polling them');
    for (const id of lost) {
      const r = runners.get(id);
      runners.delete(id);
      void r?.stop();
    }
  });

  const onPoll = (e: PollEvent): void => {
    stats.polls++;
    if (!e.ok) stats.failed++;
    stats.maxLagMs = Math.max(stats.maxLagMs, e.lagMs);
    opts.onPoll?.(e);
  };

  const startRunners = async (rows: { meterId: string; state: unknown }[]): Promise<void> => {
    const meters = new Map((await selectModbusMeters(pool, rows.map((r) => r.meterId))).map((m) => [m.meterId, m]));
    for (const row of rows) {
      const m = meters.get(row.meterId);
      const settings = m?.protocol === 'modbus' ? ModbusSettings.safeParse(m.modbus) : undefined;
      if (!m || !settings?.success) {
        wlog.error({ meterId: row.meterId }, 'leased meter has no valid modbus settings; released');
        await releaseLeases(pool, pollerId, [row.meterId], [null]);
        keeper.forget([row.meterId]);
        continue;
      }
      const loaded = loadState(row.state);
      if (!loaded.valid) wlog.warn({ meterId: row.meterId }, 'stored poller state did not parse; starting afresh');
      const runner = new MeterRunner(row.meterId, settings.data, m.timezone, loaded.state, {
        pool, writer, registry, maps, clock, limiter, log: wlog, onPoll,
        connection: {
          requestTimeoutMs: opts.requestTimeoutMs, connectTimeoutMs: opts.requestTimeoutMs,
          backoffMinMs: opts.backoffMinMs ?? DEFAULT_BACKOFF_MIN_MS, backoffMaxMs: opts.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS,
          ...(opts.random ? { random: opts.random } : {}),
        },
        leaseValid: (id) => keeper.isValid(id),
        confirmLease: async (id) => (await keeper.renew([id])).some((r) => r.meterId === id),
        saveState: (id, json) => keeper.save(id, json),
        endpointOverride: opts.endpoints?.get(row.meterId),
      });
      runners.set(row.meterId, runner);
      runner.start();
    }
  };

  /** Stops runners and gives their leases back with their last committed states. */
  const release = async (ids: readonly string[]): Promise<void> => {
    const stopped = ids.map((id) => runners.get(id)).filter((r): r is MeterRunner => r !== undefined);
    await Promise.all(stopped.map((r) => r.stop()));
    for (const r of stopped) runners.delete(r.meterId);
    await keeper.flush();
    const n = await releaseLeases(pool, pollerId, stopped.map((r) => r.meterId), stopped.map((r) => keeper.takePending(r.meterId) ?? r.stateJson));
    keeper.forget(stopped.map((r) => r.meterId));
    stats.released += n;
  };

  const applySettings = (rows: readonly RenewedMeter[]): string[] => {
    const gone: string[] = [];
    for (const row of rows) {
      const r = runners.get(row.meterId);
      if (!r) continue;
      const parsed = row.protocol === 'modbus' ? ModbusSettings.safeParse(row.modbus) : undefined;
      if (!parsed?.success) gone.push(row.meterId);
      else r.updateSettings(parsed.data);
    }
    return gone;
  };

  /** One scan; returns ms until the next one. */
  const scan = async (): Promise<number> => {
    await upsertPoller(pool, pollerId);
    if (clock.now() - lastPruneMs > PRUNE_EVERY_MS) {
      lastPruneMs = clock.now();
      await prunePollers(pool);
    }
    await ensureLeases(pool);
    const renewed = await keeper.renew([...runners.keys()]);
    const gone = applySettings(renewed);
    if (gone.length > 0) {
      wlog.info({ meters: gone }, 'meters no longer polled over Modbus; released');
      await release(gone);
    }
    const s = await shareStatus(pool, pollerId, opts.leaseMs);
    const share = Math.ceil(s.meters / Math.max(1, s.pollers));
    if (runners.size > share) {
      const excess = [...runners.keys()].slice(share);
      wlog.info({ meters: excess, share, pollers: s.pollers }, 'handing meters over to other pollers');
      await release(excess);
    } else if (runners.size < share && !closing) {
      const startedPerf = performance.now();
      const rows = await acquireLeases(pool, pollerId, opts.leaseMs, share - runners.size);
      if (rows.length > 0) {
        keeper.acquired(rows.map((r) => r.meterId), startedPerf);
        stats.acquired += rows.length;
        wlog.info({ meters: rows.map((r) => r.meterId), share, pollers: s.pollers }, 'meters leased');
        await startRunners(rows);
      }
    }
    const regular = opts.leaseMs / 3;
    return Math.max(MIN_SCAN_GAP_MS, s.nextChangeMs === null ? regular : Math.min(regular, s.nextChangeMs + EXPIRY_SLACK_MS));
  };

  let scanning: Promise<void> | undefined;
  const loop = (): void => {
    if (closing) return;
    scanning = scan().then(
      (waitMs) => schedule(waitMs),
      (err: unknown) => {
        wlog.warn({ err: toError(err) }, 'lease scan failed; retrying');
        schedule(opts.leaseMs / 3);
      },
    );
  };
  const schedule = (waitMs: number): void => {
    if (closing) return;
    // Not unref'd: this timer is what keeps `keymeter ingest modbus` alive while no meter is leased.
    timer = setTimeout(loop, waitMs);
  };

  const ready = (async () => {
    const first = await scan();
    schedule(first);
  })();
  scanning = ready.catch(() => undefined);
  await ready;

  const stopScanning = async (): Promise<void> => {
    closing = true;
    clearTimeout(timer);
    await scanning?.catch(() => undefined);
  };

  return {
    pollerId,
    writer,
    stats,
    ready,
    held: () => [...runners.keys()].sort(),
    async close() {
      await stopScanning();
      await Promise.all([...runners.values()].map((r) => r.stop()));
      await writer.close(SHUTDOWN_FLUSH_MS).catch((err: unknown) => wlog.error({ err: toError(err) }, 'flush on shutdown failed'));
      try {
        await release([...runners.keys()]);
        await deletePoller(pool, pollerId);
      } catch (err) {
        wlog.error({ err: toError(err) }, 'leases not released on shutdown; they expire on their own');
      }
      keeper.stop();
      wlog.info({ stats, writer: writer.stats }, 'modbus ingest stopped');
    },
    async abandon() {
      await stopScanning();
      keeper.stop();
      await Promise.all([...runners.values()].map((r) => r.stop()));
      runners.clear();
      await writer.close(SHUTDOWN_FLUSH_MS).catch(() => undefined);
    },
  };
}
