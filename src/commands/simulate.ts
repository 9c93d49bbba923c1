/**
 * `keymeter simulate mqtt`: simulated meters publishing over MQTT (CONTRACT.md "MQTT") for the demo
 * accounts (every JSON in fixtures/accounts, or the bundles given). Three modes:
 *   --backfill 3y   history (90d, 12w, 12m, 1y, ...) ending at the last completed interval, then exit;
 *   --rate N        load test at N readings/s for --duration (default 60s), then print the achieved rate;
 *   (neither)       live: every --tick-seconds, the intervals that completed since the last tick,
 *                   until SIGINT/SIGTERM.
 * Only meters with `protocol: "mqtt"` are simulated. Progress goes to stderr (pino), the summary to stdout.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { AccountBundle } from '../core/bundle/schema.js';
import { formatPath, toError } from '../errors.js';
import { redactUrl } from '../log.js';
import { publishRange, runLive, runRate, type PublishTotals } from '../../ingest/simulate/mqtt-publisher.js';
import { demoMeterSpecs, type DemoMeterSpec } from '../../ingest/simulate/profile.js';
import { readJsonFile } from './import-account.js';
import { onShutdown, UsageError, type Runtime } from './runtime.js';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const SIMULATE_ACCOUNTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/accounts');
/** Live tick when --tick-seconds is not given, s. */
export const DEFAULT_TICK_SECONDS = 30;
/** Load-test length when --duration is not given. */
export const DEFAULT_RATE_DURATION_MS = 60 * SECOND_MS;
/** Longest backfill accepted (the generator has no limit; this catches a typo such as 300y). */
const MAX_BACKFILL_YEARS = 20;
/** After SIGINT/SIGTERM, how long in-flight publishes may take to be acknowledged before the client is closed anyway. */
const SHUTDOWN_GRACE_MS = 10 * SECOND_MS;
const CONNECT_TIMEOUT_MS = 10 * SECOND_MS;
const RECONNECT_PERIOD_MS = 1 * SECOND_MS;

export interface SimulateMqttOptions {
  /** History to publish, e.g. `3y`, `12m` (months), `90d`, `8w`. */
  backfill?: string;
  /** Load test: readings per second. */
  rate?: number;
  /** Load-test length, e.g. `60s`, `5m` (minutes), `1h`, or plain seconds. */
  duration?: string;
  /** Account bundle files; default every JSON in fixtures/accounts. */
  bundle?: string[];
  /** Live mode: seconds between ticks. */
  tickSeconds?: number;
}

/** `3y` → the instant that many years/months/weeks/days before `endMs` (UTC calendar). */
export function backfillStartMs(span: string, endMs: number): number {
  const m = /^\s*(\d+)\s*([dwmy])\s*$/i.exec(span);
  if (!m) throw new UsageError(`--backfill: '${span}' is not a span such as 90d, 8w, 12m or 3y`);
  const n = Number(m[1]);
  const u = m[2]!.toLowerCase();
  if (n <= 0) throw new UsageError('--backfill: the span must be positive');
  const d = new Date(endMs);
  if (u === 'd') d.setTime(endMs - n * DAY_MS);
  else if (u === 'w') d.setTime(endMs - 7 * n * DAY_MS);
  else if (u === 'm') d.setUTCMonth(d.getUTCMonth() - n);
  else d.setUTCFullYear(d.getUTCFullYear() - n);
  if (endMs - d.getTime() > MAX_BACKFILL_YEARS * 366 * DAY_MS) throw new UsageError(`--backfill: at most ${MAX_BACKFILL_YEARS} years`);
  // Start on a whole hour so the first interval of every channel is complete.
  return Math.floor(d.getTime() / HOUR_MS) * HOUR_MS;
}

/** `60s`, `5m`, `1h`, `250ms` or plain seconds, in ms. */
export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!m) throw new UsageError(`--duration: '${text}' is not a duration such as 60s, 5m or 1h`);
  const n = Number(m[1]);
  const scale = { ms: 1, s: SECOND_MS, m: MINUTE_MS, h: HOUR_MS }[(m[2] ?? 's').toLowerCase() as 'ms' | 's' | 'm' | 'h'];
  const ms = n * scale;
  if (!(ms > 0)) throw new UsageError('--duration must be positive');
  return ms;
}

