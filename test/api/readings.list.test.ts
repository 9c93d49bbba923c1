import t from 'tap';
import { insertReadings } from '../../src/db/queries/readings.js';
import { insertDeadLetters } from '../../src/db/queries/ingest.js';
import { eachBackend } from '../helpers/db.js';
import { buildTestApp, fixtureBundle } from '../helpers/app.js';

t.test('GET /v1/meters/{meterId}/readings', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: await fixtureBundle() });
    await app.inject({ method: 'PUT', url: '/v1/accounts/beta/bundle', headers: admin, payload: { id: 'beta', name: 'B' } });
    const id = (await db.pool.query<{ id: number }>(`select id from channels where meter_id = 'm-1001' and kind = 'kwh_del'`)).rows[0]!.id;
    const t0 = Date.UTC(2026, 0, 5, 10);
    await insertReadings(db.pool, { channelIds: [id, id, id, id, id], tsMs: [0, 1, 2, 3, 4].map((i) => t0 + i * 900_000), values: [1, 2, 3, 4, 5], quality: [0, 0, 1, 0, 0] }, 'test');
    const rep = await keyFor('rep', ['acme-foods']);

    const page1 = await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=kwh_del&from=2026-01-05T10:15:00Z&to=2026-01-05T11:00:00%2B00:00&limit=2', headers: rep });
    t.equal(page1.statusCode, 200);
    t.strictSame(page1.json(), {
      meterId: 'm-1001', channel: 'kwh_del', unit: 'kWh', intervalMinutes: 15,
      readings: [{ ts: '2026-01-05T10:15:00.000Z', value: 2, quality: 'actual' }, { ts: '2026-01-05T10:30:00.000Z', value: 3, quality: 'estimated' }],
      next: '/v1/meters/m-1001/readings?channel=kwh_del&from=2026-01-05T10%3A30%3A00.001Z&limit=2&to=2026-01-05T11%3A00%3A00%2B00%3A00',
    });
    const page2 = await app.inject({ method: 'GET', url: page1.json().next, headers: rep });
    t.strictSame(page2.json().readings, [{ ts: '2026-01-05T10:45:00.000Z', value: 4, quality: 'actual' }], 'to is exclusive: 11:00 is not included');
    t.equal(page2.json().next, null);
    const all = await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=kwh_del&limit=999999', headers: rep });
    t.equal(all.json().readings.length, 5, 'limit above 100,000 is capped, not refused');
    const local = await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=kwh_del&from=2026-01-05T04:30:00-06:00', headers: rep });
    t.strictSame(local.json().readings.map((r: { value: number }) => r.value), [3, 4, 5], 'offsets are honoured (04:30-06:00 = 10:30Z)');

    const bad = await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=kwh_del&from=2026-01-05', headers: rep });
    t.equal(bad.statusCode, 400);
    t.strictSame(bad.json().errors.map((e: { path: string }) => e.path), ['querystring.from']);
    t.equal((await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=volts', headers: rep })).statusCode, 400);
    t.equal((await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=hz', headers: rep })).json().code, 'KM_NOT_FOUND', 'a kind the meter lacks');
    t.equal((await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=kwh_del' })).statusCode, 401);
    const other = await keyFor('rep', ['beta']);
    t.equal((await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=kwh_del', headers: other })).statusCode, 403);
    t.equal((await app.inject({ method: 'GET', url: '/v1/meters/nope/readings?channel=kwh_del', headers: other })).statusCode, 403, 'a rep cannot probe meter ids');
    t.equal((await app.inject({ method: 'GET', url: '/v1/meters/nope/readings?channel=kwh_del', headers: admin })).statusCode, 404);
  });
});

t.test('GET /v1/dead-letters (admin)', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    const at = (iso: string) => Date.parse(iso);
    await insertDeadLetters(db.pool, [
      { receivedAtMs: at('2026-01-05T10:00:00Z'), source: 'mqtt', topicOrUnit: 'keymeter/v1/meters/m-1/readings', meterId: 'm-1', payload: Buffer.from('{"readings": ['), payloadTruncated: false, code: 'KM_INGEST_BAD_JSON', detail: 'Unexpected end of JSON input' },
      { receivedAtMs: at('2026-01-05T11:00:00Z'), source: 'mqtt', topicOrUnit: 'keymeter/v1/meters/m-2/readings', meterId: 'm-2', payload: Buffer.from([0xff, 0xfe]), payloadTruncated: true, code: 'KM_INGEST_BAD_JSON', detail: 'not UTF-8' },
      { receivedAtMs: at('2026-01-05T12:00:00Z'), source: 'mqtt', topicOrUnit: 'keymeter/v1/meters/m-1/readings', meterId: 'm-1', payload: null, payloadTruncated: false, code: 'KM_INGEST_OFF_GRID', detail: 'readings[0].ts: off grid' },
    ]);
    const all = await app.inject({ method: 'GET', url: '/v1/dead-letters', headers: admin });
    t.equal(all.statusCode, 200);
    t.strictSame(all.json().deadLetters.map((d: { code: string; meterId: string }) => [d.meterId, d.code]), [['m-1', 'KM_INGEST_OFF_GRID'], ['m-2', 'KM_INGEST_BAD_JSON'], ['m-1', 'KM_INGEST_BAD_JSON']], 'newest first');
    const binary = all.json().deadLetters[1];
    t.strictSame({ payload: binary.payload, payloadEncoding: binary.payloadEncoding, payloadTruncated: binary.payloadTruncated }, { payload: '//4=', payloadEncoding: 'base64', payloadTruncated: true });
    const m1 = await app.inject({ method: 'GET', url: '/v1/dead-letters?meter=m-1&from=2026-01-05T09:00:00Z&to=2026-01-05T11:30:00Z', headers: admin });
    t.strictSame(m1.json().deadLetters.map((d: { detail: string; payload: string }) => [d.detail, d.payload]), [['Unexpected end of JSON input', '{"readings": [']]);
    const p1 = await app.inject({ method: 'GET', url: '/v1/dead-letters?limit=2', headers: admin });
    t.equal(p1.json().deadLetters.length, 2);
    const p2 = await app.inject({ method: 'GET', url: p1.json().next, headers: admin });
    t.strictSame(p2.json().deadLetters.map((d: { meterId: string }) => d.meterId), ['m-1']);
    t.equal(p2.json().next, null);
    t.equal((await app.inject({ method: 'GET', url: '/v1/dead-letters', headers: await keyFor('engineer') })).statusCode, 403, 'admin only');
    t.equal((await app.inject({ method: 'GET', url: '/v1/dead-letters' })).statusCode, 401);
  });
});
