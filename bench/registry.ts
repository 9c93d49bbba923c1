/**
 * The benchmarks `npm run bench` knows, by name. A new benchmark is a new file under bench/ that exports
 * a `Benchmark`, plus one line in `BENCHMARKS` below: an explicit list rather than self-registration on
 * import (STYLE §14), so the set of names is visible in one place.
 */
import type { Config } from '../src/config.js';
import type { Logger } from '../src/log.js';
import type { Backend } from './backends.js';
import { coreProfile } from './core-profile.js';
import { forecastAccuracy } from './forecast-accuracy.js';
import { forecastFit } from './forecast-fit.js';
import { importCsvBench, importGreenButtonBench } from './import-files.js';
import { ingestModbus } from './ingest-modbus.js';
import { ingestMqtt } from './ingest-mqtt.js';
import { loadBulk } from './load-bulk.js';
import { pqYear } from './pq-year.js';
import { reportRender } from './report-render.js';
import { section4Big } from './section4-big.js';
import { tariffCompare } from './tariff-compare.js';

/**
 * One measurement, printed as one JSON line on stdout. A figure that could not be measured is null, and a
 * field named `<something>Error` (e.g. `copyError`) says why; the runner then exits with status 1.
 */
export interface BenchResult {
  name: string;
  unit: string;
  value: number | null;
  [extra: string]: unknown;
}

/** What every benchmark gets from the runner (parsed once from the environment in run.ts). */
export interface BenchContext {
  readonly config: Config;
  readonly log: Logger;
  /** Backends DB benchmarks measure, in order (BENCH_BACKENDS; default embedded, plus postgres with a server). */
  readonly backends: readonly Backend[];
  /** Row count for data-volume benchmarks (BENCH_ROWS, default 1,000,000). */
  readonly rows: number;
  /** BENCH_ROWS when it is set, for benchmarks whose own default differs from `rows`'s. */
  readonly rowsOverride: number | undefined;
  /** A PostgreSQL server to measure besides the embedded database (BENCH_DATABASE_URL or TEST_DATABASE_URL). */
  readonly serverUrl: string | undefined;
  /** MQTT broker named by BENCH_MQTT_URL or TEST_MQTT_URL; undefined: the benchmark looks for one itself. */
  readonly mqttUrl: string | undefined;
  /** Ingest worker connections in a shared-subscription group (BENCH_MQTT_CONNECTIONS, default 32). */
  readonly mqttConnections: number;
  /** Electric meters of the section4.big account (BENCH_SECTION4_METERS, default 20). */
  readonly section4Meters: number;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Yields results as they are measured, so a slow second backend does not hold back the first line. */
  run(ctx: BenchContext): AsyncIterable<BenchResult> | Promise<BenchResult[]>;
}

export const BENCHMARKS: readonly Benchmark[] = [loadBulk, ingestMqtt, ingestModbus, coreProfile, section4Big, pqYear, tariffCompare, forecastFit, forecastAccuracy, reportRender, importGreenButtonBench, importCsvBench];

export function findBenchmark(name: string): Benchmark | undefined {
  return BENCHMARKS.find((b) => b.name === name);
}
