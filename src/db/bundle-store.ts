import { AccountBundle } from '../core/bundle/schema.js';
import { formatPath, KeymeterError } from '../errors.js';
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

/** Validates and stores a bundle in one transaction: a bad bundle stores nothing. */
export async function importBundle(db: Pick<Database, 'pool'>, input: unknown, actor: string): Promise<UpsertResult & { bundle: AccountBundle }> {
  const bundle = parseBundle(input);
  const result = await withTransaction(db.pool, (client) => upsertBundle(client, bundle, actor));
  return { ...result, bundle };
}
