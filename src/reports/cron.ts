/**
 * Cron expressions of report schedules, read with cron-parser 4.9 (the parser pg-boss 10 schedules with,
 * pinned to the version it depends on). Five fields only (minute hour day-of-month month day-of-week):
 * the timekeeper ticks once a minute, and cron-parser reads a sixth field as *seconds first*, so
 * `0 6 1 * * *` would silently mean 01:06:00 every day.
 */
import parser from 'cron-parser';
import { TimeZone } from '../core/bundle/schema.js';
import { KeymeterError, type ErrorIssue } from '../errors.js';

const FIELDS = 5;
/** cron-parser's prev() and next() are strict: a firing exactly at `ms` counts as "at or before" with this nudge. */
const INCLUSIVE_MS = 1;

/** Issues with a cron expression in a zone ([] when it is valid and fires at least once). */
export function cronIssues(expr: string, timeZone: string, field = 'cron'): ErrorIssue[] {
  if (!TimeZone.safeParse(timeZone).success) return [{ path: 'timezone', message: 'must be an IANA time zone such as America/Chicago' }];
  const fields = expr.trim().split(/\s+/).filter((f) => f !== '');
  if (fields.length !== FIELDS) return [{ path: field, message: 'must have 5 fields: minute hour day-of-month month day-of-week' }];
  try {
    parser.parseExpression(expr, { tz: timeZone }).next();
    return [];
  } catch (err) {
    return [{ path: field, message: `not a valid cron expression (${err instanceof Error ? err.message : String(err)})` }];
  }
}

/** @throws KeymeterError KM_VALIDATION naming the field when `cronIssues` finds any. */
export function checkCron(expr: string, timeZone: string, field = 'cron'): void {
  const issues = cronIssues(expr, timeZone, field);
  if (issues.length > 0) throw new KeymeterError('KM_VALIDATION', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
}

/** The first firing strictly after `afterMs` (epoch ms). */
export function nextFiringMs(expr: string, timeZone: string, afterMs: number): number {
  return parser.parseExpression(expr, { tz: timeZone, currentDate: new Date(afterMs) }).next().getTime();
}

/** The last firing at or before `atMs`. */
export function lastFiringMs(expr: string, timeZone: string, atMs: number): number {
  return parser.parseExpression(expr, { tz: timeZone, currentDate: new Date(atMs + INCLUSIVE_MS) }).prev().getTime();
}
