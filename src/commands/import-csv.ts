import path from 'node:path';
import { importCsv } from '../../ingest/files/csv/import-csv.js';
import { runFileImport } from './import-summary.js';
import type { Runtime } from './runtime.js';

export interface ImportCsvOptions {
  meter?: string;
  timezone?: string;
  skipBad?: boolean;
}

/**
 * `keymeter import csv FILE.csv [--meter ID] [--timezone ZONE] [--skip-bad]`: readings in the long or the
 * wide format. A bad row fails the file (exit 2, its line in the message, nothing stored) unless
 * `--skip-bad`, which stores the good rows and reports and dead-letters the bad ones.
 */
export async function importCsvCommand(rt: Runtime, file: string, opts: ImportCsvOptions): Promise<void> {
  await runFileImport(rt, file, (pool, onProgress) => importCsv(pool, {
    file, meterId: opts.meter, timeZone: opts.timezone, skipBad: opts.skipBad === true, nowMs: Date.now(), ...(onProgress ? { onProgress } : {}),
  }), (summary) => {
    const dialect = `${summary.format} format, ${summary.delimiter === '\t' ? 'tab' : summary.delimiter === ';' ? 'semicolon' : 'comma'}-separated, decimal ${summary.decimalSeparator === ',' ? 'comma' : 'point'}`;
    return { head: `${path.basename(file)} (${dialect})`, channelName: (id) => summary.channelNames.get(id) ?? `channel ${id}` };
  });
}
