/**
 * `keymeter import tariff FILE.json [--id ID]` (CONTRACT.md "Command line"): OpenEI URDB rate items into
 * the tariff library (src/db/queries/tariffs.ts), from a URDB API response `{"items": [...]}` or one item.
 * Each is stored under its URDB `label`, or under `--id` when the file holds one item. Sites then name
 * them in currentTariff / candidateTariffs like the tariffs of their own bundle.
 *
 * Every item is checked by the tariff engine first: an invalid or unsupported one stops the import with
 * exit 2 and the offending paths (`items[0].energyratestructure[1][0].unit`), and nothing is stored.
 * Idempotent: importing the same file again writes no row. One audit row per import.
 */
import path from 'node:path';
import { urdbLibraryEntries, type LibraryEntry } from '../core/tariff/urdb-response.js';
import { migrate } from '../db/migrate.js';
import { withTransaction } from '../db/pool.js';
import { insertAudit } from '../db/queries/audit.js';
import { upsertTariffs } from '../db/queries/tariffs.js';
import { ErrorCodes, KeymeterError } from '../errors.js';
import { readJsonFile } from './import-account.js';
import { openDb, UsageError, type Runtime } from './runtime.js';

export interface ImportTariffOptions {
  /** The id of a lone item (instead of, or without, its URDB label). */
  id?: string;
}

export async function importTariffCommand(rt: Runtime, file: string, opts: ImportTariffOptions = {}): Promise<void> {
  const input = await readJsonFile(file);
  let entries: LibraryEntry[];
  try {
    entries = urdbLibraryEntries(input, opts.id);
  } catch (err) {
    if (err instanceof KeymeterError && err.status < 500) {
      const what = err.code === 'KM_VALIDATION' ? 'not a valid URDB rate item or API response' : ErrorCodes[err.code].title.toLowerCase();
      throw new UsageError(`${file}: ${what}; nothing stored`, err.issues ?? [{ path: '(root)', message: err.message }]);
    }
    throw err;
  }
  const db = await openDb(rt);
  try {
    await migrate(db.pool, rt.log);
    const written = await withTransaction(db.pool, async (client) => {
      const r = await upsertTariffs(client, entries);
      await insertAudit(client, 'cli', 'tariff.import', null, { file: path.basename(file), ids: entries.map((e) => e.id), inserted: r.inserted, updated: r.updated });
      return r;
    });
    for (const e of entries) {
      const what = written.inserted.includes(e.id) ? 'created' : written.updated.includes(e.id) ? 'updated' : 'unchanged';
      process.stdout.write(`tariff ${e.id}: ${what}${e.name === null ? '' : ` (${e.name})`}\n`);
    }
  } finally {
    await db.close();
  }
}
