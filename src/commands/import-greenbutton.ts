import path from 'node:path';
import { importGreenButton } from '../../ingest/files/greenbutton/import-greenbutton.js';
import { KeymeterError } from '../errors.js';
import { migrate } from '../db/migrate.js';
import { formatImportSummary, veeAfterImport } from './import-summary.js';
import { progressBar } from './progress-bar.js';
import { openDb, UsageError, type Runtime } from './runtime.js';

/**
 * `keymeter import greenbutton FILE.xml --meter ID`: a Green Button (ESPI) file into a meter's channels.
 * Readings that do not fit are rejected with reasons and the rest stored (exit 0, summary on stdout); a
 * malformed file or an unknown meter is exit 2 and stores nothing.
 */
export async function importGreenButtonCommand(rt: Runtime, file: string, opts: { meter: string }): Promise<void> {
  const db = await openDb(rt);
  const bar = progressBar(`importing ${path.basename(file)}`);
  try {
    await migrate(db.pool, rt.log);
    const summary = await importGreenButton(db.pool, {
      file, meterId: opts.meter, nowMs: Date.now(), ...(bar ? { onProgress: (done, total) => bar.update(done, total) } : {}),
    });
    bar?.end();
    const head = `${path.basename(file)} -> meter ${summary.meterId}${summary.usagePoints > 1 ? ` (${summary.usagePoints} usage points)` : ''}`;
    const channelName = (id: number): string => summary.kinds.get(id) ?? `channel ${id}`;
    process.stdout.write(formatImportSummary(head, summary, channelName));
    process.stdout.write(await veeAfterImport(db.pool, summary, channelName));
  } catch (err) {
    bar?.end();
    if (err instanceof KeymeterError && err.status < 500) throw new UsageError(`${file}: ${err.message}`, err.issues);
    throw err;
  } finally {
    await db.close();
  }
}
