/**
 * `keymeter forecast [--account ID ...] [--as-of YYYY-MM-DD]`: makes and stores the forecasts the daily
 * schedule of `keymeter serve` makes (src/forecasts), for a backfill, a catch-up or a server without the
 * service. Without `--account`, every account with electric kWh; without `--as-of`, yesterday in each
 * account's zone. A day that has a stored forecast keeps it. Exit 2 for bad usage (an unknown account, a
 * bad or unfinished day), 1 when a named account has too little data for a forecast.
 */
import { migrate } from '../db/migrate.js';
import { readBundle } from '../db/queries/bundle-read.js';
import { forecastCandidates } from '../db/queries/forecasts.js';
import { KeymeterError } from '../errors.js';
import { accountZone, checkAsOf, latestAsOf, makeForecast } from '../forecasts/store.js';
import { openDb, UsageError, type Runtime } from './runtime.js';

export interface ForecastOptions {
  account?: string[];
  asOf?: string;
}

export const CLI_ACTOR = 'cli';

export async function forecastCommand(rt: Runtime, opts: ForecastOptions, nowMs = Date.now()): Promise<void> {
  const db = await openDb(rt);
  const failed: string[] = [];
  try {
    await migrate(db.pool, rt.log);
    let targets: { id: string; timeZone: string }[];
    if (opts.account?.length) {
      targets = [];
      for (const id of opts.account) {
        const bundle = await readBundle(db.pool, id);
        if (!bundle) throw new UsageError(`--account: no account '${id}'`);
        targets.push({ id, timeZone: accountZone(bundle) });
      }
    } else {
      targets = await forecastCandidates(db.pool);
    }
    for (const t of targets) {
      let asOf: string;
      try {
        asOf = opts.asOf === undefined ? latestAsOf(nowMs, t.timeZone) : checkAsOf(opts.asOf, nowMs, t.timeZone, '--as-of');
      } catch (err) {
        if (err instanceof KeymeterError) throw new UsageError(err.message);
        throw err;
      }
      const out = await makeForecast(db.pool, t.id, asOf, CLI_ACTOR);
      if (out.outcome === 'stored') {
        process.stdout.write(`${t.id} as of ${asOf}: stored forecast ${out.forecast.id}\n`);
      } else if (out.outcome === 'exists') {
        process.stdout.write(`${t.id} as of ${asOf}: already stored, kept\n`);
      } else {
        process.stdout.write(`${t.id} as of ${asOf}: no forecast (${out.reason})\n`);
        if (opts.account?.length) failed.push(t.id);
      }
    }
  } finally {
    await db.close();
  }
  if (failed.length > 0) throw new Error(`no forecast could be made for ${failed.join(', ')}`);
}
