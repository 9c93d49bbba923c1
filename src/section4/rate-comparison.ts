/**
 * GET /v1/accounts/{accountId}/rate-comparison: Section 4 item 5 in full for every site. The period
 * follows the energy profile exactly (local dates in the first site's zone, both included; default the
 * 36 full months before today), and the figures come from the same cached interval-data analysis, so the
 * two documents always agree and a request after the other costs no recomputation.
 */
import { checkPeriod, defaultPeriod, periodRangeMs, type LocalPeriod } from '../core/period.js';
import type { Pool } from '../db/pool.js';
import { readBundle } from '../db/queries/bundle-read.js';
import { KeymeterError } from '../errors.js';
import { analyseSeries } from './analysis.js';
import { localToday, type BuildOptions } from './build.js';
import type { SiteRateComparison } from './rate-analysis.js';
import { rateInputsOf } from './rate-inputs.js';

export interface RateComparisonDocument {
  account: { id: string; name: string };
  period: { from: string; to: string; timezone: string };
  sites: SiteRateComparison[];
}

export async function buildRateComparison(pool: Pool, accountId: string, requested: Partial<LocalPeriod>, nowMs: number, options: BuildOptions = {}): Promise<RateComparisonDocument> {
  const bundle = await readBundle(pool, accountId);
  if (!bundle) throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', `no account '${accountId}'`);
  const timeZone = bundle.sites[0]?.timezone ?? 'UTC';
  const def = defaultPeriod(localToday(nowMs, timeZone));
  const period = checkPeriod({ from: requested.from ?? def.from, to: requested.to ?? def.to });
  const { startMs, endMs } = periodRangeMs(period, timeZone);
  const rates = await rateInputsOf(pool, bundle, period);
  const analysis = await analyseSeries(pool, bundle, timeZone, startMs, endMs, options.cache, rates);
  return { account: { id: bundle.id, name: bundle.name }, period: { from: period.from, to: period.to, timezone: timeZone }, sites: analysis.rateComparison };
}
