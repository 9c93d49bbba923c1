import net from 'node:net';
import t from 'tap';
import { ModbusConnection, ModbusReadError } from '../../ingest/modbus/connection.js';
import { nextTick } from '../../ingest/modbus/meter-runner.js';
import { RepeatFilter } from '../../ingest/modbus/repeat-filter.js';
import { startModbusServer } from '../../ingest/simulate/modbus-server.js';
import { SunSpecMeter } from '../../ingest/simulate/sunspec-meter.js';
import { ManualClock } from '../helpers/clock.js';
import { T10, steady } from '../helpers/modbus.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const failure = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof ModbusReadError ? `${err.failure}: ${err.message}` : String(err);
  }
};

t.test('reconnect with exponential backoff and jitter; no attempt while it runs', async (t) => {
  const clock = new ManualClock(T10);
  const port = await closedPort();
  const conn = new ModbusConnection({ host: '127.0.0.1', port, unitId: 1 }, {
    requestTimeoutMs: 500, connectTimeoutMs: 500, backoffMinMs: 1000, backoffMaxMs: 8000, clock, random: () => 0,
  });
  t.teardown(() => conn.close());
  t.match(await failure(conn.read('holding', 40000, 2)), /^offline: connect to 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  t.equal(conn.retryAtMs, T10 + 500, 'first backoff 1 s × jitter 0.5');
  t.match(await failure(conn.read('holding', 40000, 2)), /^offline: reconnecting in 500 ms \(after 1 failures\)/, 'no attempt during the backoff');
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    clock.set(conn.retryAtMs);
    await failure(conn.read('holding', 40000, 2));
    delays.push(conn.retryAtMs - clock.now());
  }
  t.strictSame(delays, [1000, 2000, 4000, 4000, 4000], 'doubling, capped at 8 s × 0.5');

  // The meter comes up on that port: the next attempt after the backoff connects and reads.
  const meter = new SunSpecMeter({ measure: steady(), now: () => clock.now() });
  const server = await startModbusServer(new Map([[1, meter]]), { port });
  t.teardown(() => server.close());
  clock.set(conn.retryAtMs);
  const view = await conn.read('holding', 40000, 2);
  t.equal(view.getUint16(0), 0x5375, '"Su"');
  t.ok(conn.connected);
});

t.test('a timeout closes the connection; an exception leaves it open', async (t) => {
  const clock = new ManualClock(T10);
  const meter = new SunSpecMeter({ measure: steady(), now: () => clock.now() });
  const server = await startModbusServer(new Map([[1, meter]]));
  t.teardown(() => server.close());
  const conn = new ModbusConnection({ host: '127.0.0.1', port: server.port, unitId: 1 }, {
    requestTimeoutMs: 200, connectTimeoutMs: 500, backoffMinMs: 1000, backoffMaxMs: 8000, clock, random: () => 0.5,
  });
  t.teardown(() => conn.close());
  t.match(await failure(conn.read('holding', 0, 2)), /^exception: holding registers 0\+2: exception 0x02 ILLEGAL DATA ADDRESS/);
  t.ok(conn.connected, 'an exception is an answer');
  meter.faults.silent = true;
  t.match(await failure(conn.read('holding', 40000, 2)), /^timeout: holding registers 40000\+2: no answer within 200 ms/);
  t.notOk(conn.connected, 'closed after the timeout');
  meter.faults.silent = false;
  clock.set(conn.retryAtMs);
  t.equal((await conn.read('holding', 40000, 2)).getUint16(2), 0x6e53, 'reconnected: "nS"');
});

t.test('ticks are multiples of the period, never one already polled', async (t) => {
  const P = 60_000;
  t.equal(nextTick(T10 + 1, P, null), T10 + P);
  t.equal(nextTick(T10, P, null), T10, 'now is a tick: poll it');
  t.equal(nextTick(T10, P, T10), T10 + P, 'unless it was polled (by this poller or the last holder of the lease)');
  t.equal(nextTick(T10 + 5 * P + 7, P, T10), T10 + 6 * P, 'ticks missed while busy are skipped, not caught up');
});

t.test('a repeated dead-letter reason is written once per window, with the count', async (t) => {
  const f = new RepeatFilter(3_600_000);
  t.strictSame(f.admit('k', 0), { write: true, note: '' });
  t.strictSame(f.admit('k', 60_000), { write: false, note: '' });
  t.strictSame(f.admit('k', 120_000), { write: false, note: '' });
  t.strictSame(f.admit('other', 120_000), { write: true, note: '' });
  t.strictSame(f.admit('k', 3_600_000), { write: true, note: ' (repeated 2 more times since 1970-01-01T00:00:00.000Z)' });
});
