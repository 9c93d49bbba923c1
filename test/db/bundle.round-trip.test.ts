import t from 'tap';
import { AccountBundle } from '../../src/core/bundle/schema.js';
import { importBundle } from '../../src/db/bundle-store.js';
import { readBundle } from '../../src/db/queries/bundle-read.js';
import { KeymeterError } from '../../src/errors.js';
import { insertReadings } from '../../src/db/queries/readings.js';
import { eachBackend, type TestDb } from '../helpers/db.js';
import { fixtureBundle } from '../helpers/app.js';

const ENTITY_TABLES = [
  'accounts', 'sites', 'meters', 'channels', 'transformers', 'transformer_maintenance', 'equipment', 'pq_requirements',
  'pq_equipment', 'supply_path_nodes', 'supply_path_edges', 'tariffs', 'account_tariffs', 'bills', 'payments',
  'facility_costs', 'system_reliability',
];

/** Every row of every entity table with its xmin: equal snapshots mean no row was written. */
async function snapshot(db: TestDb): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of ENTITY_TABLES) {
    const r = await db.pool.query(`select xmin::text as xmin, to_jsonb(x) as row from ${table} x order by to_jsonb(x)::text`);
    out[table] = r.rows;
  }
  return out;
}

t.test('a bundle round-trips: what is read back is the normalized bundle', async (t) => {
  eachBackend(t, async (t, db) => {
    const input = await fixtureBundle();
    const r = await importBundle(db, input, 'test');
    t.equal(r.created, true);
    t.ok(r.changedRows > 40);
    t.strictSame(await readBundle(db.pool, 'acme-foods'), AccountBundle.parse(input));
    t.equal(await readBundle(db.pool, 'nobody'), undefined);
  });
});

t.test('importing the same bundle twice writes no row', async (t) => {
  eachBackend(t, async (t, db) => {
    const input = await fixtureBundle();
    await importBundle(db, input, 'test');
    const before = await snapshot(db);
    const again = await importBundle(db, input, 'test');
    t.strictSame({ created: again.created, changedRows: again.changedRows }, { created: false, changedRows: 0 });
    t.strictSame(await snapshot(db), before);
  });
});

t.test('an update changes what changed and leaves the rest alone', async (t) => {
  eachBackend(t, async (t, db) => {
    const input = await fixtureBundle();
    await importBundle(db, input, 'test');
    const before = await snapshot(db);
    input.sites[0].equipment[0].ratedKw = 360;
    input.sites[0].equipment.splice(1, 1); // drop the compressor
    input.bills.push({ id: 'b-2025-03', periodStart: '2025-03-01', periodEnd: '2025-03-31', amountUsd: 90000 });
    const r = await importBundle(db, input, 'test');
    t.equal(r.changedRows, 4, 'chiller updated, compressor deleted, line-1 moved up one position, one bill added');
    const after = await snapshot(db);
    for (const table of ENTITY_TABLES.filter((x) => x !== 'equipment' && x !== 'bills')) t.strictSame(after[table], before[table], `${table} untouched`);
    t.strictSame(await readBundle(db.pool, 'acme-foods'), AccountBundle.parse(input));
  });
});

t.test('removing a channel with readings is refused and changes nothing', async (t) => {
  eachBackend(t, async (t, db) => {
    const input = await fixtureBundle();
    await importBundle(db, input, 'test');
    const ch = await db.pool.query<{ id: number }>(`select id from channels where meter_id = 'm-1001' and kind = 'kwh_del'`);
    await insertReadings(db.pool, { channelIds: [ch.rows[0]!.id], tsMs: [Date.UTC(2025, 0, 1)], values: [1], quality: [0] }, 'test');
    const before = await snapshot(db);
    const removed = structuredClone(input);
    removed.sites[0].meters.shift();
    removed.sites[0].transformers[0].meterIds = [];
    removed.sites[0].supplyPath = [];
    await t.rejects(importBundle(db, removed, 'test'), { code: 'KM_BUNDLE_METER_HAS_READINGS' });
    const regrid = structuredClone(input);
    regrid.sites[0].meters[0].channels[0].intervalMinutes = 5;
    await t.rejects(importBundle(db, regrid, 'test'), { code: 'KM_BUNDLE_METER_HAS_READINGS' });
    t.strictSame(await snapshot(db), before);
    t.equal((await db.pool.query('select count(*)::int as n from readings')).rows[0].n, 1);
  });
});

t.test('a site or meter of another account is refused with the path of the field', async (t) => {
  eachBackend(t, async (t, db) => {
    await importBundle(db, await fixtureBundle(), 'test');
    const before = await snapshot(db);
    const other = { id: 'other', name: 'Other', sites: [{ id: 'other-site', name: 'O', timezone: 'UTC', meters: [{ id: 'm-1001' }] }] };
    const err = await importBundle(db, other, 'test').catch((e: unknown) => e);
    t.ok(err instanceof KeymeterError);
    t.equal((err as KeymeterError).code, 'KM_BUNDLE_OWNERSHIP');
    t.strictSame((err as KeymeterError).issues, [{ path: 'sites[0].meters[0].id', message: "meter 'm-1001' belongs to account 'acme-foods'" }]);
    t.strictSame(await snapshot(db), before);
  });
});
