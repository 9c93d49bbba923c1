import { z } from 'zod';

/** Log levels pino accepts (CONTRACT.md "Environment": LOG_LEVEL). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const postgresUrl = z
  .string()
  .refine((s) => /^postgres(ql)?:\/\//.test(s), 'must be a postgres:// or postgresql:// URL');
const mqttUrl = z
  .string()
  .refine((s) => /^(mqtts?|wss?|tcp|ssl):\/\//.test(s), 'must be an mqtt://, mqtts://, ws:// or wss:// URL');

const Env = z.object({
  DATABASE_URL: postgresUrl.optional(), // unset: the embedded TimescaleDB (CONTRACT.md)
  KEYMETER_DATA_DIR: z.string().min(1).default('./.keymeter'),
  MQTT_URL: mqttUrl.optional(), // unset: the embedded broker, demo only
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  KEYMETER_MQTT_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (it becomes part of $share/<group>/...)')
    .optional(),
  KEYMETER_MQTT_CLIENT_ID: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits and _ . : - (at most 100)').default('keymeter-ingest'),
  /** MQTT connections per ingest worker in its share group (used only with KEYMETER_MQTT_GROUP). */
  KEYMETER_MQTT_CONNECTIONS: z.coerce.number().int().min(1).max(64).default(32),
  /** This Modbus poller's name in the lease table; default host:pid:random (ingest/modbus/worker.ts). */
  KEYMETER_MODBUS_POLLER_ID: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits and _ . : - (at most 100)').optional(),
  /** Modbus polls in progress at once, across meters. */
  KEYMETER_MODBUS_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(32),
  /** Timeout of each Modbus request and connection attempt, in ms. */
  KEYMETER_MODBUS_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(3_000),
  /** Length of a Modbus meter lease, in s: a dead poller's meters are taken over within one lease. */
  KEYMETER_MODBUS_LEASE_SECONDS: z.coerce.number().int().min(3).max(3_600).default(30),
  /** Directory of JSON register maps (default fixtures/registermaps). */
  KEYMETER_MODBUS_MAPS_DIR: z.string().min(1).optional(),
  KEYMETER_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Rows per ingest flush (STYLE §7). */
  INGEST_BATCH_MAX_ROWS: z.coerce.number().int().positive().default(5_000),
  /**
   * Linger of an idle ingest writer before it flushes, in ms (STYLE §7). 0: flush as soon as the writer
   * is idle; what arrives during a flush goes into the next one (group commit), so a reading waits at
   * most one commit. A linger only pays when many sources publish at once: MQTT.js handles one message
   * at a time per connection, so on few connections it is pure latency.
   */
  INGEST_FLUSH_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** Ingest flushes that may run at once against a server (each its own transaction; embedded: 1). */
  INGEST_FLUSH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /** Requests per minute per API key (per client address before authentication); 0 turns limiting off. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Connections in the pg pool against a server; the embedded database always uses 1. */
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Memory for cached Section 4 analyses of interval data, in MiB (src/section4/analysis.ts); each
   * stays valid until a write changes one of its channels. 0 turns the cache off.
   */
  SECTION4_CACHE_MB: z.coerce.number().int().min(0).max(16_384).default(64),
  /** Per-statement limit for API queries, in ms. */
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  /**
   * SMTP server for scheduled report e-mails (src/reports/mailer.ts): smtp://[user:pass@]host[:port] or
   * smtps://...; unset: reports are stored, not sent. May hold a password: never logged.
   */
  SMTP_URL: z.string().refine((s) => /^smtps?:\/\/[^\s]+$/.test(s), 'must be an smtp:// or smtps:// URL').optional(),
  /** From: of report e-mails, an address or `Name <address>`; required with SMTP_URL. */
  REPORT_FROM: z
    .string()
    .refine((s) => /^([^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(s), 'must be an e-mail address, optionally as "Name <address>"')
    .optional(),
});

export type Config = Readonly<z.infer<typeof Env>>;

/** A configuration that failed validation; the message names each variable, never its value. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly { variable: string; message: string }[]) {
    super(
      'invalid configuration:\n' + issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once. Empty strings count as unset, as a shell `FOO=` usually means.
 * @throws ConfigError listing every bad variable by name (values are never echoed: they may be secrets).
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(Env.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') cleaned[key] = v;
  }
  const parsed = Env.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({
        variable: String(i.path[0] ?? '?'),
        message: i.code === 'invalid_value' || i.code === 'custom' || i.code === 'too_small' || i.code === 'too_big' || i.code === 'invalid_format'
          ? i.message
          : `invalid (${i.code})`,
      })),
    );
  }
  if (parsed.data.SMTP_URL !== undefined && parsed.data.REPORT_FROM === undefined) {
    throw new ConfigError([{ variable: 'REPORT_FROM', message: 'must be set when SMTP_URL is (the From: address of report e-mails)' }]);
  }
  return Object.freeze(parsed.data);
}
