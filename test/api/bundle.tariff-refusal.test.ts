import t from 'tap';
import { eachBackend } from '../helpers/db.js';
import { buildTestApp, fixtureBundle } from '../helpers/app.js';

/**
 * PUT /v1/accounts/{id}/bundle runs every `tariffs[].urdb` through the tariff engine: a rate the engine
 * cannot bill is a 422 KM_TARIFF_UNSUPPORTED, a malformed one a 400 KM_BUNDLE_INVALID, each naming the
 * JSON path of the field, and either way nothing is stored. A site's `holidays` must name a calendar.
 */
t.test('tariffs and holiday calendars are checked at import; a refused bundle stores nothing', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin } = await buildTestApp(db);
    t.teardown(() => app.close());
    const put = async (bundle: Record<string, any>) => app.inject({ method: 'PUT', url: `/v1/accounts/${bundle.id}/bundle`, headers: admin, payload: bundle });

    // sched-tou-gs3 (tariffs[1]) with an energy tier unit the engine does not bill, in period 1.
    const unsupported = await fixtureBundle();
    unsupported.tariffs[1].urdb.energyratestructure[1] = [{ rate: 0.28, max: 500, unit: 'kWh/kW daily' }, { rate: 0.2, unit: 'kWh/kW daily' }];
    const r1 = await put(unsupported);
    t.equal(r1.statusCode, 422, r1.body);
    t.equal(r1.headers['content-type'], 'application/problem+json');
    const p1 = r1.json();
    t.equal(p1.code, 'KM_TARIFF_UNSUPPORTED');
    t.equal(p1.type, '/problems/tariff-unsupported');
    t.strictSame(p1.errors.map((e: { path: string }) => e.path), ['tariffs[1].urdb.energyratestructure[1][0].unit', 'tariffs[1].urdb.energyratestructure[1][1].unit']);
    t.match(p1.detail, "tariffs[1].urdb.energyratestructure[1][0].unit: unit 'kWh/kW daily' is not supported");

    // A malformed rate (a schedule naming a period that does not exist) beside an unsupported one: 400, both named.
    const malformed = await fixtureBundle();
    malformed.tariffs[0].urdb.energyweekdayschedule[6][17] = 7;
    malformed.tariffs[1].urdb.demandrateunit = 'kVA';
    const r2 = await put(malformed);
    t.equal(r2.statusCode, 400, r2.body);
    t.equal(r2.json().code, 'KM_BUNDLE_INVALID');
    t.strictSame(r2.json().errors.map((e: { path: string }) => e.path), ['tariffs[0].urdb.energyweekdayschedule[6][17]', 'tariffs[1].urdb.demandrateunit']);

    // A holiday calendar date-holidays does not know; and one that is not a code at all (schema).
    const holidays = await fixtureBundle();
    holidays.sites[0].holidays = 'US-ZZ';
    const r3 = await put(holidays);
    t.equal(r3.statusCode, 400);
    t.strictSame(r3.json().errors, [{ path: 'sites[0].holidays', message: `no public-holiday calendar 'US-ZZ' (ISO 3166 country, optionally with a subdivision: "US", "US-NY")` }]);
    holidays.sites[0].holidays = 'united states';
    const r4 = await put(holidays);
    t.equal(r4.statusCode, 400);
    t.match(r4.json().errors, [{ path: 'sites[0].holidays' }]);

    // Nothing of the refused bundles was stored.
    t.equal((await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods', headers: admin })).statusCode, 404);
    t.equal((await db.pool.query(`select count(*)::int as n from tariffs`)).rows[0].n, 0, 'no tariff row either');

    // The fixture itself is accepted, with its holiday calendar kept.
    const ok = await put(await fixtureBundle());
    t.equal(ok.statusCode, 201, ok.body);
    const stored = (await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods/bundle', headers: admin })).json();
    t.equal(stored.sites[0].holidays, 'US');
  });
});
