/**
 * Keeps a broken meter from writing the same dead letter every poll: the first occurrence of a reason
 * (code and where) is written, repeats within `windowMs` are counted, and the next one written after
 * the window says how many were held back. Nothing is dropped silently (STYLE §4): the count is in the
 * detail of the next dead letter, and a reason that stops is simply not repeated.
 */
export class RepeatFilter {
  readonly #seen = new Map<string, { sinceMs: number; suppressed: number }>();

  constructor(readonly windowMs: number) {}

  /**
   * Whether to write a dead letter for `key` now; when yes, `note` is what to add to its detail
   * ('' for a first occurrence).
   */
  admit(key: string, nowMs: number): { write: boolean; note: string } {
    const s = this.#seen.get(key);
    if (s === undefined || nowMs - s.sinceMs >= this.windowMs) {
      const note = s && s.suppressed > 0 ? ` (repeated ${s.suppressed} more times since ${new Date(s.sinceMs).toISOString()})` : '';
      this.#seen.set(key, { sinceMs: nowMs, suppressed: 0 });
      return { write: true, note };
    }
    s.suppressed++;
    return { write: false, note: '' };
  }

  /** Forgets `key` (its cause went away), so its next occurrence is written at once. */
  clear(key: string): void {
    this.#seen.delete(key);
  }
}
