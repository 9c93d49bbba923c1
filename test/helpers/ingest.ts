import type { Test } from 'tap';
import { importBundle } from '../../src/db/bundle-store.js';
import { startMqttIngest, type MqttIngest, type MqttIngestOptions } from '../../ingest/mqtt/worker.js';
import type { TestDb } from './db.js';
import type { TestBroker } from './mqtt.js';

/** A one-meter account whose meter id is unique on the broker; returns the meter id. */
export async function meterAccount(db: TestDb, broker: TestBroker, channels: { kind: string; intervalMinutes: number }[] = [{ kind: 'kwh_del', intervalMinutes: 15 }]): Promise<string> {
  const meterId = broker.unique('m');
  const accountId = broker.unique('acct');
  await importBundle(db, {
    id: accountId, name: 'Test account',
    sites: [{ id: broker.unique('site'), name: 'Site', timezone: 'America/Chicago', meters: [{ id: meterId, protocol: 'mqtt', channels }] }],
  }, 'test');
  return meterId;
}

/** Starts an in-process worker; stopped (and its sessions wiped) at teardown unless stopped before. */
export async function worker(t: Test, db: TestDb, broker: TestBroker, opts: Partial<MqttIngestOptions> & { clientId: string }): Promise<MqttIngest> {
  const w = await startMqttIngest(db.pool, db.log, { url: broker.url, maxBatchRows: 5000, flushIntervalMs: 0, ...opts });
  await w.ready;
  let stopped = false;
  const close = w.close.bind(w);
  w.close = async () => {
    if (stopped) return;
    stopped = true;
    await close();
  };
  t.teardown(async () => {
    await w.close();
    const n = opts.group ? (opts.connections ?? 8) : 1;
    await broker.forgetSessions(Array.from({ length: n }, (_, i) => (i === 0 ? opts.clientId : `${opts.clientId}-${i}`)));
  });
  return w;
}

export function readingsMessage(readings: { channel: string; ts: string | number; value: unknown; quality?: string }[]): string {
  return JSON.stringify({ readings });
}

/** 15-minute interval starts from `startIso`. */
export function quarterHours(startIso: string, n: number): string[] {
  const start = Date.parse(startIso);
  return Array.from({ length: n }, (_, i) => new Date(start + i * 15 * 60_000).toISOString());
}

export async function countReadings(db: TestDb, meterId: string): Promise<number> {
  const r = await db.pool.query<{ n: number }>(`select count(*)::int as n from readings r join channels c on c.id = r.channel_id where c.meter_id = $1`, [meterId]);
  return r.rows[0]!.n;
}
