import t from 'tap';
import { selectExtremes } from '../../src/db/queries/reading-extremes.js';
import { ManualClock } from './../helpers/clock.js';
import { eachBackend } from '../helpers/db.js';
import { MIN, T10, modbusAccount, readingsOf, startPoller, sunspecGateway, tick } from '../helpers/modbus.js';

/**
 * SunSpec meters (model 1 + 203) on a loopback gateway, polled every minute on a manual clock from
 * 09:58 to 10:46: discovery at 40000, 0 and 50000; values and scale factors; exact interval energy from
 * a counter ramp (60 kW: 1,000 Wh a minute); an acc32 rollover; a meter reset; a meter silent for three
 * polls; bad register values; an exception reply; a unit with no SunSpec map.
 */
const CHANNELS = [
  { kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'kvarh_del', intervalMinutes: 15 }, { kind: 'kw', intervalMinutes: 1 },
  { kind: 'kvar', intervalMinutes: 15 }, { kind: 'v_a', intervalMinutes: 5 }, { kind: 'v_b', intervalMinutes: 5 },
  { kind: 'i_a', intervalMinutes: 15 }, { kind: 'i_b', intervalMinutes: 15 }, { kind: 'pf', intervalMinutes: 15 }, { kind: 'hz', intervalMinutes: 15 },
];
const QUARTERS_OK: [string, number, number][] = [['10:00', 15, 0], ['10:15', 15, 0], ['10:30', 15, 0]];

