/**
 * Stored forecasts (issue 9: "forecasts made on a schedule are stored, so forecast and actual can later
 * be compared"). A forecast as of a local day D uses the account's kWh from the 36 months that end with
 * D (the Section 4 default span) and nothing after the end of D; it is stored once per (account, D) and
 * never recomputed, so what it said stays on record whatever arrives or is edited later.
 */
import type { AccountBundle } from '../core/bundle/schema.js';
import { dayNumber, periodRangeMs, DEFAULT_PERIOD_MONTHS, type LocalPeriod } from '../core/period.js';
import { DAY_MS } from '../core/time-zone.js';
import type { IntervalSeries } from '../core/series.js';
import { withTransaction, type Pool, type PoolClient } from '../db/pool.js';
import { readBundle } from '../db/queries/bundle-read.js';
import { insertForecast, storedForecastKeys, type ForecastMeta } from '../db/queries/forecasts.js';
import { selectChannelsOfMeters } from '../db/queries/series.js';
import { KeymeterError } from '../errors.js';
import { localToday } from '../section4/build.js';
import { electricTotals, fetchAccountSeries, fetchTemperature } from '../section4/series.js';
import { accountForecast } from './compute.js';

export type MakeOutcome =
  | { outcome: 'stored'; forecast: ForecastMeta }
  | { outcome: 'exists'; accountId: string; asOf: string }
  | { outcome: 'no-forecast'; accountId: string; asOf: string; reason: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function dateOfDay(dayNo: number): string {
  return new Date(dayNo * DAY_MS).toISOString().slice(0, 10);
}

/** The first local day of the history of a forecast as of `asOf`: the 36 months that end with it. */
export function historyFrom(asOf: string, months = DEFAULT_PERIOD_MONTHS): string {
  const [y, m, d] = asOf.split('-').map(Number) as [number, number, number];
  // The day after asOf, `months` months earlier (clamped to the month's end: as of 2024-02-28, from 2021-02-28).
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  const back = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() - months, 1));
  const lastDay = new Date(Date.UTC(back.getUTCFullYear(), back.getUTCMonth() + 1, 0)).getUTCDate();
  return dateOfDay(Date.UTC(back.getUTCFullYear(), back.getUTCMonth(), Math.min(next.getUTCDate(), lastDay)) / DAY_MS);
}

/** The account's zone: its first site's, as in the Section 4 document. */
export const accountZone = (bundle: AccountBundle): string => bundle.sites[0]?.timezone ?? 'UTC';

/** The latest day a forecast can be made as of at `nowMs`: yesterday in the zone (today is not over). */
export function latestAsOf(nowMs: number, timeZone: string): string {
  return dateOfDay(dayNumber(localToday(nowMs, timeZone)) - 1);
}

/** Checks a requested `asOf` against the clock: a real date, and a local day that has ended. */
export function checkAsOf(asOf: string, nowMs: number, timeZone: string, field = 'asOf'): string {
  if (!DATE.test(asOf) || Number.isNaN(dayNumber(asOf))) {
    throw new KeymeterError('KM_VALIDATION', `${field}: '${asOf}' is not a date YYYY-MM-DD`, { issues: [{ path: field, message: 'not a date YYYY-MM-DD' }] });
  }
  const latest = latestAsOf(nowMs, timeZone);
  if (asOf > latest) {
    throw new KeymeterError('KM_VALIDATION', `${field}: ${asOf} has not ended yet in ${timeZone}; the latest day to forecast from is ${latest}`, {
      issues: [{ path: field, message: `must be ${latest} or earlier` }],
    });
  }
  return asOf;
}

/** The account's summed kWh series (every electric meter at the common interval) over a local period. */
export async function accountKwh(pool: Pool, bundle: AccountBundle, period: LocalPeriod): Promise<{
  kwh: IntervalSeries | undefined; intervalMinutes: number | undefined; startMs: number; endMs: number; temperature: { meterId: string; series: IntervalSeries } | undefined;
}> {
  const timeZone = accountZone(bundle);
  const { startMs, endMs } = periodRangeMs(period, timeZone);
  const channels = await selectChannelsOfMeters(pool, bundle.sites.flatMap((s) => s.meters.map((m) => m.id)));
  const series = await fetchAccountSeries(pool, channels.filter((c) => c.kind === 'kwh_del'), startMs, endMs);
  const temperature = await fetchTemperature(pool, channels, startMs, endMs);
  return { kwh: electricTotals(series.electric).kwh, intervalMinutes: series.intervalMinutes, startMs, endMs, temperature };
}

/**
 * Makes and stores the forecast of an account as of a local day, unless one is stored already. `asOf`
 * must have been checked (checkAsOf) by the caller, who owns the clock. `onStored` runs in the
 * transaction that stores it.
 */
export async function makeForecast(
  pool: Pool, accountId: string, asOf: string, madeBy: string, onStored?: (client: PoolClient, stored: ForecastMeta) => Promise<void>,
): Promise<MakeOutcome> {
  if ((await storedForecastKeys(pool, [{ accountId, asOf }])).size > 0) return { outcome: 'exists', accountId, asOf };
  const bundle = await readBundle(pool, accountId);
  if (!bundle) throw new KeymeterError('KM_ACCOUNT_NOT_FOUND', `no account '${accountId}'`);
  const timeZone = accountZone(bundle);
  const from = historyFrom(asOf);
  const { kwh, temperature } = await accountKwh(pool, bundle, { from, to: asOf });
  const f = accountForecast(bundle, timeZone, kwh, temperature);
  if ('status' in f) return { outcome: 'no-forecast', accountId, asOf, reason: f.status };
  // Stored with what goes with it (the audit row of an API write) in one transaction.
  const stored = await withTransaction(pool, async (client) => {
    const row = await insertForecast(client, { accountId, asOf, timeZone, historyFrom: from, intervalMinutes: kwh!.intervalMinutes, madeBy, forecast: f });
    if (row && onStored) await onStored(client, row);
    return row;
  });
  return stored ? { outcome: 'stored', forecast: stored } : { outcome: 'exists', accountId, asOf };
}
