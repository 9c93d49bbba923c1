import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { importGreenButton, type GreenButtonSummary } from '../../../ingest/files/greenbutton/import-greenbutton.js';
import { KeymeterError } from '../../../src/errors.js';
import { eachBackend, type TestDb } from '../../helpers/db.js';
import { tempDir } from '../../helpers/cli.js';
import { count, filesAccount, greenButtonFixture, storedReadings } from '../../helpers/files.js';

const NOW_MS = Date.UTC(2026, 0, 15);

/** The summary without its maps, for whole-value assertions. */
function totals(s: GreenButtonSummary) {
  return { readings: s.readings, stored: s.stored, duplicates: s.duplicates, conflicts: s.conflicts, rejected: s.rejected };
}

function rejectCounts(s: GreenButtonSummary): Record<string, number> {
  return Object.fromEntries([...s.rejects].map(([code, r]) => [code, r.readings]));
}

const run = (db: TestDb, file: string, meterId: string, extra: { chunkRows?: number; onProgress?: (done: number, total: number) => void } = {}) =>
  importGreenButton(db.pool, { file, meterId, nowMs: NOW_MS, ...extra });

t.test('real Green Button exports (fixtures/greenbutton, sources in fixtures/README.md)', async (t) => {
  eachBackend(t, async (t, db) => {
    await filesAccount(db, [
      { id: 'la', timezone: 'America/Los_Angeles', channels: [{ kind: 'kwh_del', intervalMinutes: 60 }] },
      { id: 'coastal', timezone: 'America/Los_Angeles', channels: [{ kind: 'kwh_del', intervalMinutes: 60 }] },
      { id: 'phoenix', timezone: 'America/Phoenix', channels: [{ kind: 'kwh_del', intervalMinutes: 60 }] },
      { id: 'nine', timezone: 'America/New_York', channels: [{ kind: 'kwh_del', intervalMinutes: 60 }] },
    ]);

    // A third-party batch export: the same UTC hour twice around the 2013 and 2014 spring changes (once
    // with equal values, once with 220 and 210 Wh) and a missing hour at the 2013 fall change.
    const s1 = await run(db, greenButtonFixture('third-party-batch-hourly.xml'), 'la');
    t.strictSame(totals(s1), { readings: 9432, stored: 9430, duplicates: 1, conflicts: 1, rejected: 0 });
    t.strictSame(s1.notes, []);
    t.equal(s1.usagePoints, 1, '393 UsagePoint entries, one usage point');
    const la = await storedReadings(db, 'la', 'kwh_del');
    t.strictSame(la[0], ['2013-02-13T08:00:00.000Z', 0.285, 0], 'Wh to kWh');
    t.strictSame(la.at(-1), ['2014-03-13T06:00:00.000Z', la.at(-1)![1], 0]);
    t.strictSame((await db.pool.query(`select ts, stored_value, incoming_value, source from reading_conflicts`)).rows,
      [{ ts: new Date('2014-03-10T07:00:00Z'), stored_value: 0.22, incoming_value: 0.21, source: 'greenbutton' }], 'the second value is kept aside');
    t.equal(await count(db, `select 1 from readings r join channels c on c.id = r.channel_id where c.meter_id = 'la' and r.ts = '2013-11-03T08:00:00Z'`), 0, 'the missing hour stays missing');

    const again = await run(db, greenButtonFixture('third-party-batch-hourly.xml'), 'la');
    t.strictSame(totals(again), { readings: 9432, stored: 0, duplicates: 9432, conflicts: 0, rejected: 0 }, 'a re-import changes nothing');
    t.equal(await count(db, 'select * from reading_conflicts'), 1, 'the known conflict is not recorded twice');
    t.strictSame(await storedReadings(db, 'la', 'kwh_del'), la);

    // The Green Button initiative's sample: one block of 362 hourly readings, a usage summary (whose
    // <value> elements are not readings) and LocalTimeParameters that match the site's zone.
    const progress: [number, number][] = [];
    const s2 = await run(db, greenButtonFixture('coastal-single-family-sample.xml'), 'coastal', { onProgress: (done, total) => progress.push([done, total]) });
    t.strictSame(progress.at(-1), [79821, 79821], 'progress reaches the file size');
    t.strictSame(totals(s2), { readings: 362, stored: 362, duplicates: 0, conflicts: 0, rejected: 0 });
    t.strictSame(s2.notes, []);
    t.strictSame((await storedReadings(db, 'coastal', 'kwh_del'))[0], ['2011-01-01T08:00:00.000Z', 0.703, 0]);

    // A year of hourly data whose LocalTimeParameters say US Pacific, into a site in Phoenix (no DST):
    // stored, with a note.
    const s3 = await run(db, greenButtonFixture('desert-single-family-2011.xml'), 'phoenix');
    t.strictSame(totals(s3), { readings: 8760, stored: 8760, duplicates: 0, conflicts: 0, rejected: 0 });
    t.strictSame(s3.notes, ["the file's LocalTimeParameters (UTC-08:00, DST +60 min from 2011-03-13 02:00 to 2011-11-06 02:00) differ from the site's zone America/Phoenix (UTC-07:00, no DST) in 2011"]);

    // Nine days of hourly readings, each with a cost (not stored) in nine IntervalBlocks.
    const s4 = await run(db, greenButtonFixture('nine-days-with-cost.xml'), 'nine');
    t.strictSame(totals(s4), { readings: 216, stored: 216, duplicates: 0, conflicts: 0, rejected: 0 });
    t.equal(await count(db, 'select * from ingest_dead_letters'), 0);
  });
});

