/**
 * Series for the forecast benchmarks: demo-like meters from the simulator (the demo accounts' specs,
 * ingest/simulate/demo-specs.ts) and the hourly meter data kept in fixtures/meterdata (source and licence
 * in fixtures/README.md), laid onto aligned IntervalSeries with NaN for absent intervals.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { AccountBundle } from '../src/core/bundle/schema.js';
import type { IntervalMinutes } from '../src/core/channels.js';
import type { IntervalSeries } from '../src/core/series.js';
import { demoMeterSpecs, generateMeterSeries, type MeterSpec } from '../ingest/simulate/profile.js';
import { isObservedHoliday } from '../ingest/simulate/local-time.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** °F to °C: (F − 32) × 5/9. */
const fahrenheitToCelsius = (f: number): number => ((f - 32) * 5) / 9;

/** A series to forecast, with what the forecast needs beside it. */
export interface BenchSeries {
  name: string;
  kwh: IntervalSeries;
  timeZone: string;
  holidays: string[];
  temperature?: IntervalSeries | undefined;
  source: string;
}

/** The simulator's kWh channel of `spec` over [startMs, endMs) at `intervalMinutes`, NaN in outages. */
export function simulatedKwh(spec: MeterSpec, startMs: number, endMs: number, intervalMinutes: IntervalMinutes): IntervalSeries {
  const stepMs = intervalMinutes * MINUTE_MS;
  const sim = generateMeterSeries({ ...spec, channels: [{ kind: 'kwh_del', intervalMinutes }] }, startMs, endMs);
  const ch = sim.channels[0]!;
  const values = new Float64Array(Math.round((endMs - startMs) / stepMs)).fill(Number.NaN);
  for (let i = 0; i < ch.tsMs.length; i++) values[(ch.tsMs[i]! - startMs) / stepMs] = ch.values[i]!;
  return { startMs, intervalMinutes, values };
}

/**
 * The holidays the simulator gives Sunday load (ingest/simulate/local-time.ts: six US federal holidays
 * with their observed days) over [startMs, endMs) plus a year, as local dates.
 */
export function simulatorHolidays(startMs: number, endMs: number): string[] {
  const out: string[] = [];
  for (let d = Math.floor(startMs / DAY_MS) - 1; d <= Math.ceil((endMs + 400 * DAY_MS) / DAY_MS); d++) {
    if (isObservedHoliday(d)) out.push(new Date(d * DAY_MS).toISOString().slice(0, 10));
  }
  return out;
}

/** The electric meters of the demo accounts (fixtures/accounts), as the demo simulates them. */
export async function demoSeries(startMs: number, endMs: number): Promise<BenchSeries[]> {
  const out: BenchSeries[] = [];
  for (const file of ['acme-foods.json', 'st-marys-hospital.json']) {
    const bundle = AccountBundle.parse(JSON.parse(await readFile(path.join(ROOT, 'fixtures/accounts', file), 'utf8')));
    for (const spec of demoMeterSpecs(bundle)) {
      if (spec.commodity !== 'electric') continue;
      out.push({
        name: `demo/${bundle.id}/${spec.meterId}`,
        kwh: simulatedKwh(spec, startMs, endMs, 15),
        timeZone: spec.timezone,
        holidays: simulatorHolidays(startMs, endMs),
        source: `ingest/simulate profile '${spec.profile}', peak ${spec.peakKw} kW`,
      });
    }
  }
  return out;
}

/** Rows of a gzipped CSV (header dropped): `[timestamp, value]` from the given columns. */
async function readCsvGz(file: string, tsColumn: number, valueColumn: number): Promise<[string, number][]> {
  const text = gunzipSync(await readFile(path.join(ROOT, 'fixtures/meterdata', file))).toString('utf8');
  const rows: [string, number][] = [];
  for (const line of text.split('\n').slice(1)) {
    if (line.trim() === '') continue;
    const cells = line.split(',');
    rows.push([cells[tsColumn]!, Number(cells[valueColumn])]);
  }
  return rows;
}

/** RFC 3339-ish timestamps of the eemeter samples: `2020-04-01 01:00:00+00:00`, `2015-11-22T00:00:00-06:00`, or naive UTC. */
function parseInstant(s: string): number {
  const iso = s.replace(' ', 'T');
  const ms = Date.parse(/[+-]\d\d:\d\d$|Z$/.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(ms)) throw new Error(`bad timestamp ${s}`);
  return ms;
}

/** Hourly rows onto a series from the first row's hour; a missing hour stays NaN, a repeated one keeps the first. */
function hourlySeries(rows: [string, number][], convert: (v: number) => number = (v) => v): IntervalSeries {
  const startMs = parseInstant(rows[0]![0]);
  const endMs = parseInstant(rows[rows.length - 1]![0]) + HOUR_MS;
  const values = new Float64Array((endMs - startMs) / HOUR_MS).fill(Number.NaN);
  for (const [ts, v] of rows) {
    const i = (parseInstant(ts) - startMs) / HOUR_MS;
    if (Number.isInteger(i) && i >= 0 && i < values.length && values[i] !== values[i] && Number.isFinite(v)) values[i] = convert(v);
  }
  return { startMs, intervalMinutes: 60, values };
}

/**
 * The hourly meter data in fixtures/meterdata: a real UK household (hourly kWh, °C; Europe/London, England
 * and Wales bank holidays are not applied: a household does not close for them) and eemeter's simulated
 * Illinois meter (°F converted to °C; America/Chicago).
 */
export async function fixtureSeries(): Promise<BenchSeries[]> {
  const uk = hourlySeries(await readCsvGz('uk-household-hourly-kwh.csv.gz', 0, 1));
  const ukT = hourlySeries(await readCsvGz('uk-hourly-temp-c.csv.gz', 1, 2));
  const il = hourlySeries(await readCsvGz('il-simulated-hourly-kwh.csv.gz', 0, 1));
  const ilT = hourlySeries(await readCsvGz('il-hourly-temp-f.csv.gz', 0, 1), fahrenheitToCelsius);
  return [
    { name: 'real/uk-household', kwh: uk, temperature: ukT, timeZone: 'Europe/London', holidays: [], source: 'openeemeter/eemeter uk-electricity-hdd-only-hourly-sample-0 (real household)' },
    { name: 'simulated/eemeter-il', kwh: il, temperature: ilT, timeZone: 'America/Chicago', holidays: [], source: 'openeemeter/eemeter il-electricity-cdd-hdd-hourly (simulated meter)' },
  ];
}
