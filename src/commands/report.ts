/**
 * `keymeter report --account ID --period 2025-Q4 --format pdf|html --out FILE` (CONTRACT.md): renders a
 * customer energy report (src/reports) to a file. Bad usage exits 2 with the option named (`--period`,
 * `--format`, `--account` for an unknown account); a failure to render or write exits 1.
 */
import { writeFile } from 'node:fs/promises';
import { migrate } from '../db/migrate.js';
import { KeymeterError } from '../errors.js';
import { parsePeriod } from '../reports/period.js';
import { REPORT_FORMATS, type ReportFormat } from '../reports/formats.js';
import { openDb, UsageError, type Runtime } from './runtime.js';

export interface ReportOptions {
  account: string;
  period: string;
  format: string;
  out: string;
}

export async function reportCommand(rt: Runtime, opts: ReportOptions): Promise<void> {
  let period;
  try {
    period = parsePeriod(opts.period, '--period');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!(REPORT_FORMATS as readonly string[]).includes(opts.format)) {
    throw new UsageError(`--format: '${opts.format}' is not a report format (${REPORT_FORMATS.join(' or ')})`);
  }
  const db = await openDb(rt);
  try {
    await migrate(db.pool, rt.log);
    // Loaded here, not at start-up: PDFKit is slow to load and no other command needs it.
    const { renderReport } = await import('../reports/render.js');
    let report;
    try {
      report = await renderReport(db.pool, opts.account, period, opts.format as ReportFormat, Date.now());
    } catch (err) {
      if (err instanceof KeymeterError && err.code === 'KM_ACCOUNT_NOT_FOUND') throw new UsageError(`--account: no account '${opts.account}'`);
      throw err;
    }
    try {
      await writeFile(opts.out, report.bytes);
    } catch (err) {
      throw new Error(`--out: cannot write ${opts.out} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
    }
    process.stdout.write(`wrote ${opts.out}: ${report.model.account.name}, ${period.label}, ${opts.format}, ${report.bytes.length} bytes\n`);
  } finally {
    await db.close();
  }
}