t.test('files written from the ESPI schema: a 25-hour day, gas on a 23-hour day, readings that do not fit', async (t) => {
  eachBackend(t, async (t, db) => {
    await filesAccount(db, [
      { id: 'plant', timezone: 'America/Chicago', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'kwh_rec', intervalMinutes: 15 }] },
      { id: 'boiler', timezone: 'America/Chicago', commodity: 'gas', channels: [{ kind: 'gas', intervalMinutes: 60, unit: 'therm' }] },
      { id: 'boiler-m3', timezone: 'America/Chicago', commodity: 'gas', channels: [{ kind: 'gas', intervalMinutes: 60, unit: 'm3' }] },
      { id: 'fit', timezone: 'UTC', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }] },
    ]);

    const fall = await run(db, greenButtonFixture('dst-fall-back-chicago-15min.xml'), 'plant');
    t.strictSame(totals(fall), { readings: 200, stored: 200, duplicates: 0, conflicts: 0, rejected: 0 });
    t.strictSame(fall.notes, [], 'US Central LocalTimeParameters match America/Chicago');
    const perLocalDay = await db.pool.query(
      `select c.kind, (r.ts at time zone 'America/Chicago')::date::text as day, count(*)::int as n, round(sum(r.value)::numeric, 3)::float8 as kwh
         from readings r join channels c on c.id = r.channel_id where c.meter_id = 'plant' group by 1, 2 order by 1, 2`);
    // 100 quarter-hours in the 25-hour day; delivered 1.5 + 0.037 i kWh for i = 0..99, received 0.2 + 0.011 (i - 40) for i = 40..70.
    t.strictSame(perLocalDay.rows, [
      { kind: 'kwh_del', day: '2025-11-02', n: 100, kwh: 333.15 },
      { kind: 'kwh_rec', day: '2025-11-02', n: 100, kwh: 11.315 },
    ]);
    const del = await storedReadings(db, 'plant', 'kwh_del');
    t.strictSame([del[0], del[99]], [['2025-11-02T05:00:00.000Z', 1.5, 0], ['2025-11-03T05:45:00.000Z', 5.163, 0]]);
    t.strictSame(totals(await run(db, greenButtonFixture('dst-fall-back-chicago-15min.xml'), 'plant')),
      { readings: 200, stored: 0, duplicates: 200, conflicts: 0, rejected: 0 }, 'idempotent');

    const gas = await run(db, greenButtonFixture('gas-spring-forward-chicago-hourly.xml'), 'boiler');
    t.strictSame(totals(gas), { readings: 23, stored: 23, duplicates: 0, conflicts: 0, rejected: 0 });
    const therms = await storedReadings(db, 'boiler', 'gas');
    t.equal(therms.length, 23, '23 hours in the local day 2025-03-09');
    t.strictSame(therms.slice(0, 3), [['2025-03-09T06:00:00.000Z', 0.85, 0], ['2025-03-09T07:00:00.000Z', 0.975, 0], ['2025-03-09T08:00:00.000Z', 1.1, 0]], 'millitherm to therm');
    t.strictSame(therms[5], ['2025-03-09T11:00:00.000Z', 1.475, 1], 'ReadingQuality 8 (estimated using reference day) is stored as estimated');
    t.equal(await count(db, `select 1 from readings r join channels c on c.id = r.channel_id where c.meter_id = 'boiler' and (r.ts at time zone 'America/Chicago')::date = '2025-03-09'`), 23);

    const m3 = await run(db, greenButtonFixture('gas-spring-forward-chicago-hourly.xml'), 'boiler-m3');
    t.strictSame(totals(m3), { readings: 23, stored: 0, duplicates: 0, conflicts: 0, rejected: 23 });
    t.strictSame(rejectCounts(m3), { KM_INGEST_UNIT_MISMATCH: 23 });
    t.match(m3.rejects.get('KM_INGEST_UNIT_MISMATCH')!.examples[0], /^IntervalBlock at line \d+ \(23 readings\): gas in therm cannot be converted to the channel's m3/);

    const fit = await run(db, greenButtonFixture('readings-that-do-not-fit.xml'), 'fit');
    t.strictSame(totals(fit), { readings: 14, stored: 3, duplicates: 0, conflicts: 0, rejected: 11 });
    t.strictSame(rejectCounts(fit), {
      KM_INGEST_OFF_GRID: 1, KM_INGEST_INTERVAL_MISMATCH: 1, KM_INGEST_NOT_FINITE: 1, KM_INGEST_UNSUPPORTED_READING: 4, KM_INGEST_UNKNOWN_CHANNEL: 4,
    });
    t.strictSame(await storedReadings(db, 'fit', 'kwh_del'), [
      ['2025-06-01T00:00:00.000Z', 1, 0], ['2025-06-01T00:15:00.000Z', 1.1, 1], ['2025-06-01T01:30:00.000Z', 1.6, 0],
    ]);
    const letters = await db.pool.query<{ code: string; detail: string; source: string; topic_or_unit: string; meter_id: string }>(
      `select code, detail, source, topic_or_unit, meter_id from ingest_dead_letters where meter_id = 'fit' order by id`);
    t.strictSame(letters.rows.map((r) => [r.code, r.source, r.topic_or_unit]), [
      ['KM_INGEST_OFF_GRID', 'greenbutton', 'readings-that-do-not-fit.xml'],
      ['KM_INGEST_INTERVAL_MISMATCH', 'greenbutton', 'readings-that-do-not-fit.xml'],
      ['KM_INGEST_NOT_FINITE', 'greenbutton', 'readings-that-do-not-fit.xml'],
      ['KM_INGEST_UNSUPPORTED_READING', 'greenbutton', 'readings-that-do-not-fit.xml'],
      ['KM_INGEST_UNKNOWN_CHANNEL', 'greenbutton', 'readings-that-do-not-fit.xml'],
      ['KM_INGEST_UNSUPPORTED_READING', 'greenbutton', 'readings-that-do-not-fit.xml'],
    ], 'one dead letter per refused reading, one per refused block');
    t.match(letters.rows[0]!.detail, /^line \d+: 2025-06-01T00:37:00Z is not on the 15-minute grid of kwh_del; nearest starts 2025-06-01T00:30:00Z and 2025-06-01T00:45:00Z$/);
    t.match(letters.rows[1]!.detail, /^line \d+: duration 1800 s; the kwh_del channel has 15-minute intervals$/);
    t.match(letters.rows[3]!.detail, /^line \d+: ReadingQuality 12 \(projected\): a forecast, not a reading$/);
    t.match(letters.rows[4]!.detail, /^IntervalBlock at line \d+ \(4 readings\): meter 'fit' has no 'kvarh_del' channel/);
    t.match(letters.rows[5]!.detail, /accumulationBehaviour 1 is a register reading, not interval data/);
    const line = Number(/^line (\d+)/.exec(letters.rows[0]!.detail)![1]);
    const xml = (await readFile(greenButtonFixture('readings-that-do-not-fit.xml'), 'utf8')).split('\n');
    t.match(xml[line - 1], /<IntervalReading>/, 'the line is that of the refused IntervalReading');
  });
});

