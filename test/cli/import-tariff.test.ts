import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { createTestDb, backends } from '../helpers/db.js';
import { keymeter, ROOT, tempDir } from '../helpers/cli.js';

/**
 * `keymeter import tariff FILE.json` against each backend: a URDB API response or one item into the
 * tariff library under the URDB label (or --id), idempotent, audited; invalid or unsupported input exits 2
 * naming the field, and stores nothing; so does an account bundle with an unsupported tariff.
 * (test/api/rate-comparison.worked.test.ts compares a library tariff a site names.)
 */
const LABEL_A = '5cd1a27f5457a3b64c1a6b3e';
const LABEL_B = '5cd1a27f5457a3b64c1a6b3f';

async function fixtureRate(name: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(path.join(ROOT, `fixtures/tariffs/${name}.json`), 'utf8')) as Record<string, any>;
}

for (const backend of backends()) {
  // Each import that reaches the database starts it (the embedded one takes seconds): allow for a loaded machine.
  t.test(`keymeter import tariff (${backend})`, { timeout: 300_000 }, async (t) => {
    const dir = await tempDir(t);
    let env: NodeJS.ProcessEnv;
    let url: string | undefined;
    if (backend === 'postgres') {
      const db = await createTestDb('postgres', { migrated: false });
      t.teardown(() => db.close());
      env = { DATABASE_URL: db.url };
      url = db.url;
    } else {
      env = { KEYMETER_DATA_DIR: dir };
    }
    const file = async (name: string, content: unknown): Promise<string> => {
      const f = path.join(dir, name);
      await writeFile(f, JSON.stringify(content));
      return f;
    };
    const a = { ...(await fixtureRate('multi-tier-tou')), label: LABEL_A, name: 'Multi-tier TOU', utility: 'Example Electric' };
    const b = { ...(await fixtureRate('tiered-energy-tiered-demand')), label: LABEL_B, name: 'Tiered' };

    // A response whose second item bills demand in kVA: exit 2, the field named, nothing stored.
    const bad = await file('bad.json', { items: [a, { ...b, demandrateunit: 'kVA' }] });
    const r1 = await keymeter(['import', 'tariff', bad], env);
    t.equal(r1.code, 2, r1.stderr);
    t.match(r1.stderr, /bad\.json: tariff uses a feature keymeter cannot bill; nothing stored/);
    t.match(r1.stderr, /items\[1\]\.demandrateunit: demand unit 'kVA' is not supported \(only kW\)/);
    // Malformed: a lone item without a label and without --id, with a tier out of order.
    const lone = await fixtureRate('tier-limits-energy-demand');
    lone.energyratestructure[0][0].max = -1;
    const r2 = await keymeter(['import', 'tariff', await file('lone.json', lone)], env);
    t.equal(r2.code, 2);
    t.match(r2.stderr, /lone\.json: not a valid URDB rate item or API response; nothing stored/);
    t.match(r2.stderr, /\n {2}label: required to name the tariff/);
    t.match(r2.stderr, /\n {2}energyratestructure\[0\]\[0\]\.max: must be greater than the previous tier's max \(0\)/);
    t.equal((await keymeter(['import', 'tariff', await file('empty.json', { items: [] })], env)).code, 2, 'a response without items');
    t.equal((await keymeter(['import', 'tariff', await file('two.json', { items: [a, b] }), '--id', 'x'], env)).code, 2, '--id names one tariff only');

    // The good response: both created, under their labels; again: unchanged.
    const good = await file('good.json', { items: [a, b] });
    const ok1 = await keymeter(['import', 'tariff', good], env);
    t.equal(ok1.code, 0, ok1.stderr);
    t.equal(ok1.stdout, `tariff ${LABEL_A}: created (Multi-tier TOU)\ntariff ${LABEL_B}: created (Tiered)\n`, 'the bad import before stored nothing');
    const ok2 = await keymeter(['import', 'tariff', good], env);
    t.equal(ok2.stdout, `tariff ${LABEL_A}: unchanged (Multi-tier TOU)\ntariff ${LABEL_B}: unchanged (Tiered)\n`);
    // A lone item under --id; a changed rate is an update.
    delete lone.energyratestructure[0][0].max;
    lone.energyratestructure[0] = [{ rate: 0.1 }];
    t.equal((await keymeter(['import', 'tariff', await file('lone.json', lone), '--id', 'sched-lib'], env)).stdout, 'tariff sched-lib: created\n');
    lone.energyratestructure[0] = [{ rate: 0.11 }];
    t.equal((await keymeter(['import', 'tariff', await file('lone.json', lone), '--id', 'sched-lib'], env)).stdout, 'tariff sched-lib: updated\n');

    // A bundle with an unsupported tariff exits 2 naming it (and stores nothing: the rows below).
    const bundle = JSON.parse(await readFile(path.join(ROOT, 'fixtures/accounts/acme-foods.json'), 'utf8')) as Record<string, any>;
    bundle.tariffs[0].urdb.lookbackpercent = 0.5;
    const refused = await keymeter(['import', 'account', await file('acme-bad.json', bundle)], env);
    t.equal(refused.code, 2);
    t.match(refused.stderr, /tariffs\[0\]\.urdb\.lookbackpercent: demand lookback is not supported/);

    if (url !== undefined) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      t.teardown(() => c.end());
      const rows = (await c.query<{ id: string; name: string | null; utility: string | null }>(`select id, name, utility from tariffs order by id`)).rows;
      t.strictSame(rows, [
        { id: LABEL_A, name: 'Multi-tier TOU', utility: 'Example Electric' }, { id: LABEL_B, name: 'Tiered', utility: null },
        { id: 'sched-lib', name: null, utility: null },
      ]);
      const audit = (await c.query<{ action: string; detail: { ids: string[]; inserted: string[]; updated: string[] } }>(
        `select action, detail from audit_log where action = 'tariff.import' order by id`)).rows;
      t.strictSame(audit.map((x) => [x.detail.ids, x.detail.inserted, x.detail.updated]), [
        [[LABEL_A, LABEL_B], [LABEL_A, LABEL_B], []], [[LABEL_A, LABEL_B], [], []], [['sched-lib'], ['sched-lib'], []], [['sched-lib'], [], ['sched-lib']],
      ], 'one audit row per import, failed ones none');
    }
  });
}