t.test('SunSpec meters polled on loopback', async (t) => {
  eachBackend(t, async (t, db) => {
    const clock = new ManualClock(T10 - 2 * MIN);
    const { server, meters } = await sunspecGateway(t, clock, {
      1: { identity: { manufacturer: 'Keymeter Labs', model: 'SIM-203', serialNumber: 'SN-0001', version: '2.1' } },
      2: { base: 0, startWh: 2 ** 32 - 20_000 }, // acc32 wraps 20 minutes in, at 10:18
      3: { base: 50000 }, // reset at 10:20
      4: {}, // silent at 10:14, 10:15 and 10:16
      5: {}, // bad register values
      6: {}, // exceptions from 10:03 to 10:04
    });
    const ids = ['mb-1', 'mb-2', 'mb-3', 'mb-4', 'mb-5', 'mb-6', 'mb-7'];
    await modbusAccount(db, 'mb', ids.map((id, i) => ({ id, port: server.port, unitId: i + 1, channels: CHANNELS }))); // unit 7: nothing there
    const m5 = meters.get(5)!;
    m5.override('PhVphB', 0x8000); // int16 not implemented
    m5.override('W', 0x8000);
    m5.override('Hz_SF', 50); // outside -10..10

    const p = await startPoller(t, db, clock);
    t.strictSame(p.ingest.held(), ids, 'one poller leases every modbus meter');
    for (let tMs = T10 - 2 * MIN; tMs <= T10 + 46 * MIN; tMs += MIN) {
      meters.get(4)!.faults.silent = tMs >= T10 + 14 * MIN && tMs <= T10 + 16 * MIN;
      meters.get(6)!.faults.exception = tMs >= T10 + 3 * MIN && tMs <= T10 + 4 * MIN ? 0x04 : undefined;
      await tick(t, clock, [p], tMs, ids);
      if (tMs === T10 + 20 * MIN) meters.get(3)!.setImportedWh(50);
    }
    const failed = p.events.filter((e) => !e.ok).map((e) => [e.meterId, new Date(e.tickMs).toISOString().slice(11, 16)]);
    t.strictSame(failed.filter(([m]) => m !== 'mb-7'), [['mb-6', '10:03'], ['mb-6', '10:04'], ['mb-4', '10:14'], ['mb-4', '10:15'], ['mb-4', '10:16']]);
    const at1014 = p.events.filter((e) => e.tickMs === T10 + 14 * MIN);
    const silentDone = at1014.find((e) => e.meterId === 'mb-4')!.reportedAt;
    t.ok(at1014.filter((e) => e.meterId !== 'mb-4').every((e) => e.reportedAt < silentDone), 'a silent meter delays no other meter: theirs were done before its timeout');

    // Discovery: the marker at each base, the model chain, model 1's identity.
    const leases = await db.pool.query<{ meter_id: string; state: { sunspec: unknown } }>(`select meter_id, state from modbus_leases order by meter_id`);
    t.strictSame(leases.rows.slice(0, 3).map((r) => [r.meter_id, r.state.sunspec]), [
      ['mb-1', { base: 40000, meter: { id: 203, address: 40070, length: 105 } }],
      ['mb-2', { base: 0, meter: { id: 203, address: 70, length: 105 } }],
      ['mb-3', { base: 50000, meter: { id: 203, address: 50070, length: 105 } }],
    ]);
    const identity = await db.pool.query(`select id, manufacturer, model, serial_number from meters where id in ('mb-1', 'mb-7') order by id`);
    t.strictSame(identity.rows, [
      { id: 'mb-1', manufacturer: 'Keymeter Labs', model: 'SIM-203', serial_number: 'SN-0001' },
      { id: 'mb-7', manufacturer: null, model: null, serial_number: null },
    ]);

    // Values and scale factors: W 600 x 10^2 W, V 2771 x 10^-1, A 760 x 10^-1, PF 950 x 10^-1 %, Hz 6000 x 10^-2.
    const kw = await readingsOf(db, 'mb-1', 'kw');
    t.equal(kw.length, 48, 'a 1-minute kW interval for every completed minute, 09:58 to 10:45');
    t.ok(kw.every(([, v, q]) => v === 60 && q === 0));
    const at10 = async (kind: string) => (await readingsOf(db, 'mb-1', kind)).find(([ts]) => ts === '10:00');
    t.strictSame((await readingsOf(db, 'mb-1', 'v_a')).slice(0, 3), [['09:55', 277.1, 1], ['10:00', 277.1, 0], ['10:05', 277.1, 0]],
      'the interval polling started in has 2 of 5 samples: kept, marked estimated');
    t.strictSame(await at10('i_a'), ['10:00', 76, 0], '60 kW / 3 / (277.1 V x 0.95) = 75.98 A, 760 x 10^-1');
    t.strictSame(await at10('i_b'), ['10:00', 76.1, 0]);
    t.strictSame(await at10('pf'), ['10:00', 0.95, 0]);
    t.strictSame(await at10('hz'), ['10:00', 60, 0]);
    t.strictSame(await at10('kvar'), ['10:00', 19.7, 0], '19,721 var at VAR_SF 2: 197 x 10^2 var');
    const kvarh = await readingsOf(db, 'mb-1', 'kvarh_del');
    t.ok(kvarh.length === 3 && kvarh.every(([, v]) => Math.abs(v - 4.93026) < 0.0011), `Q1 varh: ${JSON.stringify(kvarh)}`);
    const vaChannel = (await db.pool.query<{ id: number }>(`select id from channels where meter_id = 'mb-1' and kind = 'v_a'`)).rows[0]!.id;
    t.strictSame((await selectExtremes(db.pool, vaChannel, T10, T10 + 5 * MIN)), [{ tsMs: T10, min: 277.1, max: 277.1, samples: 5 }], 'voltage min/max kept beside the mean');

    // Interval energy from the counter ramp: exact.
    t.strictSame(await readingsOf(db, 'mb-1', 'kwh_del'), QUARTERS_OK);
    t.strictSame(await readingsOf(db, 'mb-2', 'kwh_del'), QUARTERS_OK, 'through the acc32 rollover at 10:18');
    t.strictSame(await readingsOf(db, 'mb-3', 'kwh_del'), [['10:00', 15, 0], ['10:30', 15, 0]], 'the quarter with the reset is missing, never negative or huge');
    // Silent for three polls: the quarters whose shared boundary fell in the gap are estimated (and still exact).
    t.strictSame(await readingsOf(db, 'mb-4', 'kwh_del'), [['10:00', 15, 1], ['10:15', 15, 1], ['10:30', 15, 0]]);
    const kw4 = (await readingsOf(db, 'mb-4', 'kw')).map(([ts]) => ts);
    t.strictSame(['10:13', '10:14', '10:15', '10:16', '10:17'].filter((m) => kw4.includes(m)), ['10:13', '10:17'], 'no kW for the silent minutes');

    // Bad register values are missing, not garbage.
    t.equal((await readingsOf(db, 'mb-5', 'v_b')).length, 0, 'PhVphB 0x8000');
    t.equal((await readingsOf(db, 'mb-5', 'kw')).length, 0, 'W 0x8000');
    t.equal((await readingsOf(db, 'mb-5', 'hz')).length, 0, 'Hz_SF 50');
    t.strictSame(await readingsOf(db, 'mb-5', 'kwh_del'), QUARTERS_OK, 'the rest of the model still decodes');

    const letters = await db.pool.query<{ meter_id: string; code: string; detail: string; topic_or_unit: string; payload: Buffer }>(
      `select meter_id, code, detail, topic_or_unit, payload from ingest_dead_letters where source = 'modbus' order by meter_id, id`);
    t.strictSame(letters.rows.map((r) => [r.meter_id, r.code]), [
      ['mb-3', 'KM_INGEST_COUNTER_RESET'],
      ['mb-5', 'KM_INGEST_DECODE_RANGE'],
      ['mb-6', 'KM_MODBUS_EXCEPTION'],
      ['mb-7', 'KM_MODBUS_NOT_SUNSPEC'],
    ], 'one dead letter per reason: repeats within the hour are counted, not rewritten');
    const byMeter = new Map(letters.rows.map((r) => [r.meter_id, r]));
    t.match(byMeter.get('mb-3')!.detail, /^kwh_del counter went from 1022 to 1.05 between 2026-01-05T10:20:00Z and 2026-01-05T10:21:00Z without wrapping/);
    t.strictSame(JSON.parse(byMeter.get('mb-5')!.payload.toString()), { point: 'Hz_SF', address: 40087, raw: '0x0032' });
    t.match(byMeter.get('mb-6')!.detail, /exception 0x04 SERVER DEVICE FAILURE/);
    t.equal(byMeter.get('mb-6')!.topic_or_unit, `modbus://127.0.0.1:${server.port}/6`);
    t.match(byMeter.get('mb-7')!.detail, /no "SunS" marker at 40000, 0, 50000 .*0x0b GATEWAY TARGET DEVICE FAILED TO RESPOND/);
    t.equal(p.ingest.writer.stats.conflicts, 0);

    await p.ingest.close();
    const after = await db.pool.query(`select count(*)::int as held from modbus_leases where holder is not null`);
    t.strictSame(after.rows, [{ held: 0 }], 'leases given back on close');
    t.strictSame((await db.pool.query(`select count(*)::int as n from modbus_pollers`)).rows, [{ n: 0 }]);
  });
});
