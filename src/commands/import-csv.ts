import path from 'node:path';
import { importCsv } from '../../ingest/files/csv/import-csv.js';
import { KeymeterError } from '../errors.js';
import { migrate } from '../db/migrate.js';
import { formatImportSummary, veeAfterImport } from './import-summary.js';
import { progressBar } from './progress-bar.js';
import { openDb, UsageError, type Runtime } from './runtime.js';

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
  const db = await openDb(rt);
  const bar = progressBar(`importing ${path.basename(file)}`);
  try {
    await migrate(db.pool, rt.log);
    const summary = await importCsv(db.pool, {
      file, meterId: opts.meter, timeZone: opts.timezone, skipBad: opts.skipBad === true, nowMs: Date.now(),
      ...(bar ? { onProgress: (done, total) => bar.update(done, total) } : {}),
    });
    bar?.end();
    const dialect = `${summary.format} format, ${summary.delimiter === '\t' ? 'tab' : summary.delimiter === ';' ? 'semicolon' : 'comma'}-separated, decimal ${summary.decimalSeparator === ',' ? 'comma' : 'point'}`;
    const channelName = (id: number): string => summary.channelNames.get(id) ?? `channel ${id}`;
    process.stdout.write(formatImportSummary(`${path.basename(file)} (${dialect})`, summary, channelName));
    process.stdout.write(await veeAfterImport(db.pool, summary, channelName));
  } catch (err) {
    bar?.end();
    if (err instanceof KeymeterError && err.status < 500) throw new UsageError(`${file}: ${err.message}`, err.issues);
    throw err;
  } finally {
    await db.close();
  }
}
