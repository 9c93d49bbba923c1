import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { validateSystemTotals } from '../core/system-totals.js';
import { migrate } from '../db/migrate.js';
import { withTransaction } from '../db/pool.js';
import { upsertSystemTotals } from '../db/queries/system-totals.js';
import { openDb, UsageError, type Runtime } from './runtime.js';

/** `keymeter import system-totals FILE.csv`: header `month,kwh`; a bad row fails the file (exit 2, its line). */
export async function importSystemTotalsCommand(rt: Runtime, file: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    throw new UsageError(`${file}: not valid CSV (${(err as Error).message})`);
  }
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]!.split(',').map((c) => c.trim().toLowerCase());
  if (!(header.includes('month') && header.includes('kwh'))) throw new UsageError(`${file}: line 1: the header must be month,kwh`);
  const { totals, issues } = validateSystemTotals(rows);
  if (issues.length > 0) throw new UsageError(`${file}: invalid system totals, nothing stored`, issues);
  const db = await openDb(rt);
  try {
    await migrate(db.pool, rt.log);
    const written = await withTransaction(db.pool, async (c) => {
      const n = await upsertSystemTotals(c, totals);
      await c.query(`insert into audit_log (actor, action, detail) values ('cli', 'system_totals.import', $1::jsonb)`, [JSON.stringify({ months: totals.length, written: n })]);
      return n;
    });
    process.stdout.write(`system totals: ${totals.length} months read, ${written} written\n`);
  } finally {
    await db.close();
  }
}
