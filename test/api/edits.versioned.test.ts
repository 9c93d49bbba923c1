import t from 'tap';
import { insertReadings } from '../../src/db/queries/readings.js';
import { runVee } from '../../src/vee/run.js';
import { eachBackend } from '../helpers/db.js';
import { buildTestApp, fixtureBundle } from '../helpers/app.js';

const Q = 900_000;
const T0 = Date.UTC(2026, 0, 5, 10); // 2026-01-05T10:00Z, 04:00 in Chicago
const iso = (ms: number) => new Date(ms).toISOString();

t.test('POST /v1/meters/{id}/edits: versioned, audited, engineer or admin only; raw values stay retrievable', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: await fixtureBundle() });
    const ch = (await db.pool.query<{ id: number }>(`select id from channels where meter_id = 'm-1001' and kind = 'kwh_del'`)).rows[0]!.id;
    // Four readings 10:00..10:45; 11:00 missing; 11:15 present.
    await insertReadings(db.pool, { channelIds: [ch, ch, ch, ch, ch], tsMs: [0, 1, 2, 3, 5].map((i) => T0 + i * Q), values: [1, 2, 3, 4, 6], quality: [0, 0, 0, 0, 0] }, 'test');
    const version = async () => Number((await db.pool.query(`select version from channel_versions where channel_id = $1`, [ch])).rows[0].version);
    const rep = await keyFor('rep', ['acme-foods']);
    const report = await keyFor('report', ['acme-foods']);
    const engineer = await keyFor('engineer');
    const url = '/v1/meters/m-1001/edits';
    const body = { channel: 'kwh_del', from: iso(T0 + Q), to: iso(T0 + 3 * Q), reason: 'CT ratio corrected', values: [20, 30] };

    for (const [who, headers] of [['rep', rep], ['report', report]] as const) {
      const r = await app.inject({ method: 'POST', url, headers, payload: body });
      t.equal(r.statusCode, 403, `${who} may not edit`);
      t.equal(r.headers['content-type'], 'application/problem+json');
      t.equal(r.json().code, 'KM_FORBIDDEN');
    }
    t.equal((await app.inject({ method: 'POST', url, headers: rep, payload: { nonsense: true } })).statusCode, 403, 'refused before the body is validated');
    t.equal((await app.inject({ method: 'POST', url, payload: body })).statusCode, 401);

    const v0 = await version();
    const first = await app.inject({ method: 'POST', url, headers: engineer, payload: body });
    t.equal(first.statusCode, 201, first.body);
    const created = first.json();
    t.match(created, { version: 1, meterId: 'm-1001', channel: 'kwh_del', from: '2026-01-05T10:15:00Z', to: '2026-01-05T10:45:00Z', intervals: 2, reason: 'CT ratio corrected' });
    t.equal(typeof created.editId, 'number');
    t.equal(await version(), v0 + 1, 'the edit raised the channel version');
    // A second edit over 10:30..11:15 with one value: version 2, and 11:00 had no reading at all.
    const second = await app.inject({ method: 'POST', url, headers: admin, payload: { channel: 'kwh_del', from: iso(T0 + 2 * Q), to: iso(T0 + 5 * Q), reason: 'meter swap', value: 0 } });
    t.equal(second.statusCode, 201, second.body);
    t.match(second.json(), { version: 2, intervals: 3 });

    // Raw: exactly what was stored, as before edits existed.
    const raw = await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=kwh_del', headers: rep });
    t.strictSame(raw.json().readings.map((r: { value: number; quality: string }) => [r.value, r.quality]), [[1, 'actual'], [2, 'actual'], [3, 'actual'], [4, 'actual'], [6, 'actual']]);
    t.strictSame(raw.json(), (await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=kwh_del&view=raw', headers: rep })).json(), 'view=raw is the default');
    // Effective: the latest edit of each interval, the raw value beside it.
    const eff = await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=kwh_del&view=effective', headers: rep });
    t.equal(eff.statusCode, 200);
    t.strictSame(eff.json().readings, [
      { ts: iso(T0), value: 1, quality: 'actual' },
      { ts: iso(T0 + Q), value: 20, quality: 'edited', rawValue: 2, editVersion: 1 },
      { ts: iso(T0 + 2 * Q), value: 0, quality: 'edited', rawValue: 3, editVersion: 2 },
      { ts: iso(T0 + 3 * Q), value: 0, quality: 'edited', rawValue: 4, editVersion: 2 },
      { ts: iso(T0 + 4 * Q), value: 0, quality: 'edited', editVersion: 2 },
      { ts: iso(T0 + 5 * Q), value: 6, quality: 'actual' },
    ]);
    // Paging the effective view keeps the view.
    const p1 = (await app.inject({ method: 'GET', url: '/v1/meters/m-1001/readings?channel=kwh_del&view=effective&limit=4', headers: rep })).json();
    t.equal(p1.readings.length, 4);
    t.match(p1.next, /view=effective/);
    const p2 = (await app.inject({ method: 'GET', url: p1.next, headers: rep })).json();
    t.strictSame(p2.readings.map((r: { value: number }) => r.value), [0, 6]);
    t.equal(p2.next, null);

    // Every version is listed with its values, newest first; the account's rep may read them.
    const list = await app.inject({ method: 'GET', url: '/v1/meters/m-1001/edits?channel=kwh_del', headers: rep });
    t.equal(list.statusCode, 200);
    t.strictSame(list.json().edits.map((e: { version: number; values: number[]; reason: string; actor: string }) => [e.version, e.values, e.reason, e.actor.startsWith('key:')]), [
      [2, [0, 0, 0], 'meter swap', true], [1, [20, 30], 'CT ratio corrected', true],
    ]);
    const other = await keyFor('rep', ['beta']);
    t.equal((await app.inject({ method: 'GET', url: '/v1/meters/m-1001/edits', headers: other })).statusCode, 403);

    // Audited, with who, what and why.
    const audit = await db.pool.query(`select actor, action, account_id, detail from audit_log where action = 'reading_edit.create' order by id`);
    t.equal(audit.rows.length, 2);
    t.match(audit.rows[0], { action: 'reading_edit.create', account_id: 'acme-foods', detail: { meterId: 'm-1001', channel: 'kwh_del', version: 1, intervals: 2, reason: 'CT ratio corrected', from: '2026-01-05T10:15:00Z' } });
    t.match(audit.rows[1], { actor: 'key:bootstrap-admin', detail: { version: 2, reason: 'meter swap' } });

    // The raw rows themselves are untouched.
    t.strictSame((await db.pool.query(`select value from readings where channel_id = $1 order by ts`, [ch])).rows.map((r) => r.value), [1, 2, 3, 4, 6]);
  });
});

