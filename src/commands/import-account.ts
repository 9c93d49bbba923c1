import { readFile } from 'node:fs/promises';
import { importBundle } from '../db/bundle-store.js';
import { ErrorCodes, KeymeterError } from '../errors.js';
import { migrate } from '../db/migrate.js';
import { openDb, UsageError, type Runtime } from './runtime.js';

/** Reads and parses a JSON file; errors name the file (exit 2). */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

export async function importAccountCommand(rt: Runtime, file: string): Promise<void> {
  const input = await readJsonFile(file);
  const db = await openDb(rt);
  try {
    await migrate(db.pool, rt.log);
    const r = await importBundle(db, input, 'cli');
    process.stdout.write(`account ${r.bundle.id}: ${r.created ? 'created' : r.changedRows === 0 ? 'unchanged' : 'updated'} (${r.changedRows} rows written)\n`);
  } catch (err) {
    if (err instanceof KeymeterError && err.status < 500) {
      throw new UsageError(`${file}: ${ErrorCodes[err.code].title.toLowerCase()}`, err.issues ?? [{ path: '(root)', message: err.message }]);
    }
    throw err;
  } finally {
    await db.close();
  }
}
