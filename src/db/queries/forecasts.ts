/**
 * Stored forecasts (migrations/0011_forecasts.sql): one per (account, as_of), written once and never
 * changed, so a forecast can be held against what the meters measured afterwards.
 */
import type pg from 'pg';

export interface ForecastRow {
  id: string;
  accountId: string;
  /** The last local day of data the forecast used, `YYYY-MM-DD`. */
  asOf: string;
  timeZone: string;
  historyFrom: string;
  intervalMinutes: number;
  madeBy: string;
  madeAtMs: number;
  forecast: unknown;
}

export type ForecastMeta = Omit<ForecastRow, 'forecast'>;

const META = 'id, account_id, as_of, time_zone, history_from, interval_minutes, made_by, made_at';

export const forecastQueries = {
  insert: {
    name: 'forecasts.insert_once',
    // The first forecast of a day wins; a second worker's (or a rerun's) insert is a no-op.
    text: `insert into forecasts (account_id, as_of, time_zone, history_from, interval_minutes, made_by, forecast)
           values ($1, $2::date, $3, $4::date, $5, $6, $7::jsonb)
           on conflict (account_id, as_of) do nothing
           returning ${META}`,
  },
  asOf: {
    name: 'forecasts.select_latest_at_or_before',
    // $2 null: the newest one.
    text: `select ${META}, forecast from forecasts
            where account_id = $1 and ($2::date is null or as_of <= $2::date)
            order by as_of desc limit 1`,
  },
  list: {
    name: 'forecasts.select_list',
    text: `select ${META} from forecasts
            where account_id = $1 and ($2::date is null or as_of >= $2::date) and ($3::date is null or as_of <= $3::date)
            order by as_of desc limit $4`,
  },
  exists: {
    name: 'forecasts.select_stored_as_of',
    text: 'select account_id, as_of from forecasts where (account_id, as_of) in (select * from unnest($1::text[], $2::date[]))',
  },
  candidates: {
    name: 'forecasts.select_accounts_with_kwh',
    // Accounts with at least one electric kWh channel, with the zone of their first site (the account's
    // calendar, as in the Section 4 document).
    text: `select a.id, (select s.timezone from sites s where s.account_id = a.id order by s.position limit 1) as timezone
             from accounts a
            where exists (select 1 from sites s join meters m on m.site_id = s.id join channels c on c.meter_id = m.id
                           where s.account_id = a.id and c.kind = 'kwh_del')
            order by a.id`,
  },
} as const;

interface Raw {
  id: string; account_id: string; as_of: string; time_zone: string; history_from: string; interval_minutes: number; made_by: string; made_at: Date; forecast?: unknown;
}

function meta(r: Raw): ForecastMeta {
  return {
    id: r.id, accountId: r.account_id, asOf: r.as_of, timeZone: r.time_zone, historyFrom: r.history_from,
    intervalMinutes: r.interval_minutes, madeBy: r.made_by, madeAtMs: r.made_at.getTime(),
  };
}

export type NewForecast = Omit<ForecastRow, 'id' | 'madeAtMs'>;

/** Stores a forecast unless one is stored for that account and day; returns it, or undefined when one was. */
export async function insertForecast(db: pg.Pool | pg.ClientBase, f: NewForecast): Promise<ForecastMeta | undefined> {
  const r = await db.query<Raw>({ ...forecastQueries.insert, values: [f.accountId, f.asOf, f.timeZone, f.historyFrom, f.intervalMinutes, f.madeBy, JSON.stringify(f.forecast)] });
  return r.rows[0] ? meta(r.rows[0]) : undefined;
}

/** The newest forecast stored as of `asOf` or earlier (`null`: the newest of all). */
export async function findForecastAsOf(db: pg.Pool, accountId: string, asOf: string | null): Promise<ForecastRow | undefined> {
  const r = await db.query<Raw>({ ...forecastQueries.asOf, values: [accountId, asOf] });
  const row = r.rows[0];
  return row ? { ...meta(row), forecast: row.forecast } : undefined;
}

/** Stored forecasts of an account, newest first. */
export async function listForecasts(db: pg.Pool, accountId: string, from: string | null, to: string | null, limit: number): Promise<ForecastMeta[]> {
  return (await db.query<Raw>({ ...forecastQueries.list, values: [accountId, from, to, limit] })).rows.map(meta);
}

/** Which of the (account, day) pairs have a stored forecast, as `account/day` keys. */
export async function storedForecastKeys(db: pg.Pool, pairs: readonly { accountId: string; asOf: string }[]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const r = await db.query<{ account_id: string; as_of: string }>({ ...forecastQueries.exists, values: [pairs.map((p) => p.accountId), pairs.map((p) => p.asOf)] });
  return new Set(r.rows.map((x) => `${x.account_id}/${x.as_of}`));
}

/** Accounts that have electric kWh channels, with their zone. */
export async function forecastCandidates(db: pg.Pool): Promise<{ id: string; timeZone: string }[]> {
  const r = await db.query<{ id: string; timezone: string | null }>(forecastQueries.candidates);
  return r.rows.map((x) => ({ id: x.id, timeZone: x.timezone ?? 'UTC' }));
}
