/**
 * A zone's UTC offset at many instants without an `Intl` call each (about 2 µs apiece, STYLE §8: no
 * per-sample work that allocates): the offsets of each UTC calendar year are computed once, as a change
 * table (time-zone.ts `offsetTable`), and looked up by year. Used where a file import checks every
 * reading against its channel's local grid or turns local wall-clock times into instants.
 */
import { offsetTable, type OffsetTable } from './time-zone.js';

const YEAR_MS_APPROX = 366 * 24 * 60 * 60 * 1000;

export class ZoneOffsets {
  readonly timeZone: string;
  readonly #years = new Map<number, OffsetTable>();
  #lastYear = NaN;
  #last: OffsetTable | undefined;

  /** Throws RangeError for a name that is not an IANA zone. */
  constructor(timeZone: string) {
    new Intl.DateTimeFormat('en-US', { timeZone });
    this.timeZone = timeZone;
  }

  /** The offset at `ms` (epoch ms UTC), in ms, positive east of Greenwich. */
  at(ms: number): number {
    const year = Math.floor(ms / YEAR_MS_APPROX); // any stable bucket works: the table covers it with margin
    let table = year === this.#lastYear ? this.#last : this.#years.get(year);
    if (table === undefined) {
      const from = year * YEAR_MS_APPROX;
      table = offsetTable(this.timeZone, from - 1, from + YEAR_MS_APPROX + 1);
      this.#years.set(year, table);
    }
    this.#lastYear = year;
    this.#last = table;
    const { startsMs, offsetsMs } = table;
    let k = startsMs.length - 1;
    while (k > 0 && startsMs[k]! > ms) k--;
    return offsetsMs[k]!;
  }

  /**
   * The instants (epoch ms UTC, ascending) whose local wall-clock time is `localMs` (local time written
   * as if it were UTC ms): one normally, none in a spring-forward gap, two in a repeated fall-back hour.
   */
  instantsOf(localMs: number): number[] {
    const DAY = 24 * 60 * 60 * 1000;
    const out: number[] = [];
    for (const probe of [localMs - DAY, localMs, localMs + DAY]) {
      const o = this.at(probe);
      const t = localMs - o;
      if (this.at(t) === o && !out.includes(t)) out.push(t);
    }
    return out.sort((a, b) => a - b);
  }
}
