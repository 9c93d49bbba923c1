import path from 'node:path';
import { importGreenButton } from '../../ingest/files/greenbutton/import-greenbutton.js';
import { runFileImport } from './import-summary.js';
import type { Runtime } from './runtime.js';

/**
 * `keymeter import greenbutton FILE.xml --meter ID`: a Green Button (ESPI) file into a meter's channels.
 * Readings that do not fit are rejected with reasons and the rest stored (exit 0, summary on stdout); a
 * malformed file or an unknown meter is exit 2 and stores nothing.
 */
export async function importGreenButtonCommand(rt: Runtime, file: string, opts: { meter: string }): Promise<void> {
  await runFileImport(rt, file, (pool, onProgress) => importGreenButton(pool, {
    file, meterId: opts.meter, nowMs: Date.now(), ...(onProgress ? { onProgress } : {}),
  }), (summary) => ({
    head: `${path.basename(file)} -> meter ${summary.meterId}${summary.usagePoints > 1 ? ` (${summary.usagePoints} usage points)` : ''}`,
    channelName: (id) => summary.kinds.get(id) ?? `channel ${id}`,
  }));
}
