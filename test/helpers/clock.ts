import type { Clock } from '../../ingest/modbus/clock.js';

/**
 * A clock the test moves: `set` jumps to an instant and wakes every sleeper due by then. Pollers on it
 * poll exactly at the ticks the test chooses, and simulated meters read it for their counters, so
 * samples and intervals are exact; only request timeouts and leases run on real time.
 */
export class ManualClock implements Clock {
  #nowMs: number;
  #sleepers: { tMs: number; resolve: () => void }[] = [];

  constructor(startMs: number) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  sleepUntil(tMs: number, signal?: AbortSignal): Promise<void> {
    if (tMs <= this.#nowMs || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const s = { tMs, resolve };
      this.#sleepers.push(s);
      signal?.addEventListener('abort', () => {
        this.#sleepers = this.#sleepers.filter((x) => x !== s);
        resolve();
      }, { once: true });
    });
  }

  set(tMs: number): void {
    if (tMs < this.#nowMs) throw new Error('a manual clock does not go back');
    this.#nowMs = tMs;
    const due = this.#sleepers.filter((s) => s.tMs <= tMs);
    this.#sleepers = this.#sleepers.filter((s) => s.tMs > tMs);
    for (const s of due) s.resolve();
  }

  advance(ms: number): void {
    this.set(this.#nowMs + ms);
  }

  /** Sleepers waiting (tests wait for pollers to be back asleep before moving on). */
  get sleepers(): number {
    return this.#sleepers.length;
  }
}
