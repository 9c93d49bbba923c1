import t from 'tap';
import { demoMeterSpecs } from '../../ingest/simulate/demo-specs.js';
import { loadHistory } from '../../ingest/simulate/load-history.js';
import { AccountBundle } from '../../src/core/bundle/schema.js';
import { importBundle } from '../../src/db/bundle-store.js';
import { eachBackend } from '../helpers/db.js';
import { buildTestApp, fixtureBundle } from '../helpers/app.js';

/**
 * A site with an outdoor-temperature channel (`temp`, °C): the forecast reads it for its change-point
 * terms (issue 9: "when the site has a temperature channel, use it"), with persistence for the target
 * day; the Green Button export leaves it out. Simulated summer data: the simulator's cooling load follows
 * the same day-to-day weather as its temperature.
 */
const NOW = Date.UTC(2025, 7, 10, 12);
const DAY = 86_400_000;

t.test('the forecast uses the site temperature channel', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin } = await buildTestApp(db);
    t.teardown(() => app.close());
    const bundle = await fixtureBundle();
    const meter = bundle.sites[0].meters.find((m: { id: string }) => m.id === 'm-1001');
    meter.channels.push({ kind: 'temp', intervalMinutes: 60 });
    await importBundle(db, bundle, 'test');
    const specs = demoMeterSpecs(AccountBundle.parse(bundle))
      .filter((s) => s.commodity === 'electric')
      .map((s) => ({ ...s, channels: s.channels.filter((c) => c.kind === 'kwh_del' || c.kind === 'temp') }));
    await loadHistory(db.pool, db.log, specs, NOW, 70 * DAY);
    const temps = await db.pool.query<{ min: number; max: number; n: number }>(
      `select min(value) as min, max(value) as max, count(*)::int as n from readings r join channels c on c.id = r.channel_id where c.kind = 'temp'`);
    t.ok(temps.rows[0]!.n > 1600 && temps.rows[0]!.min > 0 && temps.rows[0]!.max < 45, `hourly summer temperatures stored (${JSON.stringify(temps.rows[0])})`);

    const made = await app.inject({ method: 'POST', url: '/v1/accounts/acme-foods/forecasts', headers: admin, payload: { asOf: '2025-08-08' } });
    t.equal(made.statusCode, 201, made.body);
    // The injected app's clock is the real one; 2025-08-08 has ended.
    const f = (await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods/forecast?asOf=2025-08-08', headers: admin })).json();
    t.equal(f.temperatureMeterId, 'm-1001');
    t.equal(f.detail.dayAhead.weather, 'persistence', 'the model had a temperature series, the target day by persistence');
    const s4 = (await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods/energy-profile?from=2025-06-01&to=2025-08-08', headers: admin })).json();
    t.match(s4.forecast.model.temperature, { meterId: 'm-1001', used: Boolean, weather: 'persistence' });
    t.equal(s4.forecast.model.temperature.used, f.detail.dayAhead.temperature !== null, 'used: the temperature terms survived validation');

    const gb = await app.inject({ method: 'GET', url: '/v1/meters/m-1001/greenbutton', headers: admin });
    t.equal(gb.statusCode, 200);
    t.equal((gb.body.match(/<MeterReading\b/g) ?? []).length, 1, 'only kWh: the temperature is not usage');
  });
});
