/**
 * The poll loop of one leased meter: wake at each tick of its period aligned to the clock (multiples of
 * pollSeconds since the epoch, so every poller polls a meter at the same instants), take a slot of the
 * shared limiter for the reads, hand the result to the writer and, once it is committed, keep the new state and
 * have it saved with the lease. Each meter has its own loop, so a slow or dead one holds at most its
 * own slot for one request timeout and never delays the others' ticks.
 */
import type { z } from 'zod';
import type { ModbusSettings as ModbusSettingsSchema } from '../../src/core/bundle/schema.js';
import type { ChannelKind } from '../../src/core/channels.js';
import { IntervalGrid } from '../../src/core/ingest/interval-grid.js';
import type { ChannelPlan } from '../../src/core/modbus/meter-intervals.js';
import { toError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import type { Pool } from '../../src/db/pool.js';
import { updateIdentity } from '../../src/db/queries/modbus.js';
import type { ChannelRegistry } from '../channel-registry.js';
import type { IngestWriter } from '../writer.js';
import type { Clock } from './clock.js';
import { ModbusConnection, type ConnectionOptions, type Endpoint } from './connection.js';
import type { Limiter } from './limiter.js';
import { serializeState, type MeterState } from './meter-state.js';
import { pollMeter, type PollContext } from './poll.js';
import type { RegisterMaps } from './register-maps.js';
import { RepeatFilter } from './repeat-filter.js';

/** A meter's `modbus` settings from its bundle, defaults applied. */
export type ModbusSettings = z.infer<typeof ModbusSettingsSchema>;

/** A reason's dead letter is written at most once an hour per meter (repeats are counted). */
export const DEAD_LETTER_REPEAT_MS = 60 * 60_000;

export interface PollEvent {
  meterId: string;
  /** The scheduled tick, clock ms. */
  tickMs: number;
  /** How late the poll started after its tick (waiting for a limiter slot included), ms. */
  lagMs: number;
  /** Time the poll took, ms (clock). */
  durationMs: number;
  ok: boolean;
  readings: number;
  deadLetters: number;
  failure?: string | undefined;
}

export interface RunnerDeps {
  pool: Pool;
  writer: IngestWriter;
  registry: ChannelRegistry;
  maps: RegisterMaps;
  clock: Clock;
  limiter: Limiter;
  connection: Omit<ConnectionOptions, 'clock'>;
  log: Logger;
  /** Whether this poller's lease on the meter is still good (checked before every poll). */
  leaseValid: (meterId: string) => boolean;
  /** Renews the lease now (when the last renewal is too old to trust); resolves whether it is held. */
  confirmLease: (meterId: string) => Promise<boolean>;
  /** Called with the state after each committed poll, to be saved with the lease. */
  saveState: (meterId: string, stateJson: string) => void;
  onPoll?: ((e: PollEvent) => void) | undefined;
  /** Where to reach the meter instead of its settings' host and port (the demo's simulated meters). */
  endpointOverride?: { host: string; port: number } | undefined;
}

/** The first tick at or after `nowMs` that is after `afterMs`: a multiple of `periodMs`. */
export function nextTick(nowMs: number, periodMs: number, afterMs: number | null): number {
  let t = Math.ceil(nowMs / periodMs) * periodMs;
  if (afterMs !== null && t <= afterMs) t = (Math.floor(afterMs / periodMs) + 1) * periodMs;
  return t;
}

export class MeterRunner {
  readonly meterId: string;
  #settings: ModbusSettings;
  readonly #timezone: string;
  #state: MeterState;
  readonly #deps: RunnerDeps;
  readonly #log: Logger;
  #conn: ModbusConnection;
  readonly #repeats = new RepeatFilter(DEAD_LETTER_REPEAT_MS);
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #lastAttemptMs: number | null = null;
  #failing = false;
  #reportedUndelivered = '';
  readonly #grids = new Map<string, IntervalGrid>();

  constructor(meterId: string, settings: ModbusSettings, timezone: string, state: MeterState, deps: RunnerDeps) {
    this.meterId = meterId;
    this.#settings = settings;
    this.#timezone = timezone;
    this.#state = state;
    this.#deps = deps;
    this.#log = deps.log.child({ meterId, unitId: settings.unitId });
    this.#conn = this.#connect();
  }

  /** The state of the last committed poll, as saved with the lease. */
  get stateJson(): string {
    return serializeState(this.#state);
  }

  get settings(): ModbusSettings {
    return this.#settings;
  }

  start(): void {
    this.#loop ??= this.#run().catch((err: unknown) => this.#log.error({ err: toError(err) }, 'meter poll loop failed'));
  }

  /** Stops after the poll in progress (if any) has committed; closes the connection. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    this.#conn.close();
  }

  /** New settings from the bundle: reconnect to the new endpoint; the layout is re-found if it changed. */
  updateSettings(settings: ModbusSettings): void {
    if (JSON.stringify(settings) === JSON.stringify(this.#settings)) return;
    this.#log.info({ settings }, 'modbus settings changed');
    this.#settings = settings;
    this.#conn.close();
    this.#conn = this.#connect();
  }

  #connect(): ModbusConnection {
    const endpoint: Endpoint = { host: this.#deps.endpointOverride?.host ?? this.#settings.host, port: this.#deps.endpointOverride?.port ?? this.#settings.port, unitId: this.#settings.unitId };
    return new ModbusConnection(endpoint, { ...this.#deps.connection, clock: this.#deps.clock });
  }

  async #run(): Promise<void> {
    const { clock } = this.#deps;
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      const periodMs = this.#settings.pollSeconds * 1000;
      const after = Math.max(this.#lastAttemptMs ?? -Infinity, this.#state.lastTickMs ?? -Infinity);
      const tick = nextTick(clock.now(), periodMs, Number.isFinite(after) ? after : null);
      await clock.sleepUntil(tick, signal);
      if (signal.aborted) break;
      this.#lastAttemptMs = tick;
      // A lease not renewed lately (the database slow or out of reach) is renewed before polling:
      // polling on a lease another poller may have taken would poll the meter twice.
      if (!this.#deps.leaseValid(this.meterId) && !(await this.#deps.confirmLease(this.meterId).catch(() => false))) {
        this.#log.warn({ tick: new Date(tick).toISOString() }, 'lease not confirmed; poll skipped');
        continue;
      }
      if (signal.aborted) break;
      await this.#pollOnce(tick, periodMs);
    }
  }

  async #pollOnce(tickMs: number, periodMs: number): Promise<void> {
    const { clock, writer, registry, limiter } = this.#deps;
    const meter = await registry.meter(this.meterId);
    if (!meter) {
      this.#log.warn('meter no longer exists; not polled');
      return;
    }
    const channels: ChannelPlan[] = [...meter.channels].map(([kind, c]) => ({ kind, channelId: c.channelId, grid: this.#grid(c.intervalMinutes) }));
    const ctx: PollContext = {
      meterId: this.meterId, map: this.#settings.map, pollMs: periodMs, channels,
      conn: this.#conn, maps: this.#deps.maps, clock, repeats: this.#repeats,
    };
    // The limiter bounds the Modbus traffic in flight; the commit below waits outside it, so a slow
    // flush never holds back another meter's read.
    let startedMs = NaN;
    const result = await limiter.run(() => {
      startedMs = clock.now();
      return pollMeter(ctx, this.#state, tickMs);
    });
    try {
      await writer.submit(result.request);
    } catch (err) {
      // Not committed: the state stays where it was, so the next poll produces these intervals again.
      this.#log.warn({ err: toError(err) }, 'poll not stored');
      return;
    }
    this.#state = result.nextState;
    this.#deps.saveState(this.meterId, serializeState(this.#state));
    if (result.identity) {
      await updateIdentity(this.#deps.pool, this.meterId, { manufacturer: result.identity.manufacturer, model: result.identity.model, serialNumber: result.identity.serialNumber })
        .then((changed) => { if (changed) this.#log.info({ identity: result.identity }, 'SunSpec identity stored'); })
        .catch((err: unknown) => this.#log.warn({ err: toError(err) }, 'SunSpec identity not stored'));
    }
    this.#report(result.ok, result.failure, result.undelivered);
    this.#deps.onPoll?.({
      meterId: this.meterId, tickMs, lagMs: startedMs - tickMs, durationMs: clock.now() - startedMs, ok: result.ok,
      readings: result.request.readings?.channelIds.length ?? 0, deadLetters: result.request.deadLetters?.length ?? 0, failure: result.failure,
    });
  }

  /** Logs changes of health, not every poll (a dead meter would otherwise log once a minute forever). */
  #report(ok: boolean, failure: string | undefined, undelivered: ChannelKind[]): void {
    if (!ok && !this.#failing) this.#log.warn({ failure }, 'meter not answering; retrying with backoff');
    if (ok && this.#failing) this.#log.info('meter answering again');
    this.#failing = !ok;
    const key = undelivered.join(',');
    if (ok && key !== this.#reportedUndelivered) {
      this.#reportedUndelivered = key;
      if (key !== '') this.#log.info({ channels: undelivered }, 'the device does not deliver these channels');
    }
  }

  #grid(intervalMinutes: number): IntervalGrid {
    const key = `${intervalMinutes}`;
    let g = this.#grids.get(key);
    if (!g) this.#grids.set(key, (g = new IntervalGrid(intervalMinutes, this.#timezone)));
    return g;
  }
}
