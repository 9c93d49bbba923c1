/**
 * This poller's side of the meter leases (src/db/queries/modbus.ts, migrations/0006): it renews what it
 * holds and saves states with the renewal (one set-based statement for any number of meters), and
 * remembers until when each lease is known good. Saves requested while one runs go together in the next
 * (group commit, as the writer does), so two hundred meters polled at the same tick cost a statement or
 * two, not two hundred.
 */
import { toError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import type { Pool } from '../../src/db/pool.js';
import { renewLeases } from '../../src/db/queries/modbus.js';

/**
 * A lease is trusted locally for this share of its length after the renewal that confirmed it started,
 * which leaves room for a slow statement and for the database's clock running ahead of ours.
 */
const TRUSTED_SHARE = 0.8;

export interface RenewedMeter {
  meterId: string;
  protocol: string | null;
  modbus: unknown;
}

export class LeaseKeeper {
  readonly #pool: Pool;
  readonly #pollerId: string;
  readonly #leaseMs: number;
  readonly #log: Logger;
  /** performance.now() until which each held lease is known good. */
  readonly #validUntil = new Map<string, number>();
  readonly #pending = new Map<string, string>();
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(pool: Pool, pollerId: string, leaseMs: number, log: Logger, readonly onLost: (meterIds: string[]) => void) {
    this.#pool = pool;
    this.#pollerId = pollerId;
    this.#leaseMs = leaseMs;
    this.#log = log;
  }

  /** Records leases just acquired (the acquiring statement started at `startedPerf`). */
  acquired(meterIds: readonly string[], startedPerf: number): void {
    for (const id of meterIds) this.#validUntil.set(id, startedPerf + TRUSTED_SHARE * this.#leaseMs);
  }

  /** Forgets leases released or lost; pending saves for them are dropped. */
  forget(meterIds: readonly string[]): void {
    for (const id of meterIds) {
      this.#validUntil.delete(id);
      this.#pending.delete(id);
    }
  }

  isValid(meterId: string): boolean {
    return (this.#validUntil.get(meterId) ?? -Infinity) > performance.now();
  }

  /** Queues a state save (with a renewal); runs at once unless a save is running. */
  save(meterId: string, stateJson: string): void {
    if (this.#stopped) return;
    this.#pending.set(meterId, stateJson);
    this.#kick();
  }

  /** The pending state of a meter (taken out of the queue), for a release that carries it. */
  takePending(meterId: string): string | undefined {
    const s = this.#pending.get(meterId);
    this.#pending.delete(meterId);
    return s;
  }

  /** Renews every lease in `meterIds` (with pending states); returns the rows still held. */
  async renew(meterIds: readonly string[]): Promise<RenewedMeter[]> {
    await this.#running; // keep statements of this poller in order
    return this.#renew(meterIds);
  }

  /** Waits for saves queued so far. */
  async flush(): Promise<void> {
    while (this.#running || (this.#pending.size > 0 && !this.#stopped)) {
      this.#kick();
      await this.#running;
    }
  }

  /** No more saves (a crash in tests, or after the final release). */
  stop(): void {
    this.#stopped = true;
    this.#pending.clear();
  }

  #kick(): void {
    if (this.#running || this.#pending.size === 0 || this.#stopped) return;
    const ids = [...this.#pending.keys()];
    this.#running = this.#renew(ids)
      .then(() => undefined, (err: unknown) => this.#log.warn({ err: toError(err) }, 'state save failed; retried with the next renewal'))
      .finally(() => {
        this.#running = undefined;
        this.#kick();
      });
  }

  async #renew(meterIds: readonly string[]): Promise<RenewedMeter[]> {
    if (meterIds.length === 0 || this.#stopped) return [];
    const states = meterIds.map((id) => this.#pending.get(id) ?? null);
    for (const id of meterIds) this.#pending.delete(id);
    const startedPerf = performance.now();
    let rows: RenewedMeter[];
    try {
      rows = await renewLeases(this.#pool, this.#pollerId, this.#leaseMs, meterIds, states);
    } catch (err) {
      // Put the states back unless newer ones arrived meanwhile.
      meterIds.forEach((id, i) => { if (states[i] !== null && !this.#pending.has(id)) this.#pending.set(id, states[i]!); });
      throw err;
    }
    const held = new Set(rows.map((r) => r.meterId));
    for (const id of held) this.#validUntil.set(id, startedPerf + TRUSTED_SHARE * this.#leaseMs);
    const lost = meterIds.filter((id) => !held.has(id) && this.#validUntil.has(id));
    if (lost.length > 0) {
      this.forget(lost);
      this.onLost(lost);
    }
    return rows;
  }
}
