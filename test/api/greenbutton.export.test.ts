import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { importGreenButton } from '../../ingest/files/greenbutton/import-greenbutton.js';
import { insertReadings } from '../../src/db/queries/readings.js';
import { eachBackend, type TestDb } from '../helpers/db.js';
import { buildTestApp } from '../helpers/app.js';
import { tempDir } from '../helpers/cli.js';
import { filesAccount, storedReadings, type TestMeter } from '../helpers/files.js';

const NOW_MS = Date.UTC(2026, 0, 15);
const Q = 15 * 60_000;
const H = 60 * 60_000;

/** Every channel kind Keymeter has, on two electric meters, plus gas in ccf and water in gal. */
function meters(suffix: string): TestMeter[] {
  return [
    {
      id: `elec${suffix}`, timezone: 'America/Chicago', channels: [
        { kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'kwh_rec', intervalMinutes: 15 }, { kind: 'kvarh_del', intervalMinutes: 15 },
        { kind: 'kvarh_rec', intervalMinutes: 15 }, { kind: 'kw', intervalMinutes: 15 }, { kind: 'kvar', intervalMinutes: 15 },
        { kind: 'pf', intervalMinutes: 15 }, { kind: 'hz', intervalMinutes: 5 },
      ],
    },
    {
      id: `pq${suffix}`, timezone: 'Asia/Kolkata', channels: [
        { kind: 'v_a', intervalMinutes: 10 }, { kind: 'v_b', intervalMinutes: 10 }, { kind: 'v_c', intervalMinutes: 10 },
        { kind: 'i_a', intervalMinutes: 10 }, { kind: 'i_b', intervalMinutes: 10 }, { kind: 'i_c', intervalMinutes: 10 },
        { kind: 'thd_v_a', intervalMinutes: 10 }, { kind: 'thd_v_b', intervalMinutes: 10 }, { kind: 'thd_v_c', intervalMinutes: 10 },
      ],
    },
    { id: `gas${suffix}`, timezone: 'America/Chicago', commodity: 'gas', channels: [{ kind: 'gas', intervalMinutes: 60, unit: 'ccf' }] },
    { id: `water${suffix}`, timezone: 'Europe/Paris', commodity: 'water', channels: [{ kind: 'water', intervalMinutes: 60, unit: 'gal' }] },
  ];
}

/** Deterministic values with up to 6 decimals (what a meter or a head-end sends), signs and zeros included. */
function valueFor(kind: string, i: number): number {
  const base: Record<string, number> = { kwh_del: 12.345, kwh_rec: 0.25, kvarh_del: 3.5, kvarh_rec: 0.001, kw: 49.38, kvar: -12.75, pf: 0.953, hz: 59.998,
    v_a: 277.1, v_b: 276.85, v_c: 278.003, i_a: 101.2, i_b: 99.75, i_c: 100.125, thd_v_a: 2.1, thd_v_b: 2.35, thd_v_c: 1.875, gas: 1.234567, water: 88 };
  return i % 17 === 3 ? 0 : Number((base[kind]! * (1 + ((i * 7) % 11) / 100)).toFixed(6));
}

async function fill(db: TestDb, meterId: string, fromMs: number, toMs: number): Promise<number> {
  const chans = await db.pool.query<{ id: number; kind: string; interval_minutes: number }>(`select id, kind, interval_minutes from channels where meter_id = $1`, [meterId]);
  let n = 0;
  for (const c of chans.rows) {
    const step = c.interval_minutes * 60_000;
    const ts: number[] = [];
    for (let tMs = fromMs; tMs < toMs; tMs += step) ts.push(tMs);
    await insertReadings(db.pool, {
      channelIds: ts.map(() => c.id), tsMs: ts, values: ts.map((_, i) => valueFor(c.kind, i)), quality: ts.map((_, i) => (i % 9 === 4 ? 1 : 0)),
    }, 'test');
    n += ts.length;
  }
  return n;
}

