/**
 * `import.greenbutton` and `import.csv`: readings per second through the file importers (parse, validate,
 * store through the bulk path in one transaction), next to plain COPY of the same rows into other
 * channels of the same database (bench/load-bulk.ts `timeCopy`). The target: at least 30% of COPY.
 *
 * - import.greenbutton: a one-year 15-minute Green Button file (35,040 readings, written by Keymeter's own
 *   exporter, core/espi/feed-writer.ts), imported into RUNS fresh meters; the median run.
 * - import.csv: 10 meters x 3 years of 15-minute kWh in the long format (1,051,200 rows; BENCH_ROWS
 *   overrides the count), imported once.
 * Files are generated into a temporary directory and removed afterwards.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import type pg from 'pg';
import { exportReadingType, exportScale } from '../src/core/espi/reading-type.js';
import { feedEnd, feedStart, IntervalBlockWriter, localTimeParametersEntry, meterReadingEntries, usagePointEntry } from '../src/core/espi/feed-writer.js';
import { localTimeParametersFor } from '../src/core/espi/local-time-parameters.js';
import { importGreenButton } from '../ingest/files/greenbutton/import-greenbutton.js';
import { importCsv } from '../ingest/files/csv/import-csv.js';
import { benchBackends, openBenchDatabase, type Backend } from './backends.js';
import { attempt, mulberry32, round, timeCopy, type TypedBatch } from './load-bulk.js';
import type { Benchmark, BenchContext, BenchResult } from './registry.js';

const MINUTE_MS = 60_000;
const INTERVAL_MS = 15 * MINUTE_MS;
const YEAR_INTERVALS = 365 * 96;
const START_MS = Date.UTC(2023, 0, 1);
const GB_RUNS = 3;
const CSV_METERS = 10;
const CSV_YEARS = 3;
const NOW_MS = Date.UTC(2030, 0, 1);

/** `count` meters with one 15-minute kWh channel each, in UTC; returns their channel ids in meter order. */
async function createMeters(pool: pg.Pool, prefix: string, count: number): Promise<number[]> {
  await pool.query(`insert into accounts (id, name) values ('bench-files', 'Benchmark') on conflict do nothing`);
  await pool.query(`insert into sites (id, account_id, position, name, timezone) values ('bench-files', 'bench-files', 0, 'Benchmark', 'UTC') on conflict do nothing`);
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
  await pool.query(`insert into meters (id, site_id, position) select id, 'bench-files', 0 from unnest($1::text[]) as m(id)`, [ids]);
  const r = await pool.query<{ meter_id: string; id: number }>(
    `insert into channels (meter_id, position, kind, unit, interval_minutes) select id, 0, 'kwh_del', 'kWh', 15 from unnest($1::text[]) as m(id) returning meter_id, id`, [ids]);
  const byMeter = new Map(r.rows.map((x) => [x.meter_id, x.id]));
  return ids.map((m) => byMeter.get(m)!);
}

/** Quarter-hour kWh with Wh resolution, a daytime shape and noise; `meters` series side by side. */
function readings(meters: number, intervals: number): { tsMs: Float64Array; values: Float64Array[] } {
  const rand = mulberry32(20230101);
  const tsMs = new Float64Array(intervals);
  const values = Array.from({ length: meters }, () => new Float64Array(intervals));
  for (let i = 0; i < intervals; i++) {
    tsMs[i] = START_MS + i * INTERVAL_MS;
    const hour = ((i % 96) / 4);
    const shape = 0.4 + 0.6 * Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI));
    for (let m = 0; m < meters; m++) values[m]![i] = Math.round((5 + 20 * shape) * (0.95 + 0.1 * rand()) * 1000) / 1000;
  }
  return { tsMs, values };
}

