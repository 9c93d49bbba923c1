import t, { type Test } from 'tap';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/config.js';
import { createApiKey } from '../../src/commands/keys.js';
import { historyFrom } from '../../src/forecasts/store.js';
import { eachBackend, type TestDb } from '../helpers/db.js';
import { ADMIN_KEY } from '../helpers/app.js';
import { loadReportFixture } from '../helpers/report-fixture.js';

/**
 * Stored forecasts (issue 9): made once per (account, day) and never changed, served as of a day with
 * the measured values since. The fixture is acme-foods (America/Chicago, two 15-minute kWh meters) with
 * simulated history from 2025-01-01 to NOW; its day-ahead actuals are checked against a SQL sum of the
 * raw readings, and its accuracy against Guideline 14's formulas written out here.
 */
const NOW = Date.UTC(2025, 3, 10, 12); // 07:00 CDT on 2025-04-10: the latest ended local day is 04-09
const HISTORY: readonly (readonly [number, number])[] = [[Date.UTC(2025, 0, 1, 6), NOW]];

async function setup(t: Test, db: TestDb) {
  await loadReportFixture(db, { windows: HISTORY });
  const config = loadConfig({ KEYMETER_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, db, log: db.log, nowMs: () => NOW });
  await app.ready();
  t.teardown(() => app.close());
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  const rep = { authorization: `Bearer ${(await createApiKey(db.pool, 'rep', ['acme-foods'])).key}` };
  return { app, admin, rep };
}

