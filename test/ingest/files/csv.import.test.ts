import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { importCsv, type CsvImportOptions, type CsvSummary } from '../../../ingest/files/csv/import-csv.js';
import { KeymeterError } from '../../../src/errors.js';
import { eachBackend, type TestDb } from '../../helpers/db.js';
import { tempDir } from '../../helpers/cli.js';
import { count, filesAccount, storedReadings } from '../../helpers/files.js';

const NOW_MS = Date.UTC(2026, 0, 15);

function totals(s: CsvSummary) {
  return { readings: s.readings, stored: s.stored, duplicates: s.duplicates, conflicts: s.conflicts, rejected: s.rejected };
}

async function csv(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

const run = (db: TestDb, file: string, o: Partial<CsvImportOptions> = {}) => importCsv(db.pool, { file, skipBad: false, nowMs: NOW_MS, ...o });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as KeymeterError);

const LONG_WITH_BAD_ROWS = [
  'meter,channel,ts,value,quality',
  'm-a,kwh_del,2025-06-01T00:00:00Z,1.5,actual', // line 2
  'm-a,kwh_del,2025-06-01T00:15:00Z,1.75,', // line 3: empty quality is actual
  'm-a,kwh_del,2025-06-01 00:30,2.0,', // line 4: no offset and no --timezone
  'm-x,kwh_del,2025-06-01T00:45:00Z,2.5,', // line 5: unknown meter
  'm-a,kwh_del,2025-06-01T00:50:00Z,2.5,', // line 6: off the 15-minute grid
  'm-a,kwh_del,2025-06-01T01:00:00Z,n/a,', // line 7: not a number
  'm-b,kvarh_del,2025-06-01T01:00:00+02:00,0.5,estimated', // line 8: an offset; m-b is in UTC
  'm-a,gas,2025-06-01T01:15:00Z,1,', // line 9: no gas channel on m-a
  '',
  'm-a,kwh_del,2025-06-01T01:30:00Z,3,', // line 11 (after an empty line)
].join('\n') + '\n';

t.test('long format: a bad row fails the whole file, every bad line listed; --skip-bad stores the rest', async (t) => {
  eachBackend(t, async (t, db) => {
    await filesAccount(db, [
      { id: 'm-a', timezone: 'America/Chicago', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }] },
      { id: 'm-b', timezone: 'UTC', channels: [{ kind: 'kvarh_del', intervalMinutes: 15 }] },
    ]);
    const dir = await tempDir(t);
    const file = await csv(dir, 'readings.csv', LONG_WITH_BAD_ROWS);

    // Chunks of 2 rows: the first good rows are written before the first bad one is met, and rolled back.
    const err = await failure(run(db, file, { chunkRows: 2 }));
    t.ok(err instanceof KeymeterError && err.code === 'KM_IMPORT_BAD_ROWS');
    t.equal(err!.message, '5 bad rows; nothing stored (--skip-bad stores the others)');
    t.strictSame(err!.issues, [
      { path: 'line 4', message: "ts: '2025-06-01 00:30' has no offset; add Z or an offset, or name the zone of local times with --timezone" },
      { path: 'line 5', message: "meter: no meter 'm-x'" },
      { path: 'line 6', message: 'value: 2025-06-01T00:50:00Z is not on the 15-minute grid of kwh_del; nearest starts 2025-06-01T00:45:00Z and 2025-06-01T01:00:00Z' },
      { path: 'line 7', message: "value: 'n/a' is not a decimal number" },
      { path: 'line 9', message: "channel: meter 'm-a' has no 'gas' channel" },
    ]);
    t.equal(await count(db, 'select * from readings'), 0, 'nothing stored');
    t.equal(await count(db, 'select * from ingest_dead_letters'), 0, 'no dead letters either');

    const progress: number[] = [];
    const s = await run(db, file, { skipBad: true, chunkRows: 2, onProgress: (done, total) => progress.push(done / total) });
    t.equal(progress.at(-1), 1, 'progress reaches the end of the file');
    t.strictSame(totals(s), { readings: 9, stored: 4, duplicates: 0, conflicts: 0, rejected: 5 });
    t.equal(s.format, 'long');
    t.strictSame(await storedReadings(db, 'm-a', 'kwh_del'), [
      ['2025-06-01T00:00:00.000Z', 1.5, 0], ['2025-06-01T00:15:00.000Z', 1.75, 0], ['2025-06-01T01:30:00.000Z', 3, 0],
    ]);
    t.strictSame(await storedReadings(db, 'm-b', 'kvarh_del'), [['2025-05-31T23:00:00.000Z', 0.5, 1]], 'the offset applied, quality estimated');
    const letters = await db.pool.query<{ code: string; detail: string; source: string; topic_or_unit: string; meter_id: string | null; payload: Buffer }>(
      'select code, detail, source, topic_or_unit, meter_id, payload from ingest_dead_letters order by id');
    t.strictSame(letters.rows.map((r) => [r.code, r.meter_id, r.detail.split(':')[0]]), [
      ['KM_INGEST_BAD_TIMESTAMP', 'm-a', 'line 4'], ['KM_INGEST_UNKNOWN_METER', 'm-x', 'line 5'], ['KM_INGEST_OFF_GRID', 'm-a', 'line 6'],
      ['KM_INGEST_NOT_FINITE', 'm-a', 'line 7'], ['KM_INGEST_UNKNOWN_CHANNEL', 'm-a', 'line 9'],
    ]);
    t.strictSame(JSON.parse(letters.rows[1]!.payload.toString()), { line: 5, row: { meter: 'm-x', channel: 'kwh_del', ts: '2025-06-01T00:45:00Z', value: '2.5', quality: '' } });
    t.ok(letters.rows.every((r) => r.source === 'csv' && r.topic_or_unit === 'readings.csv'));

    const again = await run(db, file, { skipBad: true });
    t.strictSame(totals(again), { readings: 9, stored: 0, duplicates: 4, conflicts: 0, rejected: 5 }, 'a re-import stores nothing new');
  });
});

