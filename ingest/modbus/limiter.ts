/**
 * Bounded concurrency across meters: at most `max` polls run at once, the rest wait in FIFO order.
 * A meter whose poll is slow holds one slot until its request times out; with `max` above the number
 * of meters that can be dead at once, a dead meter never delays the others.
 */
export class Limiter {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!(Number.isInteger(max) && max >= 1)) throw new RangeError('max must be a positive integer');
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#running >= this.max) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.#running--;
    }
  }
}