t.test('a forecast is stored once per day, never changed, and served beside the measured values', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, rep } = await setup(t, db);
    const get = (url: string, headers = rep) => app.inject({ method: 'GET', url, headers });
    const post = (body: unknown, headers = admin) => app.inject({ method: 'POST', url: '/v1/accounts/acme-foods/forecasts', headers, payload: body as object });

    const none = await get('/v1/accounts/acme-foods/forecast');
    t.equal(none.statusCode, 404);
    t.equal(none.headers['content-type'], 'application/problem+json');
    t.match(none.json(), { code: 'KM_FORECAST_NOT_FOUND', status: 404, detail: "no forecast of account 'acme-foods' is stored yet" });

    // Writes are the admin's; bad days are refused with the field named.
    t.equal((await post({ asOf: '2025-04-08' }, rep)).statusCode, 403, 'a rep may not make one');
    const today = await post({ asOf: '2025-04-10' });
    t.equal(today.statusCode, 400, 'a day that has not ended');
    t.match(today.json(), { detail: /asOf: 2025-04-10 has not ended yet in America\/Chicago; the latest day to forecast from is 2025-04-09/ });
    t.equal((await post({ asOf: '2025-02-30' })).statusCode, 400, 'not a real date');
    const early = await post({ asOf: '2025-01-10' });
    t.equal(early.statusCode, 422, 'nine days of data are not enough');
    t.match(early.json(), { code: 'KM_FORECAST_NO_DATA', detail: /no forecast as of 2025-01-10: not enough interval data/ });

    const made = await post({ asOf: '2025-04-08' });
    t.equal(made.statusCode, 201, made.body);
    const meta = made.json();
    t.match(meta, { accountId: 'acme-foods', asOf: '2025-04-08', timeZone: 'America/Chicago', historyFrom: '2022-04-09', intervalMinutes: 15, madeBy: /^key:/, href: '/v1/accounts/acme-foods/forecast?asOf=2025-04-08' });
    const again = await post({ asOf: '2025-04-08' });
    t.equal(again.statusCode, 200, 'the same day again: the stored one, kept');
    t.equal(again.json().id, meta.id);
    const audit = await db.pool.query(`select actor, detail from audit_log where action = 'forecast.create'`);
    t.equal(audit.rowCount, 1, 'one audit row: the write that stored it');

    // The stored forecast is the Section 4 item of the period that ends that day (one computation).
    const s4 = await get(`/v1/accounts/acme-foods/energy-profile?from=${historyFrom('2025-04-08')}&to=2025-04-08`);
    t.equal(s4.statusCode, 200);
    const item = s4.json().forecast;
    const stored = await get('/v1/accounts/acme-foods/forecast?asOf=2025-04-08');
    t.equal(stored.statusCode, 200, stored.body);
    const f = stored.json();
    t.strictSame(f.dayAhead.map((p: { ts: string; kw: number; low: number; high: number }) => ({ ts: p.ts, kw: p.kw, low: p.low, high: p.high })), item.dayAhead);
    t.strictSame(f.backtest, item.backtest);
    t.strictSame(f.monthly.map((m: { month: string; kwh: number; peakKw: number }) => [m.month, m.kwh, m.peakKw]), item.monthly.map((m: { month: string; kwh: number; peakKw: number }) => [m.month, m.kwh, m.peakKw]));

    // The site's "US" calendar, judged by the load: the simulated plant works on Martin Luther King Jr. Day
    // (2025-01-20, the one holiday with complete neighbour weeks before the backtest window), so it is not a Sunday.
    t.match(f.holidayDecisions.find((d: { name: string }) => d.name === 'Martin Luther King Jr. Day'), { observed: false, judged: 1, closed: 0 });
    t.ok(item.model.holidaysWorked.includes('Martin Luther King Jr. Day'), 'and Section 4 says so');
    // Day ahead = local 2025-04-09 (CDT): 96 quarter-hours from 05:00 UTC, each beside the measured kW.
    t.equal(f.dayAhead.length, 96);
    t.equal(f.dayAhead[0].ts, '2025-04-09T05:00:00Z');
    const sql = await db.pool.query<{ ts: Date; kwh: number }>(
      `select r.ts, sum(r.value)::float8 as kwh from readings r join channels c on c.id = r.channel_id join meters m on m.id = c.meter_id
        join sites s on s.id = m.site_id where s.account_id = 'acme-foods' and c.kind = 'kwh_del'
          and r.ts >= '2025-04-09T05:00:00Z' and r.ts < '2025-04-10T05:00:00Z' group by r.ts order by r.ts`);
    t.equal(sql.rowCount, 96);
    const measuredKw = sql.rows.map((r) => Math.round(r.kwh * 4 * 1000) / 1000);
    t.strictSame(f.dayAhead.map((p: { actualKw: number }) => p.actualKw), measuredKw, 'actual kW = 4 x the kWh summed over both meters');
    // Guideline 14 over the 24 local hours (hourly means; p = 0): CV(RMSE) = sqrt(mean e^2) / mean y, NMBE = sum e / (n mean y).
    const hourly = (xs: number[]) => Array.from({ length: 24 }, (_, h) => (xs[4 * h]! + xs[4 * h + 1]! + xs[4 * h + 2]! + xs[4 * h + 3]!) / 4);
    const y = hourly(measuredKw);
    const yhat = hourly(f.dayAhead.map((p: { kw: number }) => p.kw));
    const mean = y.reduce((a, b) => a + b, 0) / 24;
    const e = y.map((v, i) => v - yhat[i]!);
    t.equal(f.comparison.dayAhead.n, 24);
    t.equal(f.comparison.dayAhead.cvrmse, Math.round((Math.sqrt(e.reduce((a, b) => a + b * b, 0) / 24) / mean) * 1e4) / 1e4);
    t.equal(f.comparison.dayAhead.nmbe, Math.round((e.reduce((a, b) => a + b, 0) / (24 * mean)) * 1e4) / 1e4);
    const inBand = f.dayAhead.filter((p: { actualKw: number; low: number; high: number }) => p.actualKw >= p.low && p.actualKw <= p.high).length;
    t.equal(f.comparison.dayAhead.intervals, 96);
    t.equal(f.comparison.dayAhead.withinBand, Math.round((inBand / 96) * 1e4) / 1e4);
    // The months after 2025-04-08 start with May: nothing measured yet, nothing scored.
    t.equal(f.monthly[0].month, '2025-05');
    t.strictSame(f.monthly[0].actual, { kwh: null, peakKw: null, completeness: 0, ended: false });
    t.strictSame(f.comparison.monthly.kwh, { n: 0, cvrmse: null, nmbe: null, mape: null });

    // An edit of the history afterwards changes the Section 4 item, never the stored forecast.
    const edit = await app.inject({
      method: 'POST', url: '/v1/meters/m-1002/edits', headers: admin,
      payload: { channel: 'kwh_del', from: '2025-04-08T05:00:00Z', to: '2025-04-09T05:00:00Z', value: 500, reason: 'test: a wrong meter multiplier' },
    });
    t.equal(edit.statusCode, 201, edit.body);
    const s4After = (await get(`/v1/accounts/acme-foods/energy-profile?from=${historyFrom('2025-04-08')}&to=2025-04-08`)).json().forecast;
    t.not(s4After.dayAhead[40].kw, item.dayAhead[40].kw, 'the edit moves a fresh forecast');
    t.equal((await post({ asOf: '2025-04-08' })).statusCode, 200, 'a rerun keeps the stored one');
    const after = (await get('/v1/accounts/acme-foods/forecast?asOf=2025-04-08')).json();
    t.strictSame(after.dayAhead.map((p: { kw: number }) => p.kw), f.dayAhead.map((p: { kw: number }) => p.kw), 'the stored forecast is unchanged');

    // As of: the newest stored at or before the day asked for.
    t.equal((await get('/v1/accounts/acme-foods/forecast?asOf=2025-04-09')).json().asOf, '2025-04-08');
    t.equal((await get('/v1/accounts/acme-foods/forecast')).json().asOf, '2025-04-08');
    t.equal((await get('/v1/accounts/acme-foods/forecast?asOf=2025-04-07')).statusCode, 404);
    const bad = await get('/v1/accounts/acme-foods/forecast?asOf=April');
    t.equal(bad.statusCode, 400);
    t.match(bad.json(), { errors: [{ path: /asOf/ }] });
    const list = await get('/v1/accounts/acme-foods/forecasts');
    t.strictSame(list.json().forecasts.map((x: { asOf: string; id: string }) => [x.asOf, x.id]), [['2025-04-08', meta.id]]);
    t.equal((await get('/v1/accounts/acme-foods/forecasts?from=2025-04-09')).json().forecasts.length, 0);
    // Another account's rep learns nothing.
    const other = { authorization: `Bearer ${(await createApiKey(db.pool, 'rep', ['st-marys-hospital'])).key}` };
    const forbidden = await get('/v1/accounts/acme-foods/forecast', other);
    t.equal(forbidden.statusCode, 403);
    t.equal(forbidden.json().detail, 'this key may not read that account', 'nothing about the account or its forecasts');
  });
});
