import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import type { ChannelKind } from '../../src/core/channels.js';
import { RegisterMap } from '../../src/core/modbus/register-map.js';
import { startModbusServer } from '../../ingest/simulate/modbus-server.js';
import { RegisterMapMeter } from '../../ingest/simulate/register-map-meter.js';
import { ManualClock } from '../helpers/clock.js';
import { ROOT } from '../helpers/cli.js';
import { eachBackend } from '../helpers/db.js';
import { MIN, T10, modbusAccount, readingsOf, startPoller, tick } from '../helpers/modbus.js';

/** A float32 as stored: interval means are rounded to 1e-9 (src/core/modbus/interval-average.ts). */
const f32 = (x: number): number => Math.round(Math.fround(x) * 1e9) / 1e9;
const loadMap = async (name: string) => RegisterMap.parse(JSON.parse(await readFile(path.join(ROOT, 'fixtures/registermaps', `${name}.json`), 'utf8')));

/**
 * Meters without SunSpec, read through the two register maps of fixtures/registermaps (EM24: int32 with
 * the low word first and value weights; SDM630: float32 input registers), plus a meter that refuses a
 * block and one whose map does not exist. Load: 18 kW (0.3 kWh a minute, 4.5 kWh a quarter hour).
 */
t.test('register-map meters polled on loopback', async (t) => {
  eachBackend(t, async (t, db) => {
    const clock = new ManualClock(T10 - MIN);
    const values = (kind: ChannelKind): number | undefined => {
      const minutes = (clock.now() - T10) / MIN;
      switch (kind) {
        case 'kwh_del': return 1000 + 0.3 * minutes;
        case 'kw': return 18;
        case 'v_a': return 230.1;
        case 'v_b': return 229.8;
        case 'pf': return 0.953;
        case 'hz': return 50;
        case 'thd_v_a': return 2.5;
        default: return undefined;
      }
    };
    const sdm = new RegisterMapMeter(await loadMap('eastron-sdm630'), values);
    const sdmNoThd = new RegisterMapMeter(await loadMap('eastron-sdm630'), values);
    sdmNoThd.refuseFrom = 200;
    const em24 = new RegisterMapMeter(await loadMap('carlo-gavazzi-em24'), values);
    const server = await startModbusServer(new Map([[1, em24], [2, sdm], [3, sdmNoThd]]));
    t.teardown(() => server.close());
    const channels = ['kwh_del:15', 'kw:15', 'v_a:5', 'v_b:5', 'pf:15', 'hz:15', 'thd_v_a:15'].map((c) => ({ kind: c.split(':')[0]!, intervalMinutes: Number(c.split(':')[1]) }));
    const ids = ['rm-em24', 'rm-sdm', 'rm-sdm-no-thd', 'rm-unknown'];
    await modbusAccount(db, 'rm', [
      { id: 'rm-em24', port: server.port, unitId: 1, map: 'carlo-gavazzi-em24', channels },
      { id: 'rm-sdm', port: server.port, unitId: 2, map: 'eastron-sdm630', channels },
      { id: 'rm-sdm-no-thd', port: server.port, unitId: 3, map: 'eastron-sdm630', channels },
      { id: 'rm-unknown', port: server.port, unitId: 2, map: 'no-such-meter', channels },
    ]);
    const p = await startPoller(t, db, clock);
    for (let tMs = T10 - MIN; tMs <= T10 + 30 * MIN; tMs += MIN) await tick(t, clock, [p], tMs, ids);

    for (const id of ['rm-em24', 'rm-sdm', 'rm-sdm-no-thd']) {
      t.strictSame(await readingsOf(db, id, 'kwh_del'), [['10:00', 4.5, 0], ['10:15', 4.5, 0]], `${id}: interval energy`);
      t.strictSame((await readingsOf(db, id, 'kw')).find(([ts]) => ts === '10:00'), ['10:00', 18, 0]);
      t.strictSame((await readingsOf(db, id, 'pf')).find(([ts]) => ts === '10:00'), ['10:00', id === 'rm-em24' ? 0.953 : f32(0.953), 0]);
    }
    t.strictSame((await readingsOf(db, 'rm-em24', 'v_a')).find(([ts]) => ts === '10:00'), ['10:00', 230.1, 0], 'V*10 with the low word first');
    t.strictSame((await readingsOf(db, 'rm-sdm', 'v_b')).find(([ts]) => ts === '10:00'), ['10:00', f32(229.8), 0], 'float32 as the meter sends it');
    t.strictSame((await readingsOf(db, 'rm-sdm', 'thd_v_a')).find(([ts]) => ts === '10:00'), ['10:00', 2.5, 0]);
    t.equal((await readingsOf(db, 'rm-em24', 'thd_v_a')).length, 0, 'EM24 map has no THD');
    t.equal((await readingsOf(db, 'rm-sdm-no-thd', 'thd_v_a')).length, 0, 'refused block: missing');
    t.equal((await readingsOf(db, 'rm-unknown', 'kw')).length, 0);

    const letters = await db.pool.query<{ meter_id: string; code: string; detail: string }>(`select meter_id, code, detail from ingest_dead_letters order by meter_id`);
    t.strictSame(letters.rows.map((r) => [r.meter_id, r.code]), [['rm-sdm-no-thd', 'KM_MODBUS_EXCEPTION'], ['rm-unknown', 'KM_MODBUS_UNKNOWN_MAP']]);
    t.match(letters.rows[0]!.detail, /input registers 234\+6: exception 0x02 ILLEGAL DATA ADDRESS/);
    t.match(letters.rows[1]!.detail, /no register map 'no-such-meter' in .*fixtures\/registermaps/);
  });
});