t.test('wide format, semicolons and decimal commas, local times in a zone across both DST changes', async (t) => {
  eachBackend(t, async (t, db) => {
    await filesAccount(db, [{ id: 'berlin', timezone: 'Europe/Berlin', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'kvarh_del', intervalMinutes: 15 }] }]);
    const dir = await tempDir(t);
    // 2025-10-26: Berlin goes back from 03:00 CEST to 02:00 CET, so 02:00-02:45 appear twice, in order.
    const fall = ['02:00', '02:15', '02:30', '02:45', '02:00', '02:15', '02:30', '02:45', '03:00'];
    const rows = fall.map((hm, i) => `2025-10-26 ${hm};${(1.25 + i / 4).toFixed(2).replace('.', ',')};${i === 3 ? '' : '0,5'}`);
    const file = await csv(dir, 'wide.csv', `\uFEFFTS;KWH_DEL;kvarh_del\r\n${rows.join('\r\n')}\r\n`);
    const s = await run(db, file, { meterId: 'berlin', timeZone: 'Europe/Berlin' });
    t.strictSame({ format: s.format, delimiter: s.delimiter, decimal: s.decimalSeparator }, { format: 'wide', delimiter: ';', decimal: ',' });
    t.strictSame(totals(s), { readings: 17, stored: 17, duplicates: 0, conflicts: 0, rejected: 0 }, 'an empty cell is no reading');
    const kwh = await storedReadings(db, 'berlin', 'kwh_del');
    t.strictSame(kwh.map(([ts, v]) => [ts, v]), [
      ['2025-10-26T00:00:00.000Z', 1.25], ['2025-10-26T00:15:00.000Z', 1.5], ['2025-10-26T00:30:00.000Z', 1.75], ['2025-10-26T00:45:00.000Z', 2],
      ['2025-10-26T01:00:00.000Z', 2.25], ['2025-10-26T01:15:00.000Z', 2.5], ['2025-10-26T01:30:00.000Z', 2.75], ['2025-10-26T01:45:00.000Z', 3],
      ['2025-10-26T02:00:00.000Z', 3.25],
    ], 'the first 02:00 is daylight time (00:00Z), the second standard time (01:00Z)');
    t.equal((await storedReadings(db, 'berlin', 'kvarh_del')).length, 8);

    // 2025-03-30: 02:00-02:59 does not exist in Berlin.
    const spring = await csv(dir, 'spring.csv', 'ts;kwh_del\n2025-03-30 01:45;1,0\n2025-03-30 02:15;1,0\n2025-03-30 03:00;1,0\n');
    const err = await failure(run(db, spring, { meterId: 'berlin', timeZone: 'Europe/Berlin' }));
    t.strictSame(err!.issues, [{ path: 'line 3', message: "ts: '2025-03-30 02:15' does not exist in Europe/Berlin: the clocks skipped it at a daylight-saving change" }]);
    const skipped = await run(db, spring, { meterId: 'berlin', timeZone: 'Europe/Berlin', skipBad: true });
    t.strictSame(totals(skipped), { readings: 3, stored: 2, duplicates: 0, conflicts: 0, rejected: 1 });
    t.strictSame((await storedReadings(db, 'berlin', 'kwh_del')).slice(0, 2).map(([ts]) => ts), ['2025-03-30T00:45:00.000Z', '2025-03-30T01:00:00.000Z'], '01:45 CET, 03:00 CEST');

    // Tabs, a point, offsets in basic form, and the meter named by --meter for the long format.
    const tabs = await csv(dir, 'tabs.tsv', 'channel\tts\tvalue\nkwh_del\t2025-06-01T12:00:00+0200\t4.5\nkwh_del\t2025-06-01T10:15Z\t-0.25\n');
    const st = await run(db, tabs, { meterId: 'berlin' });
    t.strictSame({ format: st.format, delimiter: st.delimiter, decimal: st.decimalSeparator, stored: st.stored }, { format: 'long', delimiter: '\t', decimal: '.', stored: 2 });
  });
});

