/**
 * The poller's sense of time, passed in (STYLE §1: callers pass the clock): when polls are due, what
 * time a sample is, when a reconnect backoff ends. The system clock in production; tests drive a manual
 * one (test/helpers/clock.ts) so that ticks, samples and intervals are exact and never race a timer.
 * Request timeouts and lease expiry are not on this clock: they are real time.
 */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Resolves at `tMs` (at once when it has passed) or when `signal` aborts, whichever is first. */
  sleepUntil(tMs: number, signal?: AbortSignal): Promise<void>;
}

/** setTimeout's longest delay (2^31 - 1 ms); longer sleeps wake and go back to sleep. */
const MAX_TIMER_MS = 0x7fff_ffff;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleepUntil(tMs, signal) {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      let timer: NodeJS.Timeout;
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const arm = (): void => {
        const waitMs = tMs - Date.now();
        if (waitMs <= 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
          return;
        }
        timer = setTimeout(arm, Math.min(waitMs, MAX_TIMER_MS));
        timer.unref();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  },
};
