/**
 * The utility's total end-user consumption per month (`keymeter import system-totals`, CONTRACT.md):
 * rows `month,kwh` with month as `YYYY-MM`. Pure validation of parsed rows; each problem names its line.
 */
import type { ErrorIssue } from '../errors.js';

export interface SystemTotal {
  /** 'YYYY-MM' */
  month: string;
  kwh: number;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Checks rows read from the CSV (header already matched). `firstLine` is the file line of rows[0].
 * @returns the totals, or the issues (path `line N: field`), never both.
 */
export function validateSystemTotals(rows: readonly Record<string, string>[], firstLine = 2): { totals: SystemTotal[]; issues: ErrorIssue[] } {
  const totals: SystemTotal[] = [];
  const issues: ErrorIssue[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const line = firstLine + i;
    const month = (row.month ?? '').trim();
    const kwhText = (row.kwh ?? '').trim();
    if (!MONTH.test(month)) issues.push({ path: `line ${line}: month`, message: `'${month.slice(0, 40)}' is not a month YYYY-MM` });
    const kwh = kwhText === '' ? Number.NaN : Number(kwhText);
    if (!Number.isFinite(kwh) || kwh < 0) issues.push({ path: `line ${line}: kwh`, message: `'${kwhText.slice(0, 40)}' is not a non-negative number` });
    const prev = seen.get(month);
    if (prev !== undefined) issues.push({ path: `line ${line}: month`, message: `${month} also on line ${prev}` });
    seen.set(month, line);
    totals.push({ month, kwh });
  });
  return issues.length > 0 ? { totals: [], issues } : { totals, issues };
}
