import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ErrorCodes, formatPath, KeymeterError, type ErrorCode } from '../errors.js';
import { classifyDbError } from '../db/errors.js';
import { PROBLEM_CONTENT_TYPE, problemOf } from './problem.js';

/** Fastify's own error codes that are the client's fault, mapped to ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'KM_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'KM_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'KM_VALIDATION',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'KM_VALIDATION',
  FST_ERR_CTP_EMPTY_TYPE: 'KM_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'KM_UNSUPPORTED_MEDIA_TYPE',
};

/** 5xx codes whose messages are written by Keymeter itself (no driver or SQL text), safe to show. */
const SAFE_DETAIL_5XX: ReadonlySet<ErrorCode> = new Set(['KM_NOT_READY']);

function send(reply: FastifyReply, req: FastifyRequest, code: ErrorCode, detail: string, errors?: { path: string; message: string }[]) {
  const body = problemOf(code, detail, { instance: req.url.split('?')[0]!, requestId: String(req.id), ...(errors ? { errors } : {}) });
  if (code === 'KM_UNAUTHENTICATED') reply.header('www-authenticate', 'Bearer realm="keymeter"');
  // Serialized here, not by a route's response schema: an error may come from any route.
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).serializer((x: unknown) => JSON.stringify(x)).send(body);
}

/**
 * One error handler for the whole app (STYLE §4): zod validation failures become 400 with an `errors`
 * extension; KeymeterErrors use the catalogue; a 5xx never carries the detail of an unexpected error
 * (that goes to the log with the request id).
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const errors = error.validation.map((v) => {
        // The type provider flattens the zod path into instancePath ("/sites/0/timezone").
        const segments = v.instancePath.split('/').slice(1).filter((x) => x !== '').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
        const p = formatPath(segments);
        return { path: where === 'body' ? p : `${where}${p === '(root)' ? '' : '.' + p}`, message: v.message ?? 'invalid' };
      });
      return send(reply, req, 'KM_VALIDATION', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
    }
    if (isResponseSerializationError(error)) {
      req.log.error({ err: error }, 'response failed its schema');
      return send(reply, req, 'KM_INTERNAL', 'internal error');
    }
    const classified = classifyDbError(error);
    if (classified instanceof KeymeterError) {
      const status = ErrorCodes[classified.code].status;
      if (status >= 500 && !SAFE_DETAIL_5XX.has(classified.code)) {
        req.log.error({ err: error, code: classified.code }, 'request failed');
        return send(reply, req, classified.code, ErrorCodes[classified.code].title);
      }
      return send(reply, req, classified.code, classified.message, classified.issues);
    }
    const fstCode = typeof error.code === 'string' ? FASTIFY_CODES[error.code] : undefined;
    if (fstCode) return send(reply, req, fstCode, error.message);
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      if (error.statusCode === 400) return send(reply, req, 'KM_VALIDATION', error.message);
      if (error.statusCode === 404) return send(reply, req, 'KM_NOT_FOUND', error.message);
      if (error.statusCode === 405) return send(reply, req, 'KM_METHOD_NOT_ALLOWED', error.message);
      if (error.statusCode === 406) return send(reply, req, 'KM_NOT_ACCEPTABLE', error.message);
      if (error.statusCode === 413) return send(reply, req, 'KM_PAYLOAD_TOO_LARGE', error.message);
      if (error.statusCode === 415) return send(reply, req, 'KM_UNSUPPORTED_MEDIA_TYPE', error.message);
      if (error.statusCode === 429) return send(reply, req, 'KM_RATE_LIMITED', error.message);
    }
    req.log.error({ err: error }, 'unexpected error');
    return send(reply, req, 'KM_INTERNAL', 'internal error');
  });
  app.setNotFoundHandler((req, reply) => send(reply, req, 'KM_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));
}
