/**
 * GET / — the dashboard (CONTRACT.md "HTTP"): a static page, its script and its style, served by
 * @fastify/static from src/api/dashboard. The page signs in with an API key and uses the public /v1
 * API like any client; these files hold no data and need no authentication. The Section 4 document is
 * shown in a sandboxed frame from a blob: URL, so the policy allows frames from blob: and nothing else
 * beyond this origin.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // The Section 4 page in the frame inherits this policy (a blob: document does) and styles inline.
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  'frame-src blob:',
  "img-src 'self' data: blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('../dashboard/', import.meta.url)),
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    schemaHide: true,
    setHeaders(reply) {
      reply.header('content-security-policy', DASHBOARD_CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cache-control', 'no-cache');
    },
  });
};
