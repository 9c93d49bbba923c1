import t from 'tap';
import { startModbusServer } from '../../ingest/simulate/modbus-server.js';
import { SunSpecMeter } from '../../ingest/simulate/sunspec-meter.js';
import { startKeymeter, stop } from '../helpers/cli.js';
import { backends, createTestDb } from '../helpers/db.js';
import { steady } from '../helpers/modbus.js';
import { eventually } from '../helpers/mqtt.js';

/**
 * `keymeter ingest modbus` as a process against a PostgreSQL database (the embedded one is
 * single-process): it leases the modbus meter, discovers the simulated SunSpec meter and stores its
 * identity, and on SIGTERM gives the lease back and exits 0.
 */
t.test('keymeter ingest modbus: leases, discovers, stops cleanly on SIGTERM', { skip: !backends().includes('postgres') && 'needs TEST_DATABASE_URL' }, async (t) => {
  const db = await createTestDb('postgres');
  t.teardown(() => db.close());
  const sim = new SunSpecMeter({ measure: steady(), now: Date.now, identity: { manufacturer: 'CLI Test', model: 'SIM-203', serialNumber: 'CLI-1' } });
  const server = await startModbusServer(new Map([[3, sim]]));
  t.teardown(() => server.close());
  const { importBundle } = await import('../../src/db/bundle-store.js');
  await importBundle(db, {
    id: 'cli-mb', name: 'CLI', sites: [{ id: 'cli-mb-site', name: 'S', timezone: 'UTC', meters: [{
      id: 'cli-mb-1', protocol: 'modbus', modbus: { host: '127.0.0.1', port: server.port, unitId: 3, map: 'sunspec', pollSeconds: 1 },
      channels: [{ kind: 'kwh_del', intervalMinutes: 15 }],
    }] }],
  }, 'test');

  const p = await startKeymeter(['ingest', 'modbus'], { DATABASE_URL: db.url, KEYMETER_MODBUS_POLLER_ID: 'cli-poller', KEYMETER_MODBUS_LEASE_SECONDS: '3' }, /modbus ingest running/);
  t.teardown(() => { if (p.child.exitCode === null) p.child.kill('SIGKILL'); });
  t.match(p.output(), /"meters":\["cli-mb-1"\]/);
  t.ok(await eventually(async () => (await db.pool.query(`select manufacturer from meters where id = 'cli-mb-1'`)).rows[0].manufacturer === 'CLI Test', 15_000), 'SunSpec identity stored');
  t.strictSame((await db.pool.query(`select holder from modbus_leases`)).rows, [{ holder: 'cli-poller' }]);
  t.ok(await eventually(async () => sim.reads >= 3, 15_000), 'polled every second');

  t.equal(await stop(p.child, 'SIGTERM'), 0, 'exits 0');
  t.match(p.output(), /modbus ingest stopped/);
  const lease = await db.pool.query<{ holder: string | null; last: number | null }>(`select holder, (state->>'lastTickMs')::float8 as last from modbus_leases`);
  t.equal(lease.rows[0]!.holder, null, 'lease given back');
  t.ok(lease.rows[0]!.last !== null, 'with the state of the last poll');
  t.strictSame((await db.pool.query(`select count(*)::int as n from modbus_pollers`)).rows, [{ n: 0 }]);
});
