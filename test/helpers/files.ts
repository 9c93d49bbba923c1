import path from 'node:path';
import { importBundle } from '../../src/db/bundle-store.js';
import type { TestDb } from './db.js';
import { ROOT } from './cli.js';

export interface TestMeter {
  id: string;
  timezone: string;
  commodity?: 'electric' | 'gas' | 'water';
  channels: { kind: string; intervalMinutes: number; unit?: string }[];
}

/** One account 'files' with a site per meter (each in its own zone). */
export async function filesAccount(db: TestDb, meters: TestMeter[], accountId = 'files'): Promise<void> {
  await importBundle(db, {
    id: accountId, name: 'File imports',
    sites: meters.map((m) => ({ id: `site-${m.id}`, name: `Site of ${m.id}`, timezone: m.timezone, meters: [{ id: m.id, commodity: m.commodity ?? 'electric', protocol: 'file', channels: m.channels }] })),
  }, 'test');
}

export function greenButtonFixture(name: string): string {
  return path.join(ROOT, 'fixtures/greenbutton', name);
}

/** Stored readings of a meter's channel as [ISO ts, value, quality], ascending. */
export async function storedReadings(db: TestDb, meterId: string, kind: string): Promise<[string, number, number][]> {
  const r = await db.pool.query<{ ts: Date; value: number; quality: number }>(
    `select r.ts, r.value, r.quality from readings r join channels c on c.id = r.channel_id where c.meter_id = $1 and c.kind = $2 order by r.ts`, [meterId, kind]);
  return r.rows.map((x) => [x.ts.toISOString(), x.value, x.quality]);
}

export async function count(db: TestDb, sql: string, values: unknown[] = []): Promise<number> {
  return (await db.pool.query<{ n: number }>(`select count(*)::int as n from (${sql}) q`, values)).rows[0]!.n;
}
