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

/** The key of a Sentry SDK: `sentry_key` in `X-Sentry-Auth` (or `Authorization: Sentry …`), or `?sentry_key=`. */
export function sentryKeyOf(
  header: string | undefined,
  query: string | undefined,
): string | undefined {
  const match = header?.match(/^\s*Sentry\s.*?\bsentry_key\s*=\s*([^,\s]+)/i);
  return match?.[1] ?? query;
}

/**
 * Requires the key of a Sentry DSN, as the SDKs send it, for the project numbered in the path
 * (`projectParam`): a project key sends as a page does, a service key as its service. A key of
 * another project is a 403.
 */
export function requireSentryKey(
  keys: Keyring,
  projectParam = 'projectId',
): MiddlewareHandler<{ Variables: KeyVariables }> {
  return async (c, next) => {
    const header = c.req.header('x-sentry-auth') ?? c.req.header('authorization');
    const key = sentryKeyOf(header, c.req.query('sentry_key'));
    if (!key) {
      throw new ProblemError({
        status: 401,
        title: 'Unauthorized',
        detail:
          "send the DSN's key as X-Sentry-Auth: Sentry sentry_key=<key> (or ?sentry_key=): the project key, or a service key",
        headers: { 'WWW-Authenticate': 'Sentry' },
      });
    }
    const principal = await keys.resolve(key);
    if (!principal) throw forbidden('the key is not valid (unknown or revoked)');
    if (String(principal.project.number) !== c.req.param(projectParam)) {
      throw forbidden(
        `this key belongs to project ${principal.project.number}, not ${String(c.req.param(projectParam)).slice(0, 32)}; use the DSN the collector shows for the project`,
      );
    }
    c.set('principal', principal);
    await next();
  };
}