t.test('the Green Button export reads back to the same readings (round trip), every channel kind', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin } = await buildTestApp(db);
    t.teardown(() => app.close());
    await filesAccount(db, meters(''), 'source');
    await filesAccount(db, meters('-copy'), 'copy');
    // Nine days across the fall-back changes of Paris (2025-10-26) and Chicago (2025-11-02, a 25-hour day).
    const fromMs = Date.UTC(2025, 9, 26, 0, 0);
    const toMs = Date.UTC(2025, 10, 4, 0, 0);
    const dir = await tempDir(t);
    for (const m of meters('')) {
      const stored = await fill(db, m.id, fromMs, toMs);
      const res = await app.inject({ method: 'GET', url: `/v1/meters/${m.id}/greenbutton`, headers: admin });
      t.equal(res.statusCode, 200, m.id);
      t.equal(res.headers['content-type'], 'application/atom+xml; charset=utf-8');
      t.equal(res.headers['content-disposition'], `attachment; filename="${m.id}-greenbutton.xml"`);
      t.match(res.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
      const file = path.join(dir, `${m.id}.xml`);
      await writeFile(file, res.body);
      const s = await importGreenButton(db.pool, { file, meterId: `${m.id}-copy`, nowMs: NOW_MS });
      t.strictSame({ readings: s.readings, stored: s.stored, rejected: s.rejected, notes: s.notes }, { readings: stored, stored, rejected: 0, notes: [] }, `${m.id}: everything read back`);
      for (const c of m.channels) {
        t.strictSame(await storedReadings(db, `${m.id}-copy`, c.kind), await storedReadings(db, m.id, c.kind), `${m.id} ${c.kind}: same timestamps, values and quality`);
      }
    }

    // A range: `from` inclusive, `to` exclusive.
    await insertReadings(db.pool, { channelIds: [(await db.pool.query(`select id from channels where meter_id = 'elec' and kind = 'kwh_del'`)).rows[0].id], tsMs: [toMs], values: [1 / 3], quality: [0] }, 'test');
    const part = await app.inject({ method: 'GET', url: `/v1/meters/elec/greenbutton?from=2025-11-02T00:00:00-05:00&to=2025-11-03T00:00:00-06:00`, headers: admin });
    t.equal(part.statusCode, 200);
    t.equal(part.body.match(/<IntervalReading>/g)!.length, 7 * 100 + 300, 'seven 15-minute channels x 100 quarter-hours and hz x 300 in the 25-hour day');
    const tail = await app.inject({ method: 'GET', url: `/v1/meters/elec/greenbutton?from=2025-11-04T00:00:00Z`, headers: admin });
    const file = path.join(dir, 'tail.xml');
    await writeFile(file, tail.body);
    await db.pool.query(`delete from readings where channel_id in (select id from channels where meter_id = 'elec-copy')`);
    const s = await importGreenButton(db.pool, { file, meterId: 'elec-copy', nowMs: NOW_MS });
    t.equal(s.stored, 1);
    // 1/3 has more digits than an Int48 holds: written with the finest enumerated multiplier that fits (p = -9 Wh: 12 decimals of kWh).
    t.strictSame(await storedReadings(db, 'elec-copy', 'kwh_del'), [['2025-11-04T00:00:00.000Z', 0.333333333333, 0]], '1/3 to 12 decimals');
    t.match(tail.body, /<powerOfTenMultiplier>-9<\/powerOfTenMultiplier>/);
  });
});

t.test('the export: ESPI layout of a small meter (golden), errors as problem documents', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin, keyFor } = await buildTestApp(db);
    t.teardown(() => app.close());
    await filesAccount(db, [{ id: 'tiny', timezone: 'America/Chicago', channels: [{ kind: 'kwh_del', intervalMinutes: 60 }, { kind: 'kw', intervalMinutes: 60 }] }], 'tiny-account');
    const kwh = (await db.pool.query(`select id from channels where kind = 'kwh_del'`)).rows[0].id as number;
    const t0 = Date.UTC(2025, 0, 1, 23, 0);
    await insertReadings(db.pool, { channelIds: [kwh, kwh, kwh], tsMs: [t0, t0 + H, t0 + 2 * H], values: [1.5, 2.25, 0.125], quality: [0, 1, 0] }, 'test');
    const res = await app.inject({ method: 'GET', url: '/v1/meters/tiny/greenbutton', headers: admin });
    t.equal(res.statusCode, 200);
    const body = res.body.replace(/urn:uuid:[0-9a-f-]{36}/g, 'urn:uuid:X').replace(/<(published|updated)>[^<]+</g, '<$1>T<');
    t.equal(body, GOLDEN, 'one UsagePoint, LocalTimeParameters, a MeterReading and ReadingType per channel with readings, a block per UTC day');

    const other = await keyFor('rep', ['someone-else']);
    const forbidden = await app.inject({ method: 'GET', url: '/v1/meters/tiny/greenbutton', headers: other });
    t.equal(forbidden.statusCode, 403);
    t.equal(forbidden.headers['content-type'], 'application/problem+json');
    t.notMatch(forbidden.body, /tiny-account/);
    const own = await keyFor('rep', ['tiny-account']);
    t.equal((await app.inject({ method: 'GET', url: '/v1/meters/tiny/greenbutton', headers: own })).statusCode, 200, "the account's own rep");
    const missing = await app.inject({ method: 'GET', url: '/v1/meters/nope/greenbutton', headers: admin });
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().code, 'KM_NOT_FOUND');
    const backwards = await app.inject({ method: 'GET', url: '/v1/meters/tiny/greenbutton?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', headers: admin });
    t.equal(backwards.statusCode, 400);
    t.equal(backwards.headers['content-type'], 'application/problem+json');
    const naive = await app.inject({ method: 'GET', url: '/v1/meters/tiny/greenbutton?from=2025-02-01T00:00:00', headers: admin });
    t.equal(naive.statusCode, 400);
    t.equal((await app.inject({ method: 'GET', url: '/v1/meters/tiny/greenbutton' })).statusCode, 401);
    const empty = await app.inject({ method: 'GET', url: '/v1/meters/tiny/greenbutton?from=2030-01-01T00:00:00Z', headers: admin });
    t.equal(empty.statusCode, 200);
    t.notMatch(empty.body, /MeterReading xmlns/, 'no channel has readings in the range: a UsagePoint and its local time only');
  });
});

