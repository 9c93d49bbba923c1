import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { backends, createTestDb } from '../helpers/db.js';
import { keymeter, tempDir } from '../helpers/cli.js';

const BUNDLE = {
  id: 'files-cli', name: 'File imports',
  sites: [{ id: 'files-cli-site', name: 'Plant', timezone: 'America/Chicago', meters: [
    { id: 'plant', protocol: 'file', channels: [{ kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'kwh_rec', intervalMinutes: 15 }] },
  ] }],
};

// Each command is its own process and, on the embedded backend, opens its database: more than the default file timeout on a busy machine.
t.setTimeout(300_000);

/** `keymeter import greenbutton` and `keymeter import csv`: exit codes 0 and 2, the summary, messages naming the file and line. */
for (const backend of backends()) {
  t.test(`keymeter import greenbutton / csv (${backend})`, { timeout: 300_000 }, async (t) => {
    const dir = await tempDir(t);
    let env: NodeJS.ProcessEnv;
    if (backend === 'postgres') {
      const db = await createTestDb('postgres');
      t.teardown(() => db.close());
      env = { DATABASE_URL: db.url };
    } else {
      env = { KEYMETER_DATA_DIR: dir };
    }
    const bundle = path.join(dir, 'bundle.json');
    await writeFile(bundle, JSON.stringify(BUNDLE));
    t.equal((await keymeter(['import', 'account', bundle], env)).code, 0);

    const gb = await keymeter(['import', 'greenbutton', 'fixtures/greenbutton/dst-fall-back-chicago-15min.xml', '--meter', 'plant'], env);
    t.equal(gb.code, 0, gb.stderr);
    t.equal(gb.stdout, [
      'dst-fall-back-chicago-15min.xml -> meter plant: 200 readings read: 200 stored, 0 duplicates, 0 conflicts, 0 rejected',
      '  kwh_del: 100 readings from 2025-11-02T05:00Z to 2025-11-03T05:45Z (interval starts)',
      '  kwh_rec: 100 readings from 2025-11-02T05:00Z to 2025-11-03T05:45Z (interval starts)',
      // VEE runs over what the import stored: a whole day without gaps or outliers.
      '  VEE kwh_del: 0 flags written, 0 removed; 0 estimates written, 0 removed',
      '  VEE kwh_rec: 0 flags written, 0 removed; 0 estimates written, 0 removed',
      '',
    ].join('\n'));
    t.equal(gb.stderr, '', 'no progress bar when stderr is not a terminal');

    const notXml = path.join(dir, 'notes.xml');
    await writeFile(notXml, 'meter readings, see attached\n');
    const bad = await keymeter(['import', 'greenbutton', notXml, '--meter', 'plant'], env);
    t.equal(bad.code, 2, 'a malformed file exits 2');
    t.match(bad.stderr, new RegExp(`^keymeter: ${notXml.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: line 1, column \\d+: not well-formed XML: Non-whitespace before first tag`));
    if (backend === 'postgres') {
      const unknown = await keymeter(['import', 'greenbutton', 'fixtures/greenbutton/dst-fall-back-chicago-15min.xml', '--meter', 'nope'], env);
      t.equal(unknown.code, 2);
      t.match(unknown.stderr, /dst-fall-back-chicago-15min\.xml: no meter 'nope'/);
    }
    t.equal((await keymeter(['import', 'greenbutton', 'fixtures/greenbutton/dst-fall-back-chicago-15min.xml'], env)).code, 2, '--meter is required');

    const rows = path.join(dir, 'rows.csv');
    await writeFile(rows, 'meter,channel,ts,value\nplant,kwh_del,2025-11-03T06:00:00Z,1.5\nplant,kwh_del,2025-11-03 00:15,2\nplant,kwh_del,2025-11-03T06:30:00Z,x\n');
    const strict = await keymeter(['import', 'csv', rows], env);
    t.equal(strict.code, 2, 'a bad row fails the file');
    t.equal(strict.stderr, [
      `keymeter: ${rows}: 2 bad rows; nothing stored (--skip-bad stores the others)`,
      "  line 3: ts: '2025-11-03 00:15' has no offset; add Z or an offset, or name the zone of local times with --timezone",
      "  line 4: value: 'x' is not a decimal number",
      '',
    ].join('\n'));
    const local = await keymeter(['import', 'csv', rows, '--timezone', 'America/Chicago', '--skip-bad'], env);
    t.equal(local.code, 0, local.stderr);
    t.equal(local.stdout, [
      'rows.csv (long format, comma-separated, decimal point): 3 readings read: 2 stored, 0 duplicates, 0 conflicts, 1 rejected',
      '  plant kwh_del: 2 readings from 2025-11-03T06:00Z to 2025-11-03T06:15Z (interval starts)',
      '  rejected KM_INGEST_NOT_FINITE: 1 reading',
      "    line 4: value: 'x' is not a decimal number",
      '  rejected readings are kept with their reasons: GET /v1/dead-letters',
      '  VEE plant kwh_del: 0 flags written, 0 removed; 0 estimates written, 0 removed',
      '',
    ].join('\n'));
    // The next reading comes two quarter-hours late: VEE flags it once ('gap', on the first reading after the
    // gap, with missingIntervals 2) and estimates the two missing quarter-hours 06:30 and 06:45.
    const later = path.join(dir, 'later.csv');
    await writeFile(later, 'meter,channel,ts,value\nplant,kwh_del,2025-11-03T07:00:00Z,2.5\n');
    const gap = await keymeter(['import', 'csv', later], env);
    t.equal(gap.code, 0, gap.stderr);
    t.match(gap.stdout, /^  VEE plant kwh_del: 1 flag written, 0 removed; 2 estimates written, 0 removed$/m);
    const again = await keymeter(['import', 'csv', later], env);
    t.notMatch(again.stdout, /VEE/, 'a re-import stores nothing new: no VEE pass');
  });
}
