/**
 * `npm run bench [-- name ...]`: runs the named benchmarks (all when none is named) and prints one JSON
 * object per result line on stdout, `{"name", "unit", "value", ...}`, and nothing else there: logs and
 * diagnostics go to stderr, so `npm run bench --silent > results.jsonl` keeps a clean record.
 *
 * Environment (read here, once, as src/config.ts does for the service):
 *   BENCH_DATABASE_URL  PostgreSQL server to measure besides the embedded database
 *                       (falls back to TEST_DATABASE_URL; neither: embedded only)
 *   BENCH_BACKENDS      comma-separated backends to measure, of `embedded` and `postgres` (default: embedded,
 *                       and postgres when a server is named); `postgres` alone skips the embedded database
 *   BENCH_ROWS          rows for data-volume benchmarks (default 1,000,000; ingest.mqtt: 200,000)
 *   BENCH_SECTION4_METERS  electric meters of the section4.big account (default 20: about 4.2 million readings)
 *   BENCH_MQTT_URL      MQTT broker for ingest.mqtt (falls back to TEST_MQTT_URL, then to a broker
 *                       listening on 127.0.0.1:1883, then to the embedded aedes broker)
 *   BENCH_MQTT_CONNECTIONS  ingest worker connections in the shared-subscription group (default 32)
 *   LOG_LEVEL           Keymeter's log level, on stderr (default silent)
 * Exit status: 0 all ran, 1 a benchmark or one of its measurements failed, 2 an unknown name or a bad variable.
 */
import { z } from 'zod';
import { LOG_LEVELS, loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { BENCHMARKS, findBenchmark, type Benchmark, type BenchContext } from './registry.js';
import { describeError, type Backend } from './backends.js';

const DEFAULT_ROWS = 1_000_000;
const DEFAULT_MQTT_CONNECTIONS = 32;
const DEFAULT_SECTION4_METERS = 20;
const BACKENDS: readonly Backend[] = ['embedded', 'postgres'];

const postgresUrl = z.string().refine((s) => /^postgres(ql)?:\/\//.test(s), 'must be a postgres:// or postgresql:// URL');
const mqttUrl = z.string().refine((s) => /^(mqtts?|wss?|tcp|ssl|tls):\/\//.test(s), 'must be an mqtt:// (mqtts://, ws://, wss://) URL');
const BenchEnv = z.object({
  BENCH_DATABASE_URL: postgresUrl.optional(),
  TEST_DATABASE_URL: postgresUrl.optional(),
  BENCH_BACKENDS: z
    .string()
    .transform((s) => s.split(',').map((b) => b.trim()).filter((b) => b !== ''))
    .refine((list) => list.length > 0 && list.every((b) => (BACKENDS as readonly string[]).includes(b)), `must list ${BACKENDS.join(' and/or ')}, comma-separated`)
    .optional(),
  BENCH_ROWS: z.coerce.number().int().positive().optional(),
  BENCH_SECTION4_METERS: z.coerce.number().int().min(1).max(1000).default(DEFAULT_SECTION4_METERS),
  BENCH_MQTT_URL: mqttUrl.optional(),
  TEST_MQTT_URL: mqttUrl.optional(),
  BENCH_MQTT_CONNECTIONS: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MQTT_CONNECTIONS),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('silent'),
});

function fail(message: string, status: number): never {
  process.stderr.write(message + '\n');
  process.exit(status);
}

function usage(): string {
  return 'benchmarks:\n' + BENCHMARKS.map((b) => `  ${b.name.padEnd(16)} ${b.description}`).join('\n');
}

function selectBenchmarks(args: readonly string[]): Benchmark[] {
  if (args.length === 0) return [...BENCHMARKS];
  const unknown = args.filter((a) => findBenchmark(a) === undefined);
  if (unknown.length > 0) fail(`unknown benchmark: ${unknown.join(', ')}\n${usage()}`, 2);
  return args.map((a) => findBenchmark(a)!);
}

function benchContext(env: NodeJS.ProcessEnv): BenchContext {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = BenchEnv.safeParse(cleaned);
  if (!parsed.success) {
    fail('invalid environment:\n' + parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`).join('\n'), 2);
  }
  // The embedded backend is "no DATABASE_URL"; servers are named by the BENCH_ variables only.
  const config = loadConfig({ ...env, DATABASE_URL: '' });
  const serverUrl = parsed.data.BENCH_DATABASE_URL ?? parsed.data.TEST_DATABASE_URL;
  const backends = parsed.data.BENCH_BACKENDS === undefined
    ? BACKENDS.filter((b) => b === 'embedded' || serverUrl !== undefined)
    : BACKENDS.filter((b) => parsed.data.BENCH_BACKENDS!.includes(b));
  if (backends.includes('postgres') && serverUrl === undefined) fail('BENCH_BACKENDS names postgres, but neither BENCH_DATABASE_URL nor TEST_DATABASE_URL is set', 2);
  return {
    config,
    backends,
    log: createLogger(parsed.data.LOG_LEVEL),
    rows: parsed.data.BENCH_ROWS ?? DEFAULT_ROWS,
    rowsOverride: parsed.data.BENCH_ROWS,
    serverUrl,
    mqttUrl: parsed.data.BENCH_MQTT_URL ?? parsed.data.TEST_MQTT_URL,
    mqttConnections: parsed.data.BENCH_MQTT_CONNECTIONS,
    section4Meters: parsed.data.BENCH_SECTION4_METERS,
  };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h') || args.includes('--list')) fail(usage(), 0);
  const selected = selectBenchmarks(args);
  const ctx = benchContext(process.env);
  let status = 0;
  for (const bench of selected) {
    try {
      const results = bench.run(ctx);
      for await (const result of Symbol.asyncIterator in results ? results : await results) {
        process.stdout.write(JSON.stringify(result) + '\n');
        if (Object.entries(result).some(([k, v]) => k.endsWith('Error') && v !== undefined)) status = 1;
      }
    } catch (err) {
      process.stderr.write(`bench ${bench.name} failed: ${describeError(err)}\n`);
      if (err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
      status = 1;
    }
  }
  return status;
}

// Exit explicitly: a database that hung (see withTimeout) can leave handles open that would keep Node alive.
const status = await main();
process.stdout.write('', () => process.exit(status));
