import t from 'tap';
import { defaultPeriod } from '../../src/core/period.js';
import { withTransaction } from '../../src/db/pool.js';
import { localToday } from '../../src/section4/build.js';
import { insertReadings } from '../../src/db/queries/readings.js';
import { upsertTariffs } from '../../src/db/queries/tariffs.js';
import { eachBackend, type TestDb } from '../helpers/db.js';
import { buildTestApp } from '../helpers/app.js';

/**
 * GET /v1/accounts/{id}/rate-comparison and the Section 4 summary of an account worked by hand here.
 * One UTC site with the US public holidays, meter m every 15 minutes through January 2026 at 10 kWh
 * (40 kW), except 20 kWh (80 kW) on Fri 2026-01-02 12:00Z; nothing in February:
 *   January kWh = 2,975 x 10 + 20 = 29,770.
 * Tariffs:
 *   flat (the bundle's, current): $0.10/kWh, $10/kW flat demand, $25/month
 *     January 29,770 x 0.10 + 80 x 10 + 25 = 2,977 + 800 + 25 = 3,802; February (no data) 25; total 3,827.
 *   lib-tou (the tariff library): $0.10/kWh on weekdays, $0.05 on weekends and holidays, nothing else.
 *     January 2026 has 9 weekend days (3, 4, 10, 11, 17, 18, 24, 25, 31) and 2 US public holidays on
 *     weekdays (Thu 01-01 New Year's Day, Mon 01-19 Martin Luther King Jr. Day): 11 x 96 x 10 = 10,560 kWh
 *     x 0.05 = 528; the other 20 days 20 x 960 + 10 = 19,210 kWh x 0.10 = 1,921; total 2,449.
 *   nowhere: named as a candidate, stored nowhere.
 *   cheapest lib-tou, savings 3,827 - 2,449 = 1,378.
 * Bills: b-jan (01-01..01-31, $3,800): computed 3,802, +2 = +0.0526 % -> within 0.4 %;
 *        b-feb (02-01..02-28, $3,500): computed 25 (no data), -99.286 %; b-dec (2025-12): outside the period.
 */
const FLAT = {
  name: 'Flat', utility: 'Example Electric',
  energyratestructure: [[{ rate: 0.1, unit: 'kWh' }]],
  energyweekdayschedule: Array.from({ length: 12 }, () => new Array<number>(24).fill(0)),
  energyweekendschedule: Array.from({ length: 12 }, () => new Array<number>(24).fill(0)),
  flatdemandstructure: [[{ rate: 10 }]], flatdemandmonths: new Array<number>(12).fill(0),
  fixedchargefirstmeter: 25, fixedchargeunits: '$/month',
};
const tou = (weekendRate: number) => ({
  name: 'TOU', utility: 'Example Electric',
  energyratestructure: [[{ rate: 0.1 }], [{ rate: weekendRate }]],
  energyweekdayschedule: Array.from({ length: 12 }, () => new Array<number>(24).fill(0)),
  energyweekendschedule: Array.from({ length: 12 }, () => new Array<number>(24).fill(1)),
});

async function setup(db: TestDb, app: Awaited<ReturnType<typeof buildTestApp>>): Promise<void> {
  const put = await app.app.inject({
    method: 'PUT', url: '/v1/accounts/rc/bundle', headers: app.admin,
    payload: {
      id: 'rc', name: 'Rate Co',
      tariffs: [{ id: 'flat', urdb: FLAT }],
      sites: [{
        id: 'rc-1', name: 'Works', timezone: 'UTC', holidays: 'US', currentTariff: 'flat', candidateTariffs: ['lib-tou', 'nowhere'],
        meters: [{ id: 'rc-m', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }] }],
      }],
      bills: [
        { id: 'b-dec', periodStart: '2025-12-01', periodEnd: '2025-12-31', amountUsd: 3700 },
        { id: 'b-jan', siteId: 'rc-1', periodStart: '2026-01-01', periodEnd: '2026-01-31', amountUsd: 3800, kwh: 29770, peakKw: 80 },
        { id: 'b-feb', periodStart: '2026-02-01', periodEnd: '2026-02-28', amountUsd: 3500 },
      ],
    },
  });
  if (put.statusCode !== 201) throw new Error(`PUT bundle: ${put.statusCode} ${put.body}`);
  await withTransaction(db.pool, (c) => upsertTariffs(c, [{ id: 'lib-tou', name: 'TOU', utility: 'Example Electric', urdb: tou(0.05) }]));
  const ch = await db.pool.query<{ id: number }>(`select id from channels where meter_id = 'rc-m'`);
  const t0 = Date.UTC(2026, 0, 1);
  const ts = Array.from({ length: 31 * 96 }, (_, i) => t0 + i * 900_000);
  await insertReadings(db.pool, { channelIds: ts.map(() => ch.rows[0]!.id), tsMs: ts, values: ts.map((x) => (x === Date.UTC(2026, 0, 2, 12) ? 20 : 10)), quality: ts.map(() => 0) }, 'test');
}

