/**
 * `section4.big`: latency of GET /v1/accounts/{id}/energy-profile for a large account, through the real
 * HTTP stack (buildApp + app.inject). The account has BENCH_SECTION4_METERS (default 20) electric meters
 * at one America/Chicago site, each with kwh_del and kvarh_del every 15 minutes for three local years
 * (2023-2025, about 4.2 million readings at 20 meters), from the simulator (ingest/simulate/profile.ts),
 * loaded through the bulk path (copyReadings, one transaction per meter and year).
 *
 * Cold is the first request after the load. Against a server it goes through a new pool (new sessions:
 * no prepared statement or cached plan) and a new app (an empty analysis cache); the server's buffer
 * cache stays warm from the load, which no benchmark can reset without privileges. Warm is the median of
 * WARM_RUNS later requests with no new readings, so the app answers from its analysis cache
 * (src/section4/analysis.ts); `buildMs` in the breakdown is buildSection4 without the cache, what a
 * request costs right after new readings arrived. Every
 * request must answer 200 with 36 monthly kWh figures. Then, outside HTTP, where a warm request's time
 * goes: the bundle read, the per-channel series queries (and what a scan-only query over the same rows
 * costs), summing the meters, the core steps, buildSection4 as a whole and JSON.stringify of the document.
 * Targets (for PostgreSQL; reported for every backend): warm < 100 ms and cold < 2 s (`meetsTarget`).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/config.js';
import { localCalendar } from '../src/core/calendar.js';
import { electricConsumption } from '../src/core/consumption.js';
import { loadFactors } from '../src/core/load-factor.js';
import { loadProfile } from '../src/core/load-profile.js';
import { powerFactors } from '../src/core/power-factor.js';
import { importBundle } from '../src/db/bundle-store.js';
import { schemaStatus } from '../src/db/migrate.js';
import { openDatabase, withTransaction, type Database, type Pool } from '../src/db/pool.js';
import { readBundle } from '../src/db/queries/bundle-read.js';
import { copyReadings } from '../src/db/queries/readings-bulk.js';
import { selectChannelsOfMeters } from '../src/db/queries/series.js';
import { createAnalysisCache } from '../src/section4/analysis.js';
import { buildSection4 } from '../src/section4/build.js';
import { electricTotals, fetchAccountSeries } from '../src/section4/series.js';
import { generateMeterSeries, type LoadProfile, type MeterSpec } from '../ingest/simulate/profile.js';
import { describeError, benchBackends, openBenchDatabase, withTimeout, type Backend } from './backends.js';
import { attempt, round } from './load-bulk.js';
import type { Benchmark, BenchContext, BenchResult } from './registry.js';

const NAME = 'section4.big';
const ACCOUNT_ID = 'bench-s4';
const SITE_ID = 'bench-s4-site';
const TIME_ZONE = 'America/Chicago';
const YEARS = [2023, 2024, 2025] as const;
const FROM = '2023-01-01';
const TO = '2025-12-31';
const EXPECTED_MONTHS = 36;
/** Local midnight of 1 January in Chicago (CST, UTC-6). */
const yearStartMs = (y: number): number => Date.UTC(y, 0, 1, 6);
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const WARM_RUNS = 5;
const BREAKDOWN_RUNS = 5;
const TARGET_WARM_MS = 100;
const TARGET_COLD_MS = 2_000;
const METERS_PER_TRANSFORMER = 10;
const PROFILES: readonly LoadProfile[] = ['industrial', 'commercial', 'office', 'hospital'];
const SETUP_TIMEOUT_MS = 60_000;
/** A request slower than this counts as hung. */
const REQUEST_TIMEOUT_MS = 120_000;
const SOURCE = 'bench';

const meterId = (i: number): string => `bench-s4-m${String(i).padStart(3, '0')}`;

