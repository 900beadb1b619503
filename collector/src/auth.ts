import type { MiddlewareHandler } from 'hono';
import { ProblemError } from './errors.js';
import type { Keyring, Principal } from './store/keyring.js';
import { matchesHash } from './store/keys.js';

/** What the key middleware leaves on the context. */
export interface KeyVariables {
  principal: Principal;
}

const unauthorized = (detail: string) =>
  new ProblemError({
    status: 401,
    title: 'Unauthorized',
    detail,
    headers: { 'WWW-Authenticate': 'Bearer realm="selfheal"' },
  });

/** A 403 that says which key the request needs. */
export const forbidden = (detail: string) =>
  new ProblemError({ status: 403, title: 'Forbidden', detail });

/** The 403 for a project key used where only a service may speak. */
export const needsServiceKey = (what: string) =>
  forbidden(
    `${what} needs a service key (shs_…, made by the admin with POST /api/services/{service}/keys); the project key may only send page reports`,
  );

function bearer(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** Requires the admin token as a bearer token (or `?token=` where `allowQuery` is set). */
export function requireAdmin(tokenHash: string, allowQuery = false): MiddlewareHandler {
  return async (c, next) => {
    const token =
      bearer(c.req.header('authorization')) ?? (allowQuery ? c.req.query('token') : undefined);
    if (!token) {
      throw unauthorized('send the admin token as "Authorization: Bearer <token>"');
    }
    if (!matchesHash(token, tokenHash)) {
      throw forbidden('the admin token is not valid');
    }
    await next();
  };
}

/**
 * Requires a project key or a service key, as a bearer token or `?key=` (for sendBeacon), and
 * sets `principal`: who the key says sent the request. With `serviceOnly`, a project key is
 * refused with a 403 that names the key needed.
 */
export function requireKey(
  keys: Keyring,
  serviceOnly?: string,
): MiddlewareHandler<{ Variables: KeyVariables }> {
  return async (c, next) => {
    const key = bearer(c.req.header('authorization')) ?? c.req.query('key');
    if (!key) {
      throw unauthorized(
        'send a key as "Authorization: Bearer <key>" (or ?key=): the project key for pages, a service key for services',
      );
    }
    const principal = await keys.resolve(key);
    if (!principal) throw forbidden('the key is not valid (unknown or revoked)');
    if (serviceOnly && principal.role !== 'service') throw needsServiceKey(serviceOnly);
    c.set('principal', principal);
    await next();
  };
}