const URL = '/v1/accounts/rc/rate-comparison?from=2026-01-01&to=2026-02-28';

t.test('the rate comparison and the bill reconstruction of a small account, worked by hand', async (t) => {
  const docs: unknown[] = [];
  eachBackend(t, async (t, db) => {
    const app = await buildTestApp(db);
    t.teardown(() => app.app.close());
    await setup(db, app);

    const res = await app.app.inject({ method: 'GET', url: URL, headers: await app.keyFor('rep', ['rc']) });
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    const d = res.json();
    t.strictSame(d.account, { id: 'rc', name: 'Rate Co' });
    t.strictSame(d.period, { from: '2026-01-01', to: '2026-02-28', timezone: 'UTC' });
    t.equal(d.sites.length, 1);
    const s = d.sites[0];
    t.match(s, {
      siteId: 'rc-1', timezone: 'UTC', holidays: 'US', meters: ['rc-m'], intervalMinutes: 15,
      current: 'flat', cheapest: 'lib-tou', savingsUsd: 1378, months: ['2026-01', '2026-02'], incompleteMonths: ['2026-02'],
    });
    t.strictSame(s.holidayDates, ['2026-01-01', '2026-01-19', '2026-02-16'], 'New Year, MLK Day, Washington\'s Birthday');
    t.strictSame(s.tariffs.map((x: any) => [x.id, x.source, x.totalUsd, x.monthly.map((m: any) => m.totalUsd)]),
      [['flat', 'bundle', 3827, [3802, 25]], ['lib-tou', 'library', 2449, [2449, 0]]]);
    const [flatJan, flatFeb] = s.tariffs[0].monthly;
    t.strictSame(flatJan, {
      month: '2026-01', start: '2026-01-01', end: '2026-01-31', days: 31, expectedIntervals: 2976, presentIntervals: 2976, completeness: 1, complete: true,
      kwh: 29770, peakKw: 80, energyUsd: 2977, demandUsd: 800, demandFlatUsd: 800, demandTouUsd: 0, demandCoincidentUsd: 0, fixedUsd: 25,
      minChargeAdjustmentUsd: 0, totalUsd: 3802, energyPeriods: [{ period: 0, kwh: 29770, usd: 2977 }], fuelAdjustmentUsd: 0, touDemandPeriods: [],
      flatDemand: { period: 0, peakKw: 80, ratchetKw: null, ratchetHistoryPeriods: 0, billingKw: 80, usd: 800 }, coincidentDemandPeriods: [],
    });
    t.match(flatFeb, { month: '2026-02', presentIntervals: 0, completeness: 0, complete: false, kwh: null, peakKw: null, energyUsd: 0, demandUsd: 0, fixedUsd: 25, totalUsd: 25 });
    t.strictSame(s.tariffs[1].monthly[0].energyPeriods, [{ period: 0, kwh: 19210, usd: 1921 }, { period: 1, kwh: 10560, usd: 528 }], 'holidays billed on the weekend schedule');
    t.strictSame(s.unavailable, [{ id: 'nowhere', code: 'KM_NOT_FOUND', reason: "no tariff 'nowhere' in the bundle or the tariff library", issues: [] }]);

    const rec = s.billReconstruction;
    t.match(rec, { tariffId: 'flat', tolerancePct: 0.4, billsCompared: 2, billsOutsidePeriod: 1, withinTolerance: 1, maxAbsDifferencePct: 99.286, summary: '1 of 2 bills computed within 0.4% of billed' });
    t.match(rec.bills[0], { billId: 'b-jan', billedUsd: 3800, billedKwh: 29770, billedPeakKw: 80, computedUsd: 3802, differenceUsd: 2, differencePct: 0.053, withinTolerance: true, complete: true, completeness: 1 });
    t.strictSame(rec.bills[0].computed, flatJan, 'the bill period is the calendar month here, so its bill is the month');
    t.match(rec.bills[1], { billId: 'b-feb', billedUsd: 3500, billedKwh: null, computedUsd: 25, differenceUsd: -3475, differencePct: -99.286, withinTolerance: false, complete: false });

    // The Section 4 summary carries the same figures.
    const profile = await app.app.inject({ method: 'GET', url: '/v1/accounts/rc/energy-profile?from=2026-01-01&to=2026-02-28', headers: app.admin });
    t.equal(profile.statusCode, 200);
    const rc = profile.json().rateComparison;
    t.strictSame(rc, {
      siteId: 'rc-1', current: 'flat', cheapest: 'lib-tou', savingsUsd: 1378, incompleteMonths: ['2026-02'],
      tariffs: [
        { id: 'flat', name: 'Flat', totalUsd: 3827, monthly: [
          { month: '2026-01', energyUsd: 2977, demandUsd: 800, fixedUsd: 25, minChargeAdjustmentUsd: 0, totalUsd: 3802, complete: true },
          { month: '2026-02', energyUsd: 0, demandUsd: 0, fixedUsd: 25, minChargeAdjustmentUsd: 0, totalUsd: 25, complete: false },
        ] },
        { id: 'lib-tou', name: 'TOU', totalUsd: 2449, monthly: [
          { month: '2026-01', energyUsd: 2449, demandUsd: 0, fixedUsd: 0, minChargeAdjustmentUsd: 0, totalUsd: 2449, complete: true },
          { month: '2026-02', energyUsd: 0, demandUsd: 0, fixedUsd: 0, minChargeAdjustmentUsd: 0, totalUsd: 0, complete: false },
        ] },
      ],
      unavailable: [{ id: 'nowhere', code: 'KM_NOT_FOUND', reason: "no tariff 'nowhere' in the bundle or the tariff library" }],
      billReconstruction: {
        tariffId: 'flat', tolerancePct: 0.4, billsCompared: 2, withinTolerance: 1, maxAbsDifferencePct: 99.286, summary: '1 of 2 bills computed within 0.4% of billed',
        bills: [
          { billId: 'b-jan', periodStart: '2026-01-01', periodEnd: '2026-01-31', billedUsd: 3800, computedUsd: 3802, differencePct: 0.053, withinTolerance: true, complete: true },
          { billId: 'b-feb', periodStart: '2026-02-01', periodEnd: '2026-02-28', billedUsd: 3500, computedUsd: 25, differencePct: -99.286, withinTolerance: false, complete: false },
        ],
      },
      otherSites: [],
    });
    docs.push(d);
    if (docs.length === 2) t.strictSame(docs[1], docs[0], 'both databases give the same document');

    // The cached analysis is keyed by the tariffs' URDB JSON too: a re-imported library rate is billed anew.
    await withTransaction(db.pool, (c) => upsertTariffs(c, [{ id: 'lib-tou', name: 'TOU', utility: 'Example Electric', urdb: tou(0.04) }]));
    const again = (await app.app.inject({ method: 'GET', url: URL, headers: app.admin })).json();
    t.equal(again.sites[0].tariffs[1].totalUsd, 2343.4, '1,921 + 10,560 x 0.04 = 1,921 + 422.40');
    t.equal(again.sites[0].savingsUsd, 1483.6);
  });
});