/** 200-2,100 kW peaks, profiles in turn; the site's meters share outages, as the simulator's demo does. */
export function meterSpecs(meters: number): MeterSpec[] {
  return Array.from({ length: meters }, (_, i) => ({
    meterId: meterId(i),
    commodity: 'electric',
    channels: [{ kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'kvarh_del', intervalMinutes: 15 }],
    timezone: TIME_ZONE,
    peakKw: 200 + ((i * 370) % 1900),
    profile: PROFILES[i % PROFILES.length]!,
    seed: 1000 + i,
    outageKey: SITE_ID,
  }));
}

export function accountBundle(specs: readonly MeterSpec[]): Record<string, unknown> {
  const transformers = [];
  for (let t = 0; t * METERS_PER_TRANSFORMER < specs.length; t++) {
    const group = specs.slice(t * METERS_PER_TRANSFORMER, (t + 1) * METERS_PER_TRANSFORMER);
    const kva = Math.ceil(group.reduce((s, m) => s + m.peakKw, 0) * 1.25);
    transformers.push({ id: `bench-s4-t${t}`, kva, meterIds: group.map((m) => m.meterId), maintenanceIntervalMonths: 12, maintenance: [{ date: '2025-03-01', kind: 'inspection' }] });
  }
  return {
    id: ACCOUNT_ID,
    name: 'Benchmark large account',
    segment: 'industrial',
    facilityCosts: YEARS.map((year) => ({ year, totalUsd: 5_000_000 })),
    sites: [{
      id: SITE_ID,
      name: 'Benchmark plant',
      timezone: TIME_ZONE,
      meters: specs.map((m) => ({ id: m.meterId, channels: [{ kind: 'kwh_del' }, { kind: 'kvarh_del' }] })),
      transformers,
      supplyPath: [
        { id: 'bench-s4-sub', kind: 'substation' },
        ...transformers.map((t) => ({ id: t.id, kind: 'transformer', from: 'bench-s4-sub' })),
        ...transformers.flatMap((t) => t.meterIds.map((m) => ({ id: m, kind: 'meter', from: t.id }))),
      ],
    }],
  };
}

interface LoadOutcome {
  rows: number;
  loadSeconds: number;
  generateSeconds: number;
}

/** Every meter, year by year: simulate, then one copyReadings transaction. Times the two apart. */
export async function load(pool: Pool, specs: readonly MeterSpec[], log: BenchContext['log']): Promise<LoadOutcome> {
  const res = await pool.query<{ id: number; meter_id: string; kind: string }>(`select id, meter_id, kind from channels where meter_id = any($1::text[])`, [specs.map((s) => s.meterId)]);
  const channelOf = new Map(res.rows.map((r) => [`${r.meter_id}/${r.kind}`, r.id]));
  let rows = 0;
  let loadMs = 0;
  let generateMs = 0;
  for (const spec of specs) {
    for (const year of YEARS) {
      const g0 = performance.now();
      const sim = generateMeterSeries(spec, yearStartMs(year), yearStartMs(year + 1));
      const n = sim.channels.reduce((s, c) => s + c.tsMs.length, 0);
      const batch = { channelIds: new Int32Array(n), tsMs: new Float64Array(n), values: new Float64Array(n), quality: new Uint8Array(n) };
      let at = 0;
      for (const c of sim.channels) {
        const id = channelOf.get(`${spec.meterId}/${c.kind}`);
        if (id === undefined) throw new Error(`no channel ${c.kind} for meter ${spec.meterId}`);
        batch.channelIds.fill(id, at, at + c.tsMs.length);
        batch.tsMs.set(c.tsMs, at);
        batch.values.set(c.values, at);
        at += c.tsMs.length;
      }
      const l0 = performance.now();
      generateMs += l0 - g0;
      const out = await withTransaction(pool, (client) => copyReadings(client, batch, SOURCE));
      loadMs += performance.now() - l0;
      if (out.inserted !== n) throw new Error(`${spec.meterId} ${year}: ${out.inserted} of ${n} readings inserted`);
      rows += n;
    }
    log.debug({ meterId: spec.meterId, rows }, 'section4.big: meter loaded');
  }
  const stored = (await pool.query<{ n: number }>(`select count(*)::int as n from readings where channel_id = any($1::int[])`, [[...channelOf.values()]])).rows[0]!.n;
  if (stored !== rows) throw new Error(`${stored} readings stored, ${rows} loaded`);
  return { rows, loadSeconds: loadMs / 1000, generateSeconds: generateMs / 1000 };
}

