import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Paths that may hold a secret. pino redacts them before serialization (PI: redaction).
 * Connection strings are also scrubbed by `redactUrl` wherever one is logged on purpose.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'apiKey',
  'key',
  'password',
  'token',
  'databaseUrl',
  'DATABASE_URL',
  'KEYMETER_ADMIN_KEY',
  '*.password',
  '*.token',
  '*.apiKey',
  '*.databaseUrl',
  '*.connectionString',
  'config.DATABASE_URL',
  'config.KEYMETER_ADMIN_KEY',
  // SMTP_URL may carry the SMTP password (smtp://user:pass@host).
  'SMTP_URL',
  'smtpUrl',
  '*.smtpUrl',
  '*.SMTP_URL',
  'config.SMTP_URL',
];

/** Replaces the password (and user info) of a URL for display: postgres://u:***@host/db. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'keymeter' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination ?? pino.destination({ dest: 2, sync: false }),
  );
}
