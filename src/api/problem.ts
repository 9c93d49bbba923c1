/**
 * RFC 9457 problem details. Every error response of the API is `application/problem+json` with
 * `type`, `title`, `status`, `detail` (plus `instance`, `code`, and `errors` for validation failures).
 */
import { z } from 'zod';
import { ErrorCodes, type ErrorCode, type ErrorIssue } from '../errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const Problem = z
  .object({
    type: z.string().describe('A URI reference naming the problem type'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string().optional().describe('Stable Keymeter error code (docs/errors.md)'),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

/** /problems/meter-not-found from KM_METER_NOT_FOUND. */
export function problemType(code: ErrorCode): string {
  return '/problems/' + code.replace(/^KM_/, '').toLowerCase().replace(/_/g, '-');
}

export function problemOf(code: ErrorCode, detail: string, extra: { instance?: string; requestId?: string; errors?: ErrorIssue[] } = {}): Problem {
  const { status, title } = ErrorCodes[code];
  return {
    type: problemType(code),
    title,
    status,
    detail,
    ...(extra.instance === undefined ? {} : { instance: extra.instance }),
    code,
    ...(extra.requestId === undefined ? {} : { requestId: extra.requestId }),
    ...(extra.errors === undefined ? {} : { errors: extra.errors }),
  };
}

/** Response schemas for the error statuses a route can return, for OpenAPI. */
export function problemResponses(...statuses: number[]): Record<number, typeof Problem> {
  return Object.fromEntries(statuses.map((s) => [s, Problem]));
}
