import t from 'tap';
import { insertReadings } from '../../src/db/queries/readings.js';
import { eachBackend, type TestDb } from '../helpers/db.js';
import { buildTestApp } from '../helpers/app.js';

/**
 * The Section 4 document of a small account whose figures are worked by hand here:
 * one UTC site, meter m with kWh and kvarh every 15 minutes for the first two days of January 2026,
 * 10 kWh and 5 kvarh each, except one interval of 20 kWh (the peak) at 2026-01-01T12:00Z.
 *   month kWh = 191 x 10 + 20 = 1,930; peak kW = 20 x 60 / 15 = 80 at 12:00Z
 *   completeness = 192 / (31 x 96 = 2,976) = 0.064516 -> 0.0645
 *   load factor = kWh / (peak kW x hours present) = 1,930 / (80 x 48) = 0.5026 (gaps are not load)
 *   power factor = 1,930 / sqrt(1,930^2 + 960^2) = 1,930 / 2,155.55 = 0.8954 (lagging: kvarh delivered)
 *   PF at peak = 20 / sqrt(20^2 + 5^2) = 20 / 20.6155 = 0.9701
 *   intervals below 0.90: every 10/5 interval (PF 0.8944), 191 of 192 -> 0.9948
 *   transformer 100 kVA: peak kVA = sqrt(80^2 + 20^2) = 82.4621 -> 82.46 %; no hour above 100 %
 */
async function setup(db: TestDb, admin: Record<string, string>, app: Awaited<ReturnType<typeof buildTestApp>>['app']) {
  await app.inject({
    method: 'PUT', url: '/v1/accounts/small/bundle', headers: admin,
    payload: {
      id: 'small', name: 'Small Co', facilityCosts: [{ year: 2026, totalUsd: 100000 }],
      sites: [{
        id: 'small-1', name: 'Shop', timezone: 'UTC',
        meters: [{ id: 'm', channels: [{ kind: 'kwh_del' }, { kind: 'kvarh_del' }] }],
        transformers: [{ id: 't', kva: 100, meterIds: ['m'], maintenanceIntervalMonths: 12, maintenance: [{ date: '2025-01-31', kind: 'inspection' }] }],
        supplyPath: [{ id: 'sub', kind: 'substation' }, { id: 't', kind: 'transformer', from: 'sub' }, { id: 'm', kind: 'meter', from: 't' }],
      }],
      bills: [{ id: 'b1', periodStart: '2026-01-01', periodEnd: '2026-01-31', amountUsd: 250, issuedOn: '2026-02-02', dueOn: '2026-02-20' }],
      payments: [{ billId: 'b1', paidOn: '2026-02-25', amountUsd: 250 }],
    },
  });
  const ch = await db.pool.query<{ id: number; kind: string }>(`select id, kind from channels where meter_id = 'm'`);
  const id = (k: string) => ch.rows.find((r) => r.kind === k)!.id;
  const t0 = Date.UTC(2026, 0, 1);
  const ts = Array.from({ length: 192 }, (_, i) => t0 + i * 900_000);
  await insertReadings(db.pool, { channelIds: ts.map(() => id('kwh_del')), tsMs: ts, values: ts.map((x) => (x === Date.UTC(2026, 0, 1, 12) ? 20 : 10)), quality: ts.map(() => 0) }, 'test');
  await insertReadings(db.pool, { channelIds: ts.map(() => id('kvarh_del')), tsMs: ts, values: ts.map(() => 5), quality: ts.map(() => 0) }, 'test');
}

t.test('the Section 4 document of a small account, worked by hand', async (t) => {
  const docs: unknown[] = [];
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    await setup(db, admin, app);
    const res = await app.inject({ method: 'GET', url: '/v1/accounts/small/energy-profile?from=2026-01-01&to=2026-01-31', headers: await keyFor('rep', ['small']) });
    t.equal(res.statusCode, 200);
    const d = res.json();
    t.strictSame(d.period, { from: '2026-01-01', to: '2026-01-31', timezone: 'UTC' });
    t.strictSame(d.consumption.electric.monthly, [{ month: '2026-01', kwh: 1930, peakKw: 80, peakAt: '2026-01-01T12:00:00Z', completeness: 0.0645, estimatedShare: 0 }]);
    t.strictSame(d.factors.monthly, [{ month: '2026-01', loadFactor: 0.5026, powerFactor: 0.8954, direction: 'lagging', powerFactorAtPeak: 0.9701, belowThresholdShare: 0.9948, completeness: 0.0645 }]);
    t.strictSame(d.consumption.electric.daily.slice(0, 3), [{ date: '2026-01-01', kwh: 970, completeness: 1, estimatedShare: 0 }, { date: '2026-01-02', kwh: 960, completeness: 1, estimatedShare: 0 }, { date: '2026-01-03', kwh: null, completeness: 0, estimatedShare: 0 }], 'a day without data is null, not 0');
    const tr = d.transformers[0];
    t.strictSame({ peakLoadPct: tr.peakLoadPct, peakAt: tr.peakAt, hoursOverloaded: tr.hoursOverloaded, maintenance: tr.maintenance },
      { peakLoadPct: 82.46, peakAt: '2026-01-01T12:00:00Z', hoursOverloaded: 0, maintenance: { last: { date: '2025-01-31', kind: 'inspection', result: null }, nextDue: '2026-01-31', overdue: true } });
    t.strictSame(d.energyCostShare.annual, [{ year: 2026, energyCostUsd: 250, facilityCostUsd: 100000, share: 0.0025 }]);
    t.strictSame({ avg: d.billing.averageDaysToPay, late: d.billing.latePayments }, { avg: 23, late: 1 }, 'issued 02-02, paid 02-25: 23 days, after the 02-20 due date');
    t.strictSame(d.oneLine.edges, [{ from: 'sub', to: 't' }, { from: 't', to: 'm' }]);
    t.strictSame(d.forecast, { status: 'not enough interval data for a forecast (at least 28 days, half of them present)' }, 'two days of data make no forecast');
    t.match(d.rateComparison, { siteId: null, status: 'no tariffs', tariffs: [], billReconstruction: null });
    t.strictSame(d.consumption.gas, { status: 'no gas interval data', monthly: [] });
    docs.push(d);
    if (docs.length === 2) t.strictSame(docs[1], docs[0], 'both databases give the same document');
    const bad = await app.inject({ method: 'GET', url: '/v1/accounts/small/energy-profile?from=2026-02-30', headers: admin });
    t.equal(bad.statusCode, 400);
    t.equal((await app.inject({ method: 'GET', url: '/v1/accounts/nope/energy-profile', headers: admin })).statusCode, 404);
  });
});
