import { loadHistory } from '../../ingest/simulate/load-history.js';
import { demoMeterSpecs } from '../../ingest/simulate/demo-specs.js';
import { AccountBundle } from '../../src/core/bundle/schema.js';
import { importBundle } from '../../src/db/bundle-store.js';
import type { TestDb } from './db.js';
import { fixtureBundle } from './app.js';

/** The instant the report fixtures are "now": their history ends here. */
export const REPORT_NOW = Date.UTC(2025, 3, 10, 12);
export const REPORT_TZ = 'America/Chicago';
/** Local quarters in Chicago as UTC instants [start, end): CST starts, CDT ends. */
export const Q1_2024 = [Date.UTC(2024, 0, 1, 6), Date.UTC(2024, 3, 1, 5)] as const;
export const Q1_2025 = [Date.UTC(2025, 0, 1, 6), Date.UTC(2025, 3, 1, 5)] as const;

/**
 * The demo account acme-foods (America/Chicago; meters m-1001 with kWh and kvarh, m-1002 with kWh) with
 * simulated 15-minute kWh and kvarh over 2024-Q1 and 2025-Q1 (or the given windows), so that 2025-Q1 can
 * be compared with 2024-Q1. Only the energy channels are loaded: the reports read nothing else, and it
 * keeps the load short.
 */
export async function loadReportFixture(db: TestDb, overrides: { name?: string; history?: boolean; windows?: readonly (readonly [number, number])[] } = {}): Promise<void> {
  const bundle = await fixtureBundle();
  if (overrides.name !== undefined) bundle.name = overrides.name;
  await importBundle(db, bundle, 'test');
  if (overrides.history === false) return;
  const specs = demoMeterSpecs(AccountBundle.parse(bundle))
    .filter((s) => s.commodity === 'electric')
    .map((s) => ({ ...s, channels: s.channels.filter((c) => c.kind === 'kwh_del' || c.kind === 'kvarh_del') }));
  for (const [fromMs, toMs] of overrides.windows ?? [Q1_2024, Q1_2025]) await loadHistory(db.pool, db.log, specs, toMs, toMs - fromMs);
}
