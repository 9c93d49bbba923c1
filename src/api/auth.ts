/**
 * Bearer-token authentication and per-account authorization (CONTRACT.md "HTTP"). Keys are looked up by
 * the SHA-256 of the presented key; KEYMETER_ADMIN_KEY, when set, is an admin key compared in constant
 * time. Results are cached for KEY_CACHE_TTL_MS, so a revoked key stops working within that time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Pool } from '../db/pool.js';
import { KeymeterError } from '../errors.js';
import { findApiKeyByHash, touchApiKey } from '../db/queries/api-keys.js';

export const ROLES = ['admin', 'engineer', 'rep', 'report'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** Public key id (never the key itself): 'bootstrap-admin' for KEYMETER_ADMIN_KEY. */
  keyId: string;
  role: Role;
  /** Accounts a rep or report key may read; ignored for admin and engineer. */
  accountIds: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const KEY_CACHE_TTL_MS = 30 * 1000;
const KEY_CACHE_MAX = 10_000;

export const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export class Authenticator {
  readonly #adminHash: Buffer | undefined;
  readonly #cache = new Map<string, { principal: Principal | null; expiresMs: number }>();
  constructor(private readonly pool: Pool, adminKey: string | undefined, private readonly nowMs: () => number = Date.now) {
    this.#adminHash = adminKey === undefined ? undefined : sha256(adminKey);
  }

  /** The principal for an Authorization header, or throws KM_UNAUTHENTICATED. */
  async authenticate(header: string | undefined): Promise<Principal> {
    const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new KeymeterError('KM_UNAUTHENTICATED', 'send an API key as "Authorization: Bearer <key>"');
    const hash = sha256(m[1]!);
    if (this.#adminHash !== undefined && timingSafeEqual(hash, this.#adminHash)) {
      return { keyId: 'bootstrap-admin', role: 'admin', accountIds: [] };
    }
    const cacheKey = hash.toString('base64');
    const now = this.nowMs();
    const hit = this.#cache.get(cacheKey);
    let principal: Principal | null;
    if (hit && hit.expiresMs > now) {
      principal = hit.principal;
    } else {
      const row = await findApiKeyByHash(this.pool, hash);
      principal = row ? { keyId: row.id, role: row.role as Role, accountIds: row.accountIds } : null;
      if (this.#cache.size >= KEY_CACHE_MAX) this.#cache.clear();
      this.#cache.set(cacheKey, { principal, expiresMs: now + KEY_CACHE_TTL_MS });
      if (principal) touchApiKey(this.pool, principal.keyId).catch(() => undefined);
    }
    if (!principal) throw new KeymeterError('KM_UNAUTHENTICATED', 'the API key is not valid');
    return principal;
  }
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new KeymeterError('KM_UNAUTHENTICATED', 'authentication required');
  return req.principal;
}

/** Throws KM_FORBIDDEN unless the principal has one of `roles`. */
export function requireRole(req: FastifyRequest, ...roles: Role[]): Principal {
  const p = principalOf(req);
  if (!roles.includes(p.role)) throw new KeymeterError('KM_FORBIDDEN', `this needs the ${roles.join(' or ')} role; the key has '${p.role}'`);
  return p;
}

export function canReadAccount(p: Principal, accountId: string): boolean {
  return p.role === 'admin' || p.role === 'engineer' || p.accountIds.includes(accountId);
}

/** Throws KM_FORBIDDEN unless the principal may read this account. */
export function requireAccountRead(req: FastifyRequest, accountId: string): Principal {
  const p = principalOf(req);
  if (!canReadAccount(p, accountId)) throw new KeymeterError('KM_FORBIDDEN', 'this key may not read that account');
  return p;
}
