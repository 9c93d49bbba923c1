/**
 * What every command needs: the configuration, a logger, the database, and an orderly shutdown on
 * SIGINT/SIGTERM (stop intake, close the server, close the pool, stop the embedded database).
 */
import { ConfigError, loadConfig, type Config } from '../config.js';
import { ErrorCodes, KeymeterError, toError, type ErrorIssue } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { openDatabase, type Database } from '../db/pool.js';

/** Exit codes (CONTRACT.md "Command line"). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Bad usage or invalid input: exit 2, with the offending file, line or field in the message. */
export class UsageError extends Error {
  constructor(message: string, readonly issues?: readonly ErrorIssue[]) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Runtime {
  config: Config;
  log: Logger;
}

export function loadRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  const config = loadConfig(env);
  return { config, log: createLogger(config.LOG_LEVEL) };
}

export function openDb(rt: Runtime): Promise<Database> {
  return openDatabase(rt.config, rt.log);
}

/** Client-side errors (exit 2) versus runtime failures (exit 1). */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError || err instanceof UsageError) return EXIT_USAGE;
  if (err instanceof KeymeterError) return err.status >= 400 && err.status < 500 ? EXIT_USAGE : EXIT_FAILURE;
  return EXIT_FAILURE;
}

/** Prints an error for a person on stderr (never a stack for input errors) and returns its exit code. */
export function reportError(err: unknown, log?: Logger): number {
  const code = exitCodeFor(err);
  const e = toError(err);
  if (code === EXIT_USAGE) {
    const issues = err instanceof KeymeterError || err instanceof UsageError ? err.issues : undefined;
    if (issues && issues.length > 0) {
      const head = err instanceof KeymeterError ? ErrorCodes[err.code].title : e.message;
      process.stderr.write(`keymeter: ${head}\n`);
      for (const i of issues) process.stderr.write(`  ${i.path}: ${i.message}\n`);
    } else {
      process.stderr.write(`keymeter: ${e.message}\n`);
    }
  } else {
    log?.error({ err: e }, 'command failed');
    process.stderr.write(`keymeter: ${e.message}\n`);
  }
  return code;
}

/**
 * Resolves when SIGINT or SIGTERM arrives, after running `stop` once. A second signal during the stop
 * exits at once with status 1.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(EXIT_FAILURE);
      }
      stopping = true;
      log.info({ signal }, 'shutting down');
      stop().then(resolve, (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  });
}
