import type { ImportSummary } from '../../ingest/files/import-session.js';
import path from 'node:path';
import { migrate } from '../db/migrate.js';
import type { Pool } from '../db/pool.js';
import { KeymeterError } from '../errors.js';
import { runVee } from '../vee/run.js';
import { progressBar } from './progress-bar.js';
import { openDb, UsageError, type Runtime } from './runtime.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `2025-01-01T00:00Z` (minutes are enough for interval starts). */
function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16) + 'Z';
}

/**
 * The end-of-import summary for a person: the totals line, each channel's span, rejects by reason with
 * the first examples, and notes.
 */
export function formatImportSummary(head: string, s: ImportSummary, channelName: (channelId: number) => string): string {
  const lines = [
    `${head}: ${plural(s.readings, 'reading')} read: ${s.stored} stored, ${plural(s.duplicates, 'duplicate')}, ${plural(s.conflicts, 'conflict')}, ${s.rejected} rejected`,
  ];
  for (const [id, c] of [...s.channels].sort((a, b) => channelName(a[0]).localeCompare(channelName(b[0])))) {
    lines.push(`  ${channelName(id)}: ${plural(c.readings, 'reading')} from ${isoMinute(c.fromMs)} to ${isoMinute(c.toMs)} (interval starts)`);
  }
  for (const [code, r] of s.rejects) {
    lines.push(`  rejected ${code}: ${plural(r.readings, 'reading')}`);
    for (const e of r.examples) lines.push(`    ${e}`);
  }
  if (s.conflicts > 0) lines.push('  conflicts: the stored values stay; both values are kept in reading_conflicts');
  if (s.rejected > 0) lines.push('  rejected readings are kept with their reasons: GET /v1/dead-letters');
  for (const n of s.notes) lines.push(`  note: ${n}`);
  return lines.join('\n') + '\n';
}

/**
 * VEE over what a file import stored (src/vee/run.ts), run after its commit as the ingest workers' runner
 * does for live batches: each channel's imported span is validated and its gaps estimated. Lines for the
 * summary; nothing when the import stored nothing new (a re-import changes no flag or estimate).
 * A failure here leaves the committed import as it is: the line says so, and `keymeter vee run` redoes it.
 */
export async function veeAfterImport(pool: Pool, s: ImportSummary, channelName: (channelId: number) => string): Promise<string> {
  if (s.stored === 0) return '';
  const lines: string[] = [];
  for (const [id, c] of [...s.channels].sort((a, b) => channelName(a[0]).localeCompare(channelName(b[0])))) {
    try {
      // A kw channel's pass re-runs its meter's kWh too (rule kwh_kw); only this channel's result is shown.
      for (const r of await runVee(pool, { channelId: id, fromMs: c.fromMs, toMs: c.toMs + 1 })) {
        if (r.channelId !== id) continue;
        lines.push(`  VEE ${channelName(id)}: ${plural(r.flagsWritten, 'flag')} written, ${r.flagsDeleted} removed; ${plural(r.estimatesWritten, 'estimate')} written, ${r.estimatesDeleted} removed`);
      }
    } catch (err) {
      lines.push(`  VEE ${channelName(id)}: failed (${(err as Error).message}); the readings are stored, run \`keymeter vee run\` for this span`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/**
 * The frame of a file import command: the database (migrated), a progress bar on a terminal, the
 * import, its summary and the VEE pass over what it stored on stdout. An input error (a KeymeterError
 * below 500) becomes a usage error naming the file (exit 2); nothing was stored then.
 */
export async function runFileImport<S extends ImportSummary>(
  rt: Runtime, file: string,
  run: (pool: Pool, onProgress: ((done: number, total: number) => void) | undefined) => Promise<S>,
  describe: (summary: S) => { head: string; channelName: (channelId: number) => string },
): Promise<void> {
  const db = await openDb(rt);
  const bar = progressBar(`importing ${path.basename(file)}`);
  try {
    await migrate(db.pool, rt.log);
    const summary = await run(db.pool, bar ? (done, total) => bar.update(done, total) : undefined);
    bar?.end();
    const { head, channelName } = describe(summary);
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
