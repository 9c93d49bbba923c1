import { AccountBundle } from '../core/bundle/schema.js';
import { checkTariffEntries } from '../core/tariff/tariff-entries.js';
import { formatPath, KeymeterError, type ErrorIssue } from '../errors.js';
import { isHolidayCalendar } from '../holidays/public-holidays.js';
import type { Database } from './pool.js';
import { withTransaction } from './pool.js';
import { upsertBundle, type UpsertResult } from './queries/bundle.js';

/** Validates an account bundle; every issue carries the JSON path of the offending field. */
export function parseBundle(input: unknown): AccountBundle {
  const parsed = AccountBundle.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  throw new KeymeterError('KM_BUNDLE_INVALID', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
}

/**
 * What the schema cannot check alone: every `tariffs[].urdb` through the tariff engine (a malformed rate
 * is KM_BUNDLE_INVALID, a rate the engine cannot bill KM_TARIFF_UNSUPPORTED, each issue with its path such
 * as `tariffs[0].urdb.energyratestructure[1][0].unit`), and that each site's `holidays` names a calendar
 * that exists. All issues are reported together.
 */
export function checkBundleContent(bundle: AccountBundle): void {
  const holidayIssues: ErrorIssue[] = [];
  bundle.sites.forEach((s, i) => {
    if (s.holidays !== undefined && !isHolidayCalendar(s.holidays)) {
      holidayIssues.push({ path: `sites[${i}].holidays`, message: `no public-holiday calendar '${s.holidays}' (ISO 3166 country, optionally with a subdivision: "US", "US-NY")` });
    }
  });
  try {
    checkTariffEntries(bundle.tariffs.map((t) => t.urdb), { pathOf: (i) => `tariffs[${i}].urdb`, malformedCode: 'KM_BUNDLE_INVALID' });
  } catch (err) {
    if (!(err instanceof KeymeterError) || holidayIssues.length === 0) throw err;
    holidayIssues.push(...(err.issues ?? []));
  }
  if (holidayIssues.length > 0) {
    throw new KeymeterError('KM_BUNDLE_INVALID', holidayIssues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues: holidayIssues });
  }
}

/** Validates and stores a bundle in one transaction: a bad bundle stores nothing. */
export async function importBundle(db: Pick<Database, 'pool'>, input: unknown, actor: string): Promise<UpsertResult & { bundle: AccountBundle }> {
  const bundle = parseBundle(input);
  checkBundleContent(bundle);
  const result = await withTransaction(db.pool, (client) => upsertBundle(client, bundle, actor));
  return { ...result, bundle };
}
