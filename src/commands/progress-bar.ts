/**
 * A progress bar for long imports, on stderr and only when stderr is a terminal (a pipe or a log file
 * gets nothing, so scripted runs stay clean). Redrawn at most every PROGRESS_REDRAW_MS.
 */
const PROGRESS_REDRAW_MS = 100;
const BAR_CELLS = 30;
const MIB = 1024 * 1024;

export interface ProgressBar {
  update(done: number, total: number): void;
  /** Clears the bar's line. */
  end(): void;
}

export function progressBar(label: string, out: NodeJS.WriteStream = process.stderr): ProgressBar | undefined {
  if (!out.isTTY) return undefined;
  let lastMs = 0;
  let drawn = false;
  return {
    update(done, total) {
      const nowMs = performance.now();
      if (nowMs - lastMs < PROGRESS_REDRAW_MS && done < total) return;
      lastMs = nowMs;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const cells = Math.round(share * BAR_CELLS);
      out.write(`\r${label} [${'#'.repeat(cells)}${'-'.repeat(BAR_CELLS - cells)}] ${String(Math.floor(share * 100)).padStart(3)}% ${(done / MIB).toFixed(1)}/${(total / MIB).toFixed(1)} MiB`);
      drawn = true;
    },
    end() {
      if (drawn) out.write('\r\x1b[K');
    },
  };
}
