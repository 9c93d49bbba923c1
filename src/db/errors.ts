import { KeymeterError, type ErrorCode } from '../errors.js';

/**
 * Database errors classified by SQLSTATE, never by message text (PG `DatabaseError.code`).
 * Retryable codes get capped exponential backoff (GW `RETRYABLE_ERROR_CODES`).
 */
export const RETRYABLE_SQLSTATES: ReadonlyMap<string, { minDelayMs: number; maxDelayMs: number }> = new Map([
  ['40001', { minDelayMs: 10, maxDelayMs: 1_000 }], // serialization_failure
  ['40P01', { minDelayMs: 10, maxDelayMs: 1_000 }], // deadlock_detected
  ['57P03', { minDelayMs: 500, maxDelayMs: 5_000 }], // cannot_connect_now (server starting)
]);

const CODE_BY_SQLSTATE: ReadonlyMap<string, ErrorCode> = new Map([
  ['23505', 'KM_CONFLICT'], // unique_violation
  ['23503', 'KM_CONFLICT'], // foreign_key_violation
  ['57014', 'KM_DB_TIMEOUT'], // query_canceled (statement_timeout)
  ['57P01', 'KM_DB_UNAVAILABLE'], // admin_shutdown
  ['08000', 'KM_DB_UNAVAILABLE'],
  ['08003', 'KM_DB_UNAVAILABLE'],
  ['08006', 'KM_DB_UNAVAILABLE'],
]);

/** Node socket errors that mean the server is out of reach. */
const UNREACHABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isRetryable(err: unknown): boolean {
  const state = sqlState(err);
  return state !== undefined && RETRYABLE_SQLSTATES.has(state);
}

/** Maps a pg or socket error to a KeymeterError, keeping the original as `cause`; others pass through. */
export function classifyDbError(err: unknown): unknown {
  if (err instanceof KeymeterError) return err;
  const state = sqlState(err);
  const mapped = state === undefined ? undefined : CODE_BY_SQLSTATE.get(state);
  if (mapped !== undefined) return new KeymeterError(mapped, (err as Error).message, { cause: err });
  const errno = (err as { code?: unknown } | null)?.code;
  if (typeof errno === 'string' && UNREACHABLE_ERRNO.has(errno)) {
    return new KeymeterError('KM_DB_UNAVAILABLE', 'database unreachable', { cause: err });
  }
  if (err instanceof Error && /Connection terminated|timeout exceeded when trying to connect/i.test(err.message)) {
    // node-postgres raises these as plain Errors without a code.
    return new KeymeterError('KM_DB_UNAVAILABLE', 'database unreachable', { cause: err });
  }
  return err;
}
