import t from 'tap';
import { ManualClock } from '../helpers/clock.js';
import { eachBackend } from '../helpers/db.js';
import { MIN, T10, modbusAccount, readingsOf, startPoller, sunspecGateway, tick, type TestPoller } from '../helpers/modbus.js';
import { eventually } from '../helpers/mqtt.js';

const LEASE_MS = 4000;
/** Slack on top of one lease for the scan that notices the expiry (statements, event loop, a loaded machine). */
const SCAN_SLACK_MS = 2000;

/** Every (meter, tick) polled, with the pollers that polled it. */
function pollsByTick(pollers: readonly TestPoller[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of pollers) {
    for (const e of p.events) {
      const k = `${e.meterId}@${new Date(e.tickMs).toISOString().slice(11, 16)}`;
      out.set(k, [...(out.get(k) ?? []), p.ingest.pollerId]);
    }
  }
  return out;
}

t.test('two pollers and ten meters: each meter polled by one poller; a dead poller is taken over within a lease', async (t) => {
  eachBackend(t, async (t, db) => {
    const clock = new ManualClock(T10);
    const { server } = await sunspecGateway(t, clock, Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i + 1, {}])));
    const ids = Array.from({ length: 10 }, (_, i) => `ls-${String(i + 1).padStart(2, '0')}`);
    await modbusAccount(db, 'ls', ids.map((id, i) => ({ id, port: server.port, unitId: i + 1, channels: [{ kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'kw', intervalMinutes: 1 }] })));

    const a = await startPoller(t, db, clock, { pollerId: 'poller-a', leaseMs: LEASE_MS });
    t.equal(a.ingest.held().length, 10, 'alone, the first poller leases all ten');
    await tick(t, clock, [a], T10, ids);
    const b = await startPoller(t, db, clock, { pollerId: 'poller-b', leaseMs: LEASE_MS });
    t.ok(await eventually(async () => a.ingest.held().length === 5 && b.ingest.held().length === 5, 15_000, 20), 'the fair share: five each');
    t.strictSame(a.ingest.held().filter((m) => b.ingest.held().includes(m)), [], 'disjoint');

    for (let k = 1; k <= 20; k++) await tick(t, clock, [a, b], T10 + k * MIN, ids);
    const polls = pollsByTick([a, b]);
    t.strictSame([...polls].filter(([, by]) => by.length !== 1), [], 'no meter polled twice at a tick');
    t.equal(polls.size, 10 * 21, 'every meter polled at every tick from 10:00 to 10:20');
    t.ok(b.events.length > 0 && a.events.length > 10, 'both pollers polled');

    // Poller A dies after its last state is saved (a crash in the middle of a poll is re-polled: see README).
    const aHeld = a.ingest.held();
    t.ok(await eventually(async () => (await db.pool.query(
      `select count(*)::int as n from modbus_leases where holder = 'poller-a' and (state->>'lastTickMs')::float8 = $1`, [T10 + 20 * MIN])).rows[0].n === aHeld.length, 10_000, 10));
    await a.ingest.abandon();
    // A renews no more: its leases run out one lease after its last renewal (the database's clock).
    const lastExpiry = (await db.pool.query<{ e: Date }>(`select max(expires_at) as e from modbus_leases where holder = 'poller-a'`)).rows[0]!.e;
    t.ok(await eventually(async () => b.ingest.held().length === 10, LEASE_MS + SCAN_SLACK_MS + 5_000, 10), 'B took over all ten');
    const acquired = (await db.pool.query<{ a: Date }>(`select max(acquired_at) as a from modbus_leases where meter_id = any($1::text[])`, [aHeld])).rows[0]!.a;
    const lateMs = acquired.getTime() - lastExpiry.getTime();
    t.ok(lateMs >= 0 && lateMs <= SCAN_SLACK_MS, `taken over ${lateMs} ms after the leases expired, i.e. within one lease (${LEASE_MS} ms) of A's last renewal plus one scan`);
    t.strictSame(aHeld.filter((m) => !b.ingest.held().includes(m)), []);

    for (let k = 21; k <= 31; k++) await tick(t, clock, [b], T10 + k * MIN, ids);
    t.strictSame([...a.events, ...b.events].filter((e) => !e.ok), [], 'no poll failed');
    const after = pollsByTick([a, b]);
    t.strictSame([...after].filter(([, by]) => by.length !== 1), [], 'still no meter polled twice at a tick');
    t.equal(after.size, 10 * 32);
    for (const id of ids) t.strictSame(await readingsOf(db, id, 'kwh_del'), [['10:00', 15, 0], ['10:15', 15, 0]], `${id}: continuous across the takeover (state carried in the lease)`);
    t.strictSame((await db.pool.query(`select count(*)::int as n from reading_conflicts`)).rows, [{ n: 0 }]);
  });
});