const URL_PATH = `/v1/accounts/${ACCOUNT_ID}/energy-profile?from=${FROM}&to=${TO}`;

/** One request; throws unless 200 with 36 monthly kWh figures. Returns its wall time and body size. */
async function request(app: FastifyInstance): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await withTimeout(app.inject({ method: 'GET', url: URL_PATH, headers: { authorization: `Bearer ${ADMIN_KEY}` } }), REQUEST_TIMEOUT_MS, 'energy-profile request');
  const ms = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`energy-profile answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  const doc = res.json() as { consumption?: { electric?: { monthly?: { kwh: number | null }[] } } };
  const monthly = doc.consumption?.electric?.monthly ?? [];
  const withKwh = monthly.filter((m) => typeof m.kwh === 'number').length;
  if (monthly.length !== EXPECTED_MONTHS || withKwh !== EXPECTED_MONTHS) {
    throw new Error(`energy-profile gave ${monthly.length} months (${withKwh} with kWh), expected ${EXPECTED_MONTHS}`);
  }
  return { ms, bytes: res.rawPayload.length };
}

async function app(ctx: BenchContext, db: Pick<Database, 'pool' | 'embedded'>): Promise<FastifyInstance> {
  const config = loadConfig({ KEYMETER_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' });
  const a = await buildApp({ config, db, log: ctx.log });
  await a.ready();
  return a;
}

/** Against a server: a second pool on the scratch database, so the cold request starts new sessions. */
async function freshDatabase(ctx: BenchContext, backend: Backend, db: Database): Promise<Database | undefined> {
  if (backend !== 'postgres' || ctx.serverUrl === undefined) return undefined;
  const name = (await db.pool.query<{ name: string }>('select current_database() as name')).rows[0]!.name;
  const url = new URL(ctx.serverUrl);
  url.pathname = '/' + name;
  return openDatabase(ctx.config, ctx.log, { url: url.toString(), applicationName: 'keymeter-bench-api' });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

/**
 * Where a request's time goes, each part the median of BREAKDOWN_RUNS, in ms: the uncached parts
 * (bundle, series queries, sum, core, `buildMs` = buildSection4 without a cache) and `cachedBuildMs`
 * (buildSection4 answered from its analysis cache). `httpOverheadMs` is a (cached) request minus
 * cachedBuildMs: auth, routing, response validation and serialization.
 */
async function breakdown(pool: Pool, api: FastifyInstance): Promise<Record<string, number | null>> {
  const parts: Record<string, number[]> = { bundleMs: [], queryMs: [], scanOnlyMs: [], sumMs: [], coreMs: [], buildMs: [], cachedBuildMs: [], stringifyMs: [], httpOverheadMs: [] };
  const cache = createAnalysisCache(64);
  await buildSection4(pool, ACCOUNT_ID, { from: FROM, to: TO }, Date.now(), { cache });
  let bytes = 0;
  for (let r = 0; r < BREAKDOWN_RUNS; r++) {
    const [bundle, bundleMs] = await timed(() => readBundle(pool, ACCOUNT_ID));
    if (!bundle) throw new Error('the account is gone');
    const startMs = yearStartMs(YEARS[0]);
    const endMs = yearStartMs(YEARS[YEARS.length - 1]! + 1);
    const channels = await selectChannelsOfMeters(pool, bundle.sites.flatMap((s) => s.meters.map((m) => m.id)));
    const [series, queryMs] = await timed(() => fetchAccountSeries(pool, channels, startMs, endMs));
    // The same rows scanned without building or sending the arrays: the server's share of queryMs.
    const ids = (await pool.query<{ id: number }>(`select c.id from channels c join meters m on m.id = c.meter_id where m.site_id = $1`, [SITE_ID])).rows.map((x) => x.id);
    const [, scanOnlyMs] = await timed(async () => {
      for (const id of ids) {
        await pool.query(`select count(*), sum(value) from readings where channel_id = $1 and ts >= to_timestamp($2::float8 / 1000) and ts < to_timestamp($3::float8 / 1000)`, [id, startMs, endMs]);
      }
    });
    const [totals, sumMs] = await timed(() => electricTotals(series.electric));
    const [, coreMs] = await timed(() => {
      const cal = localCalendar(totals.kwh!, TIME_ZONE);
      const ec = electricConsumption(totals.kwh!, cal);
      loadFactors(ec);
      powerFactors(totals.pfKwh!, totals.pfKvarh!, cal, { peaks: ec.peaks });
      return loadProfile(totals.kwh!, cal);
    });
    const [doc, buildMs] = await timed(() => buildSection4(pool, ACCOUNT_ID, { from: FROM, to: TO }, Date.now()));
    const [, cachedBuildMs] = await timed(() => buildSection4(pool, ACCOUNT_ID, { from: FROM, to: TO }, Date.now(), { cache }));
    const [json, stringifyMs] = await timed(() => JSON.stringify(doc));
    bytes = json.length;
    const httpOverheadMs = (await request(api)).ms - cachedBuildMs;
    for (const [k, v] of Object.entries({ bundleMs, queryMs, scanOnlyMs, sumMs, coreMs, buildMs, cachedBuildMs, stringifyMs, httpOverheadMs })) parts[k]!.push(v);
  }
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(parts)) out[k] = round(median(v), 1);
  out.documentChars = bytes;
  return out;
}

async function measure(ctx: BenchContext, backend: Backend): Promise<BenchResult> {
  const meters = ctx.section4Meters;
  const specs = meterSpecs(meters);
  const db = await openBenchDatabase(backend, ctx);
  const result: BenchResult = { name: NAME, backend, unit: 'ms', value: null, meters, channels: meters * 2 };
  try {
    result.timescaledb = (await schemaStatus(db.pool)).timescaledb;
    await withTimeout(importBundle(db, accountBundle(specs), 'bench'), SETUP_TIMEOUT_MS, 'importing the account bundle');
    const expectedRows = meters * 2 * 105_216;
    const loaded = await attempt('load', expectedRows, () => load(db.pool, specs, ctx.log).then((o) => {
      Object.assign(result, { rows: o.rows, loadSeconds: round(o.loadSeconds, 1), loadRowsPerSec: round(o.rows / o.loadSeconds, 0), generateSeconds: round(o.generateSeconds, 1) });
      return o.loadSeconds;
    }));
    if (loaded.error !== undefined) return { ...result, loadError: loaded.error };

    const fresh = await freshDatabase(ctx, backend, db);
    const api = await app(ctx, fresh ?? db);
    try {
      const cold = await request(api);
      const warm: number[] = [];
      for (let i = 0; i < WARM_RUNS; i++) warm.push((await request(api)).ms);
      const warmMs = median(warm);
      const parts = await breakdown((fresh ?? db).pool, api);
      Object.assign(result, {
        value: round(warmMs, 1),
        warmMs: round(warmMs, 1),
        warmMinMs: round(Math.min(...warm), 1),
        coldMs: round(cold.ms, 1),
        coldFreshPool: fresh !== undefined,
        meetsTarget: warmMs < TARGET_WARM_MS && cold.ms < TARGET_COLD_MS,
        targetWarmMs: TARGET_WARM_MS,
        targetColdMs: TARGET_COLD_MS,
        monthlyKwh: EXPECTED_MONTHS,
        responseBytes: cold.bytes,
        ...parts,
      });
    } catch (err) {
      return { ...result, requestError: describeError(err) };
    } finally {
      await api.close();
      await fresh?.close();
    }
    return result;
  } finally {
    await db.close();
  }
}

export const section4Big: Benchmark = {
  name: NAME,
  description: 'GET energy-profile of BENCH_SECTION4_METERS (20) meters x kWh+kvarh x 3 years of 15-minute data via app.inject: cold and warm ms, per backend',
  async *run(ctx) {
    for (const backend of benchBackends(ctx)) yield await measure(ctx, backend);
  },
};
