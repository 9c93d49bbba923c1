import t from 'tap';
import { negotiateEnergyProfileType } from '../../src/api/routes/energy-profile.js';
import { insertReadings } from '../../src/db/queries/readings.js';
import { section4Csv } from '../../src/section4/render-csv.js';
import { section4Html } from '../../src/section4/render-html.js';
import { buildTestApp } from '../helpers/app.js';
import { eachBackend } from '../helpers/db.js';

t.test('Accept picks the representation (RFC 9110 §12.5.1)', async (t) => {
  const cases: [string | undefined, string | null][] = [
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*', 'application/json'],
    ['application/json', 'application/json'],
    ['application/*', 'application/json'],
    ['text/csv', 'text/csv'],
    ['TEXT/CSV; charset=utf-8', 'text/csv'],
    ['text/html', 'text/html'],
    ['text/*', 'text/csv'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html'],
    ['application/json;q=0.5, text/csv', 'text/csv'],
    ['text/csv;q=0.2, text/html;q=0.9', 'text/html'],
    ['*/*;q=0.1, application/json;q=0', 'text/csv'],
    ['text/*, text/csv;q=0', 'text/html'],
    ['application/xml', null],
    ['text/csv;q=0', null],
    ['image/png, text/plain', null],
    ['garbage', null],
    ['text/csv;q=2', null],
  ];
  for (const [accept, want] of cases) t.equal(negotiateEnergyProfileType(accept), want, String(accept));
});

t.test('GET energy-profile as JSON, CSV and HTML; 406 for anything else', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    const put = await app.inject({
      method: 'PUT', url: '/v1/accounts/small/bundle', headers: admin,
      payload: {
        id: 'small', name: '<script>alert("x")</script>, =cmd', facilityCosts: [{ year: 2026, totalUsd: 100000 }],
        sites: [{
          id: 'small-1', name: 'Shop', timezone: 'UTC',
          meters: [{ id: 'm', channels: [{ kind: 'kwh_del' }, { kind: 'kvarh_del' }] }],
          supplyPath: [{ id: 'sub', kind: 'substation' }, { id: 'm', kind: 'meter', from: 'sub' }],
        }],
      },
    });
    t.equal(put.statusCode, 201);
    const ch = await db.pool.query<{ id: number; kind: string }>(`select id, kind from channels where meter_id = 'm'`);
    const kwh = ch.rows.find((r) => r.kind === 'kwh_del')!.id;
    const ts = Array.from({ length: 96 }, (_, i) => Date.UTC(2026, 0, 1) + i * 900_000);
    await insertReadings(db.pool, { channelIds: ts.map(() => kwh), tsMs: ts, values: ts.map(() => 10), quality: ts.map(() => 0) }, 'test');

    const url = '/v1/accounts/small/energy-profile?from=2026-01-01&to=2026-01-31';
    const rep = await keyFor('rep', ['small']);
    const get = (accept?: string, headers: Record<string, string> = rep) =>
      app.inject({ method: 'GET', url, headers: accept === undefined ? headers : { ...headers, accept } });

    const json = await get();
    t.equal(json.statusCode, 200);
    t.equal(json.headers['content-type'], 'application/json; charset=utf-8');
    t.equal(json.headers.vary, 'Accept');
    const doc = json.json();
    t.strictSame(doc.consumption.electric.monthly, [{ month: '2026-01', kwh: 960, peakKw: 40, peakAt: '2026-01-01T00:00:00Z', completeness: 0.0323, estimatedShare: 0 }]);
    for (const accept of ['application/json', '*/*', 'application/json, text/csv;q=0.5']) {
      const r = await get(accept);
      t.equal(r.statusCode, 200, accept);
      t.equal(r.headers['content-type'], 'application/json; charset=utf-8', accept);
      t.equal(r.body, json.body, `${accept}: the same document`);
    }

    const csv = await get('text/csv');
    t.equal(csv.statusCode, 200);
    t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    t.equal(csv.headers['content-disposition'], 'attachment; filename="small-section4-2026-01-01-2026-01-31.csv"');
    t.equal(csv.headers.vary, 'Accept');
    t.equal(csv.body, section4Csv(doc), 'the CSV of the same document');
    t.match(csv.body, '# consumption.electric.monthly\r\nmonth,kwh,peakKw,peakAt,completeness,estimatedShare\r\n2026-01,960,40,2026-01-01T00:00:00Z,0.0323,0\r\n');
    t.match(csv.body, `# account\r\nid,name,segment\r\nsmall,"<script>alert(""x"")</script>, =cmd",\r\n`);

    const html = await get('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
    t.equal(html.statusCode, 200);
    t.equal(html.headers['content-type'], 'text/html; charset=utf-8');
    t.equal(html.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'");
    t.equal(html.body, section4Html(doc), 'the page of the same document');
    t.notMatch(html.body, /<script/i);
    t.match(html.body, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;, =cmd');

    for (const accept of ['application/xml', 'text/csv;q=0', 'image/png']) {
      const r = await get(accept);
      t.equal(r.statusCode, 406, accept);
      t.match(r.headers['content-type'], /^application\/problem\+json/, accept);
      t.match(r.json(), { type: '/problems/not-acceptable', status: 406, code: 'KM_NOT_ACCEPTABLE', title: 'No acceptable representation' }, accept);
    }

    // Access and validation come before negotiation; errors are problem documents whatever Accept says.
    const other = await get('text/csv', await keyFor('rep', ['someone-else']));
    t.equal(other.statusCode, 403);
    t.match(other.headers['content-type'], /^application\/problem\+json/);
    const bad = await app.inject({ method: 'GET', url: '/v1/accounts/small/energy-profile?from=2026-02-30', headers: { ...admin, accept: 'text/html' } });
    t.equal(bad.statusCode, 400);
    t.equal((await app.inject({ method: 'GET', url: '/v1/accounts/nope/energy-profile', headers: { ...admin, accept: 'text/csv' } })).statusCode, 404);
  });
});
