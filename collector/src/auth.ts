import type { MiddlewareHandler } from 'hono';
import { ProblemError } from './errors.js';
import { matchesHash } from './store/credentials.js';
import type { Project, ProjectCache } from './store/projects.js';

/** What the ingest middleware leaves on the context. */
export interface IngestVariables {
  project: Project;
}

const unauthorized = (detail: string) =>
  new ProblemError({
    status: 401,
    title: 'Unauthorized',
    detail,
    headers: { 'WWW-Authenticate': 'Bearer realm="selfheal"' },
  });
const forbidden = (detail: string) => new ProblemError({ status: 403, title: 'Forbidden', detail });

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

/** Requires a project key as a bearer token or `?key=` (for sendBeacon), and sets `project`. */
export function requireProjectKey(
  projects: ProjectCache,
): MiddlewareHandler<{ Variables: IngestVariables }> {
  return async (c, next) => {
    const key = bearer(c.req.header('authorization')) ?? c.req.query('key');
    if (!key) {
      throw unauthorized('send the project key as "Authorization: Bearer <key>" or ?key=');
    }
    const project = await projects.byKey(key);
    if (!project) throw forbidden('the project key is not valid');
    c.set('project', project);
    await next();
  };
}
