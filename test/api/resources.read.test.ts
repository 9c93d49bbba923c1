import t from 'tap';
import { eachBackend } from '../helpers/db.js';
import { buildTestApp, fixtureBundle } from '../helpers/app.js';

t.test('sites, meters, bills, tariffs and system totals', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: await fixtureBundle() });
    const rep = await keyFor('rep', ['acme-foods']);

    const site = await app.inject({ method: 'GET', url: '/v1/sites/acme-plant-1', headers: rep });
    t.equal(site.statusCode, 200);
    t.strictSame([site.json().accountId, site.json().timezone, site.json().meters.length, site.json().transformers[0].id], ['acme-foods', 'America/Chicago', 4, 't-1']);
    const meter = await app.inject({ method: 'GET', url: '/v1/meters/m-1002', headers: rep });
    t.strictSame([meter.json().siteId, meter.json().protocol, meter.json().modbus.port], ['acme-plant-1', 'modbus', 5020]);
    const bills = await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods/bills', headers: rep });
    t.strictSame(bills.json().bills.map((b: { id: string }) => b.id), ['b-2025-01', 'b-2025-02']);
    t.equal(bills.json().payments.length, 2);
    const tariff = await app.inject({ method: 'GET', url: '/v1/tariffs/sched-tou-gs3', headers: rep });
    t.equal(tariff.statusCode, 200);
    t.equal(tariff.json().name, 'TOU-GS-3 Time-of-Use General Service');
    t.equal((await app.inject({ method: 'GET', url: '/v1/tariffs/nope', headers: rep })).statusCode, 404);
    t.equal((await app.inject({ method: 'GET', url: '/v1/sites/nope', headers: admin })).statusCode, 404);

    const put = await app.inject({ method: 'PUT', url: '/v1/system-totals', headers: admin, payload: { totals: [{ month: '2025-01', kwh: 1.2e9 }, { month: '2025-02', kwh: 1.1e9 }] } });
    t.strictSame(put.json(), { months: 2, written: 2 });
    t.strictSame((await app.inject({ method: 'PUT', url: '/v1/system-totals', headers: admin, payload: { totals: [{ month: '2025-01', kwh: 1.2e9 }] } })).json(), { months: 1, written: 0 }, 'idempotent');
    const bad = await app.inject({ method: 'PUT', url: '/v1/system-totals', headers: admin, payload: { totals: [{ month: '2025-13', kwh: 1 }] } });
    t.equal(bad.statusCode, 400);
    t.strictSame(bad.json().errors, [{ path: 'totals[0].month', message: "'2025-13' is not a month YYYY-MM" }]);
    t.equal((await app.inject({ method: 'PUT', url: '/v1/system-totals', headers: rep, payload: { totals: [] } })).statusCode, 403);
    t.strictSame((await app.inject({ method: 'GET', url: '/v1/system-totals?from=2025-02', headers: rep })).json(), { totals: [{ month: '2025-02', kwh: 1.1e9 }] });
    const audit = await db.pool.query(`select action from audit_log where action = 'system_totals.put'`);
    t.equal(audit.rowCount, 2, 'an audit row for every write');
  });
});
