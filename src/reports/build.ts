/**
 * Builds the customer energy report of an account for a period (model.ts) from two Section 4 documents:
 * the period and the same period a year earlier, both in the local time of the account's first site
 * (as the Section 4 document itself is).
 */
import type { Pool } from '../db/pool.js';
import { isoUtc } from '../core/time-zone.js';
import type { AnalysisCache } from '../section4/analysis.js';
import { buildSection4 } from '../section4/build.js';
import { forecastItem, outagesItem, powerQualityItem, rateComparisonItem } from './items-analyses.js';
import { consumptionItem, demandItem, loadProfileItem, powerFactorItem } from './items-energy.js';
import { objsAt, strAt, type ReportModel, type ReportSources } from './model.js';
import { samePeriodLastYear, type ReportPeriod } from './period.js';

export interface BuildReportOptions {
  cache?: AnalysisCache | undefined;
}

/**
 * The report model.
 * @throws KeymeterError KM_ACCOUNT_NOT_FOUND for an unknown account.
 */
export async function buildReport(pool: Pool, accountId: string, period: ReportPeriod, nowMs: number, options: BuildReportOptions = {}): Promise<ReportModel> {
  const previous = samePeriodLastYear(period);
  // Both at once: against a server they use two connections; on the embedded database (one connection)
  // their statements simply take turns, as the Section 4 code's own parallel reads do.
  const [current, lastYear] = await Promise.all([
    buildSection4(pool, accountId, { from: period.from, to: period.to }, nowMs, { cache: options.cache }),
    buildSection4(pool, accountId, { from: previous.from, to: previous.to }, nowMs, { cache: options.cache }),
  ]);
  return reportModel({ period, previous, current, lastYear, generatedAtMs: nowMs });
}

/** The model from already-built documents (pure: tests and benchmarks call it directly). */
export function reportModel(s: ReportSources): ReportModel {
  const timezone = strAt(s.current, 'period', 'timezone') ?? 'UTC';
  return {
    account: {
      id: strAt(s.current, 'account', 'id') ?? '',
      name: strAt(s.current, 'account', 'name') ?? '',
      sites: objsAt(s.current, 'account', 'sites').map((x) => (typeof x.name === 'string' ? x.name : String(x.id))),
    },
    period: { ...s.period, timezone },
    previous: s.previous,
    generatedAt: isoUtc(s.generatedAtMs),
    items: [
      consumptionItem(s, timezone),
      loadProfileItem(s),
      demandItem(s, timezone),
      powerFactorItem(s),
      rateComparisonItem(s),
      outagesItem(s),
      powerQualityItem(s),
      forecastItem(s),
    ],
  };
}