t.test('edits: bad requests name the field; unknown meters and channels are 404', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin } = await buildTestApp(db);
    t.teardown(() => app.close());
    await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: await fixtureBundle() });
    const url = '/v1/meters/m-1001/edits';
    const post = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url, headers: admin, payload: { channel: 'kwh_del', reason: 'r', from: iso(T0), to: iso(T0 + 2 * Q), ...payload } });
    const paths = async (payload: Record<string, unknown>) => {
      const r = await post(payload);
      return [r.statusCode, r.json().errors?.map((e: { path: string }) => e.path)];
    };
    t.strictSame(await paths({ value: 1, from: iso(T0 + 60_000) }), [400, ['from']], 'off the 15-minute grid');
    t.strictSame(await paths({ value: 1, to: iso(T0) }), [400, ['to']], 'to not after from');
    t.strictSame(await paths({ values: [1, 2, 3] }), [400, ['values']], 'one value per interval');
    t.strictSame(await paths({ value: 1, values: [1, 2] }), [400, ['value']], 'value or values, not both');
    t.strictSame(await paths({}), [400, ['value']], 'value or values, not neither');
    t.strictSame(await paths({ value: 1, reason: '  ' }), [400, ['reason']]);
    t.equal((await post({ value: 1, channel: 'hz' })).json().code, 'KM_NOT_FOUND', 'a kind the meter lacks');
    const wide = await post({ value: 1, from: '2026-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' });
    t.strictSame([wide.statusCode, wide.json().code], [422, 'KM_RANGE_TOO_WIDE'], 'four years of 15-minute intervals in one edit');
    t.equal((await app.inject({ method: 'POST', url: '/v1/meters/nope/edits', headers: admin, payload: { channel: 'kwh_del', reason: 'r', from: iso(T0), to: iso(T0 + Q), value: 1 } })).statusCode, 404);
    // An hourly channel of a Chicago site: its grid is local, whole hours.
    t.equal((await app.inject({ method: 'POST', url: '/v1/meters/g-2001/edits', headers: admin, payload: { channel: 'gas', reason: 'r', from: '2026-01-05T10:00:00Z', to: '2026-01-05T12:00:00Z', values: [1, 2] } })).statusCode, 201);
    t.equal((await db.pool.query(`select count(*)::int as n from reading_edits`)).rows[0].n, 1, 'nothing else was stored');
  });
});

t.test('flags and estimates in both views of GET readings', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin } = await buildTestApp(db);
    t.teardown(() => app.close());
    await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: await fixtureBundle() });
    const ch = (await db.pool.query<{ id: number }>(`select id from channels where meter_id = 'm-1002' and kind = 'kwh_del'`)).rows[0]!.id;
    // 40 readings of 10 kWh; index 20 is 100 (a spike); index 30 missing (linear estimate 10).
    const idx = Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 30);
    await insertReadings(db.pool, { channelIds: idx.map(() => ch), tsMs: idx.map((i) => T0 + i * Q), values: idx.map((i) => (i === 20 ? 100 : 10)), quality: idx.map(() => 0) }, 'test');
    await runVee(db.pool, { channelId: ch, fromMs: T0, toMs: T0 + 40 * Q });
    const get = (view: string) => app.inject({ method: 'GET', url: `/v1/meters/m-1002/readings?channel=kwh_del&view=${view}&from=${iso(T0 + 20 * Q)}&to=${iso(T0 + 32 * Q)}`, headers: admin });
    const raw = (await get('raw')).json().readings;
    t.strictSame(raw[0], { ts: iso(T0 + 20 * Q), value: 100, quality: 'actual', flags: [{ rule: 'spike', detail: { median: 10, threshold: 30 } }] });
    t.equal(raw.length, 11, 'raw: no row for the missing interval');
    t.strictSame(raw[10], { ts: iso(T0 + 31 * Q), value: 10, quality: 'actual', flags: [{ rule: 'gap', detail: { missingIntervals: 1, from: '2026-01-05T17:30:00Z' } }] });
    const eff = (await get('effective')).json().readings;
    t.equal(eff.length, 12);
    t.strictSame(eff[10], { ts: iso(T0 + 30 * Q), value: 10, quality: 'estimated', method: 'linear' });
    t.strictSame(eff[0].flags, raw[0].flags);
  });
});