const GOLDEN = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:uuid:X</id>
  <title>Green Button export of meter tiny</title>
  <updated>T</updated>
  <link rel="self" href="/v1/meters/tiny/greenbutton"/>
  <entry>
    <id>urn:uuid:X</id>
    <link rel="self" href="UsagePoint/tiny"/>
    <link rel="up" href="UsagePoint"/>
    <link rel="related" href="UsagePoint/tiny/MeterReading"/>
    <link rel="related" href="LocalTimeParameters/tiny"/>
    <title>tiny</title>
    <content>
      <UsagePoint xmlns="http://naesb.org/espi">
        <ServiceCategory>
          <kind>0</kind>
        </ServiceCategory>
      </UsagePoint>
    </content>
    <published>T</published>
    <updated>T</updated>
  </entry>
  <entry>
    <id>urn:uuid:X</id>
    <link rel="self" href="LocalTimeParameters/tiny"/>
    <link rel="up" href="LocalTimeParameters"/>
    <title>Local time of tiny (America/Chicago)</title>
    <content>
      <LocalTimeParameters xmlns="http://naesb.org/espi">
        <dstEndRule>B40E2000</dstEndRule>
        <dstOffset>3600</dstOffset>
        <dstStartRule>360E2000</dstStartRule>
        <tzOffset>-21600</tzOffset>
      </LocalTimeParameters>
    </content>
    <published>T</published>
    <updated>T</updated>
  </entry>
  <entry>
    <id>urn:uuid:X</id>
    <link rel="self" href="UsagePoint/tiny/MeterReading/kwh_del"/>
    <link rel="up" href="UsagePoint/tiny/MeterReading"/>
    <link rel="related" href="UsagePoint/tiny/MeterReading/kwh_del/IntervalBlock"/>
    <link rel="related" href="ReadingType/tiny-kwh_del"/>
    <title>kwh_del (kWh, 60-minute)</title>
    <content>
      <MeterReading xmlns="http://naesb.org/espi"/>
    </content>
    <published>T</published>
    <updated>T</updated>
  </entry>
  <entry>
    <id>urn:uuid:X</id>
    <link rel="self" href="ReadingType/tiny-kwh_del"/>
    <link rel="up" href="ReadingType"/>
    <title>Reading type of kwh_del</title>
    <content>
      <ReadingType xmlns="http://naesb.org/espi">
        <accumulationBehaviour>4</accumulationBehaviour>
        <commodity>1</commodity>
        <dataQualifier>12</dataQualifier>
        <flowDirection>1</flowDirection>
        <intervalLength>3600</intervalLength>
        <kind>12</kind>
        <phase>0</phase>
        <powerOfTenMultiplier>0</powerOfTenMultiplier>
        <uom>72</uom>
      </ReadingType>
    </content>
    <published>T</published>
    <updated>T</updated>
  </entry>
  <entry>
    <id>urn:uuid:X</id>
    <link rel="self" href="UsagePoint/tiny/MeterReading/kwh_del/IntervalBlock/20250101"/>
    <link rel="up" href="UsagePoint/tiny/MeterReading/kwh_del/IntervalBlock"/>
    <title>kwh_del 2025-01-01</title>
    <content>
      <IntervalBlock xmlns="http://naesb.org/espi">
        <interval>
          <duration>3600</duration>
          <start>1735772400</start>
        </interval>
        <IntervalReading>
          <timePeriod>
            <duration>3600</duration>
            <start>1735772400</start>
          </timePeriod>
          <value>1500</value>
        </IntervalReading>
      </IntervalBlock>
    </content>
    <published>T</published>
    <updated>T</updated>
  </entry>
  <entry>
    <id>urn:uuid:X</id>
    <link rel="self" href="UsagePoint/tiny/MeterReading/kwh_del/IntervalBlock/20250102"/>
    <link rel="up" href="UsagePoint/tiny/MeterReading/kwh_del/IntervalBlock"/>
    <title>kwh_del 2025-01-02</title>
    <content>
      <IntervalBlock xmlns="http://naesb.org/espi">
        <interval>
          <duration>7200</duration>
          <start>1735776000</start>
        </interval>
        <IntervalReading>
          <ReadingQuality>
            <quality>8</quality>
          </ReadingQuality>
          <timePeriod>
            <duration>3600</duration>
            <start>1735776000</start>
          </timePeriod>
          <value>2250</value>
        </IntervalReading>
        <IntervalReading>
          <timePeriod>
            <duration>3600</duration>
            <start>1735779600</start>
          </timePeriod>
          <value>125</value>
        </IntervalReading>
      </IntervalBlock>
    </content>
    <published>T</published>
    <updated>T</updated>
  </entry>