/** A Green Button file of one 15-minute kWh channel, written by the exporter's own code. */
async function writeGreenButton(file: string, tsMs: Float64Array, values: Float64Array): Promise<void> {
  const rt = exportReadingType('kwh_del', 'kWh');
  const scale = exportScale(Math.max(...values), 3, rt.unitExp);
  const updatedIso = '2030-01-01T00:00:00Z';
  const id = (k: string) => `urn:uuid:00000000-0000-5000-8000-${String(k.length).padStart(12, '0')}`;
  const parts = [
    feedStart({ id: id('feed'), title: 'bench', updatedIso, selfHref: '/bench' }),
    usagePointEntry({ id: id('up'), meterId: 'bench', serviceKind: 0, updatedIso }),
    localTimeParametersEntry({ id: id('ltp'), meterId: 'bench', timeZone: 'UTC', ltp: localTimeParametersFor('UTC', START_MS), updatedIso }),
    meterReadingEntries({ meterReadingId: id('mr'), readingTypeId: id('rt'), meterId: 'bench', kind: 'kwh_del', unit: 'kWh', readingType: rt, intervalMinutes: 15, pow10: scale.pow10, updatedIso }),
  ];
  const blocks = new IntervalBlockWriter({ meterId: 'bench', kind: 'kwh_del', intervalMinutes: 15, decimals: scale.decimals, updatedIso, idFor: id });
  for (let i = 0; i < tsMs.length; i++) parts.push(blocks.push(tsMs[i]!, values[i]!, 0));
  parts.push(blocks.flush(), feedEnd());
  await writeFile(file, parts.join(''));
}