t.test('files that are not readings CSV are refused before anything is stored', async (t) => {
  eachBackend(t, async (t, db) => {
    await filesAccount(db, [{ id: 'm-a', timezone: 'UTC', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }] }]);
    const dir = await tempDir(t);
    const cases: [string, string, Partial<CsvImportOptions>, string][] = [
      ['empty.csv', '', {}, 'line 1: the file has no header'],
      ['nodelim.csv', 'hello\nworld\n', {}, "line 1: no comma, semicolon or tab in the header 'hello'"],
      ['other.csv', 'date,amount\n2025-01-01,5\n', {}, 'line 1: not a readings header: the long format is meter,channel,ts,value; the wide format starts with a timestamp column (ts) followed by channel kinds'],
      ['missing.csv', 'meter,channel,value\nm-a,kwh_del,1\n', {}, 'line 1: the header must be meter,channel,ts,value (+ quality); missing ts'],
      ['extra.csv', 'meter,channel,ts,value,note\n', {}, "line 1: unexpected column 'note' (the long format has meter, channel, ts, value and quality)"],
      ['widekind.csv', 'ts,kwh_del,kwh_total\n', { meterId: 'm-a' }, "line 1: column 'kwh_total' is not a channel kind (kwh_del, kwh_rec, kvarh_del, kvarh_rec, kw, kvar, v_a, v_b, v_c, i_a, i_b, i_c, pf, hz, thd_v_a, thd_v_b, thd_v_c, temp, gas, water)"],
      ['widenometer.csv', 'ts,kwh_del\n2025-01-01T00:00Z,1\n', {}, 'the wide format (a timestamp column, then channel columns) needs --meter ID'],
      ['widechannel.csv', 'ts,kwh_del,gas\n', { meterId: 'm-a' }, "line 1: meter 'm-a' has no 'gas' channel"],
      ['mixed.csv', 'ts;kwh_del\n2025-01-01T00:00Z;1,5\n2025-01-01T00:15Z;1.5\n', { meterId: 'm-a' }, 'the values mix decimal points and decimal commas in the first lines; use one'],
      ['quotes.csv', 'meter,channel,ts,value\nm-a,kwh_del,2025-01-01T00:00:00Z,1\n"m-a,kwh_del,2025-01-01T00:15:00Z,2\n', {}, 'not valid CSV'],
      ['zone.csv', 'ts,kwh_del\n', { meterId: 'm-a', timeZone: 'Mars/Olympus' }, "--timezone 'Mars/Olympus' is not an IANA time zone (e.g. America/Chicago)"],
    ];
    for (const [name, text, o, message] of cases) {
      const err = await failure(run(db, await csv(dir, name, text), o));
      t.ok(err instanceof KeymeterError && err.code === 'KM_IMPORT_MALFORMED', `${name}: KM_IMPORT_MALFORMED`);
      t.match(err?.message, message, name);
    }
    const nometer = await failure(run(db, await csv(dir, 'w.csv', 'ts,kwh_del\n'), { meterId: 'nope' }));
    t.equal(nometer?.code, 'KM_NOT_FOUND');
    t.equal(await count(db, 'select * from readings'), 0);
  });
});