/** The simulated meters of the bundles: those with protocol "mqtt". */
async function loadSpecs(files: readonly string[]): Promise<DemoMeterSpec[]> {
  const specs: DemoMeterSpec[] = [];
  for (const file of files) {
    const parsed = AccountBundle.safeParse(await readJsonFile(file));
    if (!parsed.success) {
      throw new UsageError(`${file}: invalid account bundle`, parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
    }
    specs.push(...demoMeterSpecs(parsed.data).filter((s) => s.protocol === 'mqtt'));
  }
  return specs;
}

function describe(totals: PublishTotals, meters: number): string {
  return `${totals.readings} readings and ${totals.events} events in ${totals.messages} messages for ${meters} meter${meters === 1 ? '' : 's'}`;
}

/**
 * `keymeter simulate mqtt` (see the module comment). Publishes to `rt.config.MQTT_URL` as client
 * `keymeter-sim-<pid>`; throws UsageError (exit 2) without MQTT_URL, for bad options or an invalid bundle.
 * `--duration` is used by `--rate` only.
 */
export async function simulateMqttCommand(rt: Runtime, opts: SimulateMqttOptions): Promise<void> {
  const url = rt.config.MQTT_URL;
  if (url === undefined) {
    throw new UsageError('keymeter simulate mqtt needs a broker: set MQTT_URL, e.g. MQTT_URL=mqtt://127.0.0.1:1883');
  }
  if (opts.backfill !== undefined && opts.rate !== undefined) throw new UsageError('--backfill and --rate cannot be combined');
  if (opts.rate !== undefined && !(Number.isFinite(opts.rate) && opts.rate > 0)) throw new UsageError('--rate must be a positive number of readings per second');
  const tickSeconds = opts.tickSeconds ?? DEFAULT_TICK_SECONDS;
  if (!(Number.isFinite(tickSeconds) && tickSeconds > 0)) throw new UsageError('--tick-seconds must be a positive number');
  const durationMs = opts.duration !== undefined ? parseDurationMs(opts.duration) : DEFAULT_RATE_DURATION_MS;
  const nowAtStart = Date.now();
  const backfillFromMs = opts.backfill !== undefined ? backfillStartMs(opts.backfill, nowAtStart) : undefined;

  const files = opts.bundle !== undefined && opts.bundle.length > 0
    ? opts.bundle
    : (await readdir(SIMULATE_ACCOUNTS_DIR)).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(SIMULATE_ACCOUNTS_DIR, f));
  const specs = await loadSpecs(files);
  if (specs.length === 0) throw new UsageError(`no meters with protocol "mqtt" and channels in ${files.join(', ')}`);

  const log = rt.log.child({ component: 'simulate.mqtt' });
  log.info({ broker: redactUrl(url), meters: specs.map((s) => s.meterId) }, 'connecting');
  const client = await mqtt.connectAsync(
    url,
    { protocolVersion: 4, clientId: `keymeter-sim-${process.pid}`, clean: true, connectTimeout: CONNECT_TIMEOUT_MS, reconnectPeriod: RECONNECT_PERIOD_MS },
    false, // fail fast if the broker is unreachable; reconnect afterwards
  );
  client.on('error', (err) => log.warn({ err }, 'mqtt error'));
  client.on('offline', () => log.warn('broker offline, reconnecting'));

  const ac = new AbortController();
  let work: Promise<string>;
  if (backfillFromMs !== undefined) {
    const endMs = nowAtStart;
    log.info({ from: new Date(backfillFromMs).toISOString(), to: new Date(endMs).toISOString() }, 'backfill starting');
    const t0 = performance.now();
    work = publishRange(client, specs, backfillFromMs, endMs, {
      signal: ac.signal,
      onProgress: (p) =>
        log.info({ through: new Date(p.throughMs).toISOString(), pct: Math.round((100 * (p.throughMs - p.startMs)) / (p.endMs - p.startMs)), readings: p.readings, messages: p.messages }, 'backfill progress'),
    }).then((t) => {
      const s = (performance.now() - t0) / SECOND_MS;
      return `backfill: ${describe(t, specs.length)}, ${new Date(backfillFromMs).toISOString()} to ${new Date(endMs).toISOString()}, in ${s.toFixed(1)} s (${Math.round(t.readings / s)} readings/s)${ac.signal.aborted ? ' (interrupted)' : ''}`;
    });
  } else if (opts.rate !== undefined) {
    const rate = opts.rate;
    log.info({ readingsPerSecond: rate, durationMs }, 'load test starting');
    work = runRate(client, specs, rate, durationMs, ac.signal, {
      onProgress: (r) => log.info({ readings: r.readings, elapsedMs: Math.round(r.elapsedMs), achievedPerSecond: Math.round(r.achievedPerSecond) }, 'load test progress'),
    }).then(
      (r) => `rate: achieved ${Math.round(r.achievedPerSecond)} readings/s (target ${rate}) over ${(r.elapsedMs / SECOND_MS).toFixed(1)} s: ${r.readings} readings in ${r.messages} messages`,
    );
  } else {
    log.info({ tickSeconds }, 'live meters running until SIGINT/SIGTERM');
    work = runLive(client, specs, {
      tickMs: tickSeconds * SECOND_MS,
      nowMs: () => Date.now(),
      signal: ac.signal,
      onTick: (t) => log.debug({ now: new Date(t.nowMs).toISOString(), readings: t.readings, events: t.events }, 'tick published'),
    }).then((t) => `live: ${describe(t, specs.length)}`);
  }

  // SIGINT/SIGTERM: stop publishing; in-flight publishes get a grace period to be acknowledged.
  let giveUp!: () => void;
  const gaveUp = new Promise<undefined>((resolve) => {
    giveUp = () => resolve(undefined);
  });
  const settled = work.then(() => undefined, () => undefined);
  void onShutdown(log, async () => {
    ac.abort();
    const timer = delay(() => {
      log.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'publishes still unacknowledged; closing the connection');
      giveUp();
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    await Promise.race([settled, gaveUp]);
    clearTimeout(timer);
  });

  let summary: string | undefined;
  try {
    summary = await Promise.race([work, gaveUp]);
  } catch (err) {
    await client.endAsync(true);
    throw toError(err);
  }
  if (summary === undefined) {
    await client.endAsync(true);
    process.stdout.write('interrupted: some publishes were not acknowledged\n');
    return;
  }
  await client.endAsync();
  process.stdout.write(`${summary}\n`);
}