/** The long CSV of `values` (one series per meter), meter-major like a per-meter export. */
async function writeCsv(file: string, meterIds: string[], tsMs: Float64Array, values: Float64Array[]): Promise<void> {
  const out = createWriteStream(file);
  out.write('meter,channel,ts,value\n');
  const iso = Array.from(tsMs, (t) => new Date(t).toISOString().replace('.000Z', 'Z'));
  for (let m = 0; m < meterIds.length; m++) {
    let chunk = '';
    for (let i = 0; i < iso.length; i++) {
      chunk += `${meterIds[m]},kwh_del,${iso[i]},${values[m]![i]}\n`;
      if (chunk.length > 1 << 20) {
        const ok = out.write(chunk);
        chunk = '';
        if (!ok) await once(out, 'drain');
      }
    }
    if (chunk !== '' && !out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function batchOf(channelIds: readonly number[], tsMs: Float64Array, values: Float64Array[]): TypedBatch {
  const n = tsMs.length * channelIds.length;
  const b: TypedBatch = { channelIds: new Int32Array(n), tsMs: new Float64Array(n), values: new Float64Array(n), quality: new Uint8Array(n) };
  let k = 0;
  for (let m = 0; m < channelIds.length; m++) {
    for (let i = 0; i < tsMs.length; i++, k++) {
      b.channelIds[k] = channelIds[m]!;
      b.tsMs[k] = tsMs[i]!;
      b.values[k] = values[m]![i]!;
    }
  }
  return b;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measureGreenButton(ctx: BenchContext, backend: Backend, file: string, data: ReturnType<typeof readings>): Promise<BenchResult> {
  const rows = data.tsMs.length;
  const db = await openBenchDatabase(backend, ctx);
  try {
    await createMeters(db.pool, 'gb', GB_RUNS);
    const seconds: number[] = [];
    let error: string | undefined;
    for (let r = 0; r < GB_RUNS && error === undefined; r++) {
      const run = await attempt('greenbutton', rows, async () => {
        const t0 = performance.now();
        const s = await importGreenButton(db.pool, { file, meterId: `gb-${String(r).padStart(3, '0')}`, nowMs: NOW_MS });
        if (s.stored !== rows) throw new Error(`${s.stored} of ${rows} readings stored`);
        return (performance.now() - t0) / 1000;
      });
      if (run.seconds === null) error = run.error;
      else seconds.push(run.seconds);
    }
    const copyChannels = await createMeters(db.pool, 'gbc', GB_RUNS);
    const copySeconds: number[] = [];
    for (const ch of copyChannels) {
      const c = await attempt('COPY', rows, () => timeCopy(db.pool, batchOf([ch], data.tsMs, [data.values[0]!]), [ch]));
      if (c.seconds !== null) copySeconds.push(c.seconds);
    }
    const rate = seconds.length === GB_RUNS ? rows / median(seconds) : null;
    const copyRate = copySeconds.length === GB_RUNS ? rows / median(copySeconds) : null;
    return {
      name: 'import.greenbutton', backend, unit: 'readings/s', value: round(rate, 0), rows, fileBytes: (await stat(file)).size, runs: GB_RUNS,
      seconds: round(seconds.length ? median(seconds) : null, 3), copyRowsPerSec: round(copyRate, 0), copySeconds: round(copySeconds.length ? median(copySeconds) : null, 3),
      ratio: rate === null || copyRate === null ? null : round(rate / copyRate, 3), meetsTarget: rate === null || copyRate === null ? null : rate / copyRate >= 0.3,
      importError: error,
    };
  } finally {
    await db.close();
  }
}

async function measureCsv(ctx: BenchContext, backend: Backend, file: string, data: ReturnType<typeof readings>): Promise<BenchResult> {
  const rows = data.tsMs.length * data.values.length;
  const db = await openBenchDatabase(backend, ctx);
  try {
    await createMeters(db.pool, 'csv', CSV_METERS);
    const run = await attempt('csv', rows, async () => {
      const t0 = performance.now();
      const s = await importCsv(db.pool, { file, skipBad: false, nowMs: NOW_MS });
      if (s.stored !== rows) throw new Error(`${s.stored} of ${rows} readings stored`);
      return (performance.now() - t0) / 1000;
    });
    const copyChannels = await createMeters(db.pool, 'csvc', CSV_METERS);
    const copy = await attempt('COPY', rows, () => timeCopy(db.pool, batchOf(copyChannels, data.tsMs, data.values), copyChannels));
    const rate = run.seconds === null ? null : rows / run.seconds;
    const copyRate = copy.seconds === null ? null : rows / copy.seconds;
    return {
      name: 'import.csv', backend, unit: 'readings/s', value: round(rate, 0), rows, fileBytes: (await stat(file)).size,
      seconds: round(run.seconds, 3), copyRowsPerSec: round(copyRate, 0), copySeconds: round(copy.seconds, 3),
      ratio: rate === null || copyRate === null ? null : round(rate / copyRate, 3), meetsTarget: rate === null || copyRate === null ? null : rate / copyRate >= 0.3,
      importError: run.error, copyError: copy.error,
    };
  } finally {
    await db.close();
  }
}

export const importGreenButtonBench: Benchmark = {
  name: 'import.greenbutton',
  description: `a one-year 15-minute Green Button file (${YEAR_INTERVALS} readings) through keymeter import greenbutton vs COPY, per backend (median of ${GB_RUNS})`,
  async *run(ctx) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'keymeter-bench-'));
    try {
      const data = readings(1, YEAR_INTERVALS);
      const file = path.join(dir, 'one-year-15min.xml');
      await writeGreenButton(file, data.tsMs, data.values[0]!);
      for (const backend of benchBackends(ctx)) yield await measureGreenButton(ctx, backend, file, data);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export const importCsvBench: Benchmark = {
  name: 'import.csv',
  description: `${CSV_METERS} meters x ${CSV_YEARS} years of 15-minute kWh in a long CSV through keymeter import csv vs COPY (BENCH_ROWS: total rows)`,
  async *run(ctx) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'keymeter-bench-'));
    try {
      const intervals = ctx.rowsOverride === undefined ? CSV_YEARS * YEAR_INTERVALS : Math.ceil(ctx.rowsOverride / CSV_METERS);
      const data = readings(CSV_METERS, intervals);
      const file = path.join(dir, 'ten-meters.csv');
      await writeCsv(file, Array.from({ length: CSV_METERS }, (_, i) => `csv-${String(i).padStart(3, '0')}`), data.tsMs, data.values);
      for (const backend of benchBackends(ctx)) yield await measureCsv(ctx, backend, file, data);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
