import mqtt from 'mqtt';
import t from 'tap';
import { backends } from '../helpers/db.js';
import { startKeymeter, stop, tempDir } from '../helpers/cli.js';
import { eventually } from '../helpers/mqtt.js';

/**
 * `keymeter demo` end to end, as `npm start` runs it but with a week of history: the embedded database
 * and broker come up, history is there, a reading published to the embedded broker goes through the
 * real MQTT ingest path and comes back from the API, and SIGTERM stops everything with exit 0.
 */
t.test('keymeter demo', { skip: !backends().includes('embedded') && 'embedded skipped' }, async (t) => {
  const dir = await tempDir(t);
  const demo = await startKeymeter(['demo', '--history', '7d'], { KEYMETER_DATA_DIR: dir, PORT: '0' }, /demo API key \(admin\): (\S+)/);
  t.teardown(() => { if (demo.child.exitCode === null) demo.child.kill('SIGKILL'); });
  await eventually(async () => /readings\s+curl/.test(demo.output()), 10_000);
  const out = demo.output();
  const key = demo.match[1]!;
  const base = /API\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out)![1]!;
  const brokerUrl = /embedded broker (mqtt:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
  t.match(out, /accounts\s+acme-foods, st-marys-hospital \(\d+ readings of history/);
  t.match(out, /modbus\s+1 simulated SunSpec meter \(m-1002 on 127\.0\.0\.1:\d+\) polled every 60 s by the Modbus poller/);
  const auth = { authorization: `Bearer ${key}` };

  t.equal((await fetch(`${base}/readyz`)).status, 200);
  t.match(out, new RegExp(`Section 4\\s+curl -H "Authorization: Bearer ${key}" "${base}/v1/accounts/acme-foods/energy-profile"`));
  const s4 = await fetch(`${base}/v1/accounts/st-marys-hospital/energy-profile?from=${new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10)}&to=${new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10)}`, { headers: { authorization: `Bearer ${key}` } });
  t.equal(s4.status, 200, 'the Section 4 document of a demo account');
  t.ok(((await s4.json()) as { consumption: { electric: { monthly: { kwh: number }[] } } }).consumption.electric.monthly.every((m) => m.kwh > 0));
  const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const hist = await (await fetch(`${base}/v1/meters/m-2101/readings?channel=kwh_del&from=${from}&limit=500`, { headers: auth })).json() as { readings: { value: number }[] };
  t.ok(hist.readings.length >= 150, `two days of 15-minute history (${hist.readings.length} intervals; outages may leave gaps)`);
  t.ok(hist.readings.every((r) => r.value > 0), 'hospital load never drops to zero');

  // A reading through the real MQTT path: an old interval the simulator never publishes.
  const pub = await mqtt.connectAsync(brokerUrl, { clientId: `demo-test-${process.pid}`, protocolVersion: 4 });
  await pub.publishAsync('keymeter/v1/meters/m-1001/readings', JSON.stringify({ readings: [{ channel: 'kwh_del', ts: '2020-01-01T00:00:00Z', value: 42.5 }] }), { qos: 1 });
  await pub.endAsync();
  const url = `${base}/v1/meters/m-1001/readings?channel=kwh_del&from=2020-01-01T00:00:00Z&to=2020-01-01T00:15:00Z`;
  t.ok(await eventually(async () => ((await (await fetch(url, { headers: auth })).json()) as { readings: unknown[] }).readings.length === 1, 20_000));
  t.strictSame(((await (await fetch(url, { headers: auth })).json()) as { readings: unknown[] }).readings, [{ ts: '2020-01-01T00:00:00.000Z', value: 42.5, quality: 'actual' }]);

  // The demo's report schedule (src/reports): fired at start, so last month's PDF is stored.
  type Schedules = { schedules: { accountId: string; runs: { status: string; href: string }[] }[] };
  const schedules = async () => (await (await fetch(`${base}/v1/report-schedules`, { headers: auth })).json()) as Schedules;
  t.ok(await eventually(async () => (await schedules()).schedules[0]?.runs[0]?.status === 'stored', 30_000), 'the demo report is stored');
  const report = await fetch(`${base}${(await schedules()).schedules[0]!.runs[0]!.href}/file`, { headers: auth });
  t.equal(report.headers.get('content-type'), 'application/pdf');
  t.equal(Buffer.from(await report.arrayBuffer()).subarray(0, 5).toString('latin1'), '%PDF-');

  // The forecast schedule ran at start: a week of history is too short, so nothing is stored yet.
  t.match(out, new RegExp(`forecast\\s+curl -H "Authorization: Bearer ${key}" "${base}/v1/accounts/acme-foods/forecast"`));
  const forecast = await fetch(`${base}/v1/accounts/acme-foods/forecast`, { headers: auth });
  t.equal(forecast.status, 404);
  t.match(await forecast.json(), { code: 'KM_FORECAST_NOT_FOUND' });

  t.equal(await stop(demo.child, 'SIGTERM'), 0, 'SIGTERM stops the demo with exit 0');
  t.match(demo.output(), /mqtt ingest stopped/);
  t.match(demo.output(), /modbus ingest stopped/);
  t.match(demo.output(), /embedded timescaledb stopped/);

  // A second start on the same data directory prints the same admin key (no new key piles up).
  const again = await startKeymeter(['demo', '--history', '7d'], { KEYMETER_DATA_DIR: dir, PORT: '0' }, /demo API key \(admin\): (\S+) \(kept from the last start/);
  t.teardown(() => { if (again.child.exitCode === null) again.child.kill('SIGKILL'); });
  t.equal(again.match[1], key, 'the kept key');
  t.equal(await stop(again.child, 'SIGTERM'), 0);
});