t.test('a malformed file stores nothing and says where; an unknown meter is refused', async (t) => {
  eachBackend(t, async (t, db) => {
    await filesAccount(db, [{ id: 'plant', timezone: 'America/Chicago', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'kwh_rec', intervalMinutes: 15 }] }]);
    const dir = await tempDir(t);
    const good = await readFile(greenButtonFixture('dst-fall-back-chicago-15min.xml'), 'utf8');
    const cases: [string, string, RegExp][] = [
      ['plain.txt', 'this is not XML\n', /^line 1, column \d+: not well-formed XML: /],
      ['json.xml', '{"readings": []}', /^line 1, column \d+: not well-formed XML: /],
      ['empty.xml', '', /not well-formed XML: the file has no root element/],
      // Cut inside the second MeterReading's IntervalBlock: the first channel's readings were already
      // stored (chunks of 10), and must be rolled back.
      ['truncated.xml', good.slice(0, good.lastIndexOf('<IntervalReading>')), /^line \d+, column \d+: not well-formed XML: Unclosed root tag/],
      ['mismatched.xml', good.replace('</IntervalBlock>', '</IntervalBlok>'), /^line \d+, column \d+: not well-formed XML: Unexpected close tag/],
      ['other-root.xml', '<?xml version="1.0"?>\n<readings><r/></readings>\n', /^line 2, column \d+: not an ESPI \(Green Button\) file: the root element is <readings>, not an Atom <feed>/],
      ['atom-only.xml', '<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><entry><id>e</id><content><p>hi</p></content></entry></feed>',
        /not an ESPI \(Green Button\) file: the feed has no UsagePoint, MeterReading, ReadingType or IntervalBlock entry/],
    ];
    for (const [name, text, message] of cases) {
      const file = path.join(dir, name);
      await writeFile(file, text);
      const err = await run(db, file, 'plant', { chunkRows: 10 }).then(() => undefined, (e: unknown) => e);
      t.ok(err instanceof KeymeterError && err.code === 'KM_IMPORT_MALFORMED', `${name}: KM_IMPORT_MALFORMED`);
      t.match((err as Error).message, message, name);
    }
    t.equal(await count(db, 'select * from readings'), 0, 'nothing stored');
    t.equal(await count(db, 'select * from ingest_dead_letters'), 0, 'not even dead letters');
    t.equal(await count(db, 'select * from channel_versions'), 0, 'no channel version raised');

    const unknown = await run(db, greenButtonFixture('dst-fall-back-chicago-15min.xml'), 'nope').then(() => undefined, (e: unknown) => e);
    t.ok(unknown instanceof KeymeterError && unknown.code === 'KM_NOT_FOUND');
    t.equal((unknown as Error).message, "no meter 'nope'");
    const missing = await run(db, path.join(dir, 'missing.xml'), 'plant').then(() => undefined, (e: unknown) => e);
    t.match((missing as Error).message, /cannot read the file \(ENOENT\)/);
  });
});