</feed>
`;

t.test('view=effective exports the values after VEE: edits as quality 7, estimates as 9 (linear) or 8 (like day)', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin } = await buildTestApp(db);
    t.teardown(() => app.close());
    await filesAccount(db, [
      { id: 'eff', timezone: 'America/Chicago', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }] },
      { id: 'eff-copy', timezone: 'America/Chicago', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }] },
    ], 'eff-account');
    const ch = (await db.pool.query(`select id from channels where meter_id = 'eff'`)).rows[0].id as number;
    // Two days of 2.5 kWh quarter-hours from 2025-03-03 06:00Z, without 10:00 and 10:15 (a 30-minute gap: linear).
    const t0 = Date.UTC(2025, 2, 3, 6);
    const ts: number[] = [];
    for (let i = 0; i < 192; i++) if (i !== 16 && i !== 17) ts.push(t0 + i * Q);
    await insertReadings(db.pool, { channelIds: ts.map(() => ch), tsMs: ts, values: ts.map(() => 2.5), quality: ts.map(() => 0) }, 'test');
    const { runVee } = await import('../../src/vee/run.js');
    await runVee(db.pool, { channelId: ch, fromMs: t0, toMs: t0 + 192 * Q });
    // An engineer replaces 12:00 with 4.75.
    const edit = await app.inject({ method: 'POST', url: '/v1/meters/eff/edits', headers: admin, payload: { channel: 'kwh_del', from: '2025-03-03T12:00:00Z', to: '2025-03-03T12:15:00Z', value: 4.75, reason: 'test: meter swap' } });
    t.equal(edit.statusCode, 201, edit.body);

    const raw = await app.inject({ method: 'GET', url: '/v1/meters/eff/greenbutton', headers: admin });
    t.equal(raw.body.match(/<IntervalReading>/g)!.length, 190, 'raw: the 190 readings');
    t.notMatch(raw.body, /<quality>/, 'raw: all actual');
    const eff = await app.inject({ method: 'GET', url: '/v1/meters/eff/greenbutton?view=effective', headers: admin });
    t.equal(eff.statusCode, 200);
    t.equal(eff.body.match(/<IntervalReading>/g)!.length, 192, 'effective: every interval, the gap estimated');
    const quality = [...eff.body.matchAll(/<quality>(\d+)<\/quality>\s*<\/ReadingQuality>\s*<timePeriod>\s*<duration>900<\/duration>\s*<start>(\d+)<\/start>/g)]
      .map((m) => [new Date(Number(m[2]) * 1000).toISOString(), Number(m[1])]);
    t.strictSame(quality, [['2025-03-03T10:00:00.000Z', 9], ['2025-03-03T10:15:00.000Z', 9], ['2025-03-03T12:00:00.000Z', 7]]);
    // Read back: the effective values, the edited and estimated ones as estimated (ESPI 7 and 9 are not measured values).
    const dir = await tempDir(t);
    const file = path.join(dir, 'eff.xml');
    await writeFile(file, eff.body);
    const s = await importGreenButton(db.pool, { file, meterId: 'eff-copy', nowMs: NOW_MS });
    t.equal(s.stored, 192);
    const back = await storedReadings(db, 'eff-copy', 'kwh_del');
    t.strictSame(back.filter((r) => r[2] === 1), [['2025-03-03T10:00:00.000Z', 2.5, 1], ['2025-03-03T10:15:00.000Z', 2.5, 1], ['2025-03-03T12:00:00.000Z', 4.75, 1]]);
    t.equal(back.filter((r) => r[2] === 0 && r[1] === 2.5).length, 189);
    t.equal((await app.inject({ method: 'GET', url: '/v1/meters/eff/greenbutton?view=cooked', headers: admin })).statusCode, 400);
  });
});