t.test('period rules, problems and access as for the energy profile', async (t) => {
  eachBackend(t, async (t, db) => {
    const app = await buildTestApp(db);
    t.teardown(() => app.app.close());
    await setup(db, app);
    const bad = await app.app.inject({ method: 'GET', url: '/v1/accounts/rc/rate-comparison?from=2026-02-30', headers: app.admin });
    t.equal(bad.statusCode, 400);
    t.equal(bad.headers['content-type'], 'application/problem+json');
    t.match(bad.json(), { code: 'KM_VALIDATION', errors: [{ path: 'querystring.from' }] });
    const wide = await app.app.inject({ method: 'GET', url: '/v1/accounts/rc/rate-comparison?from=2000-01-01&to=2026-01-01', headers: app.admin });
    t.equal(wide.statusCode, 422);
    t.equal(wide.json().code, 'KM_RANGE_TOO_WIDE');
    const missing = await app.app.inject({ method: 'GET', url: '/v1/accounts/nope/rate-comparison', headers: app.admin });
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().code, 'KM_ACCOUNT_NOT_FOUND');
    const other = await app.app.inject({ method: 'GET', url: URL, headers: await app.keyFor('report', ['someone-else']) });
    t.equal(other.statusCode, 403);
    t.equal((await app.app.inject({ method: 'GET', url: URL })).statusCode, 401);
    // Default period: the 36 full months before today (the app's clock).
    const def = await app.app.inject({ method: 'GET', url: '/v1/accounts/rc/rate-comparison', headers: app.admin });
    t.equal(def.statusCode, 200);
    t.strictSame(def.json().period, { ...defaultPeriod(localToday(Date.now(), 'UTC')), timezone: 'UTC' });
  });
});
