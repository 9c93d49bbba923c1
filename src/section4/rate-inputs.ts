/**
 * What item 5 needs besides the interval data, per site: the tariffs its currentTariff and
 * candidateTariffs name (the account bundle's `tariffs[]` first, then the tariff library that
 * `keymeter import tariff` fills), its bills, zone and holiday calendar. All of it is part of the
 * analysis cache key (analysis.ts).
 *
 * Bills belong to the site their `siteId` names; a bill without `siteId` belongs to the account's only
 * site, and is left out of reconstruction when the account has several.
 */
import type { AccountBundle } from '../core/bundle/schema.js';
import type { LocalPeriod } from '../core/period.js';
import type { Pool } from '../db/pool.js';
import { selectTariffsByIds } from '../db/queries/tariffs.js';
import { comparedIds, type RateInputs, type TariffSource } from './rate-analysis.js';

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export async function rateInputsOf(pool: Pool, bundle: AccountBundle, period: LocalPeriod): Promise<RateInputs> {
  const own = new Map(bundle.tariffs.map((t) => [t.id, t]));
  const named = [...new Set(bundle.sites.flatMap((s) => comparedIds({ currentTariff: s.currentTariff ?? null, candidateTariffs: s.candidateTariffs })))];
  const library = new Map((await selectTariffsByIds(pool, named.filter((id) => !own.has(id)))).map((t) => [t.id, t]));
  const resolve = (id: string): TariffSource[] => {
    const b = own.get(id);
    if (b) return [{ id, name: text(b.urdb.name), utility: text(b.urdb.utility), source: 'bundle', urdb: b.urdb }];
    const l = library.get(id);
    return l ? [{ id, name: l.name, utility: l.utility, source: 'library', urdb: l.urdb }] : [];
  };
  const onlySite = bundle.sites.length === 1 ? bundle.sites[0]!.id : undefined;
  return {
    from: period.from,
    to: period.to,
    sites: bundle.sites.map((s) => {
      const currentTariff = s.currentTariff ?? null;
      return {
        siteId: s.id,
        timeZone: s.timezone,
        holidays: s.holidays ?? null,
        meterIds: s.meters.filter((m) => m.commodity === 'electric').map((m) => m.id),
        currentTariff,
        candidateTariffs: s.candidateTariffs,
        tariffs: comparedIds({ currentTariff, candidateTariffs: s.candidateTariffs }).flatMap(resolve),
        bills: bundle.bills
          .filter((b) => (b.siteId ?? onlySite) === s.id)
          .map((b) => ({ id: b.id, periodStart: b.periodStart, periodEnd: b.periodEnd, amountUsd: b.amountUsd, kwh: b.kwh ?? null, peakKw: b.peakKw ?? null })),
      };
    }),
  };
}
