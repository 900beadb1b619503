import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  createdServiceKeySchema,
  serviceKeyListSchema,
  serviceKeySchema,
  serviceNameSchema,
} from '@selfheal/shared/protocol';
import { eq } from 'drizzle-orm';
import { requireAdmin } from '../auth.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { projects } from '../db/schema.js';
import { problem } from '../errors.js';
import type { Keyring } from '../store/keyring.js';
import { createServiceKey, listServiceKeys, revokeServiceKey } from '../store/service-keys.js';
import { projectQuery } from './decisions.js';
import { problemResponses } from './openapi.js';

/** What the service key routes need. */
export interface ServiceKeyRouteDeps {
  db: Db;
  adminTokenHash: string;
  keys: Keyring;
  clock: Clock;
}

const serviceParam = z.object({ service: serviceNameSchema });
const keyParams = z.object({ service: serviceNameSchema, id: z.string().min(1).max(64) });
const projectOnly = z.object({ project: projectQuery });
const security = [{ adminToken: [] }];
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** Mounts making, listing and revoking service keys, behind the admin token. */
export function mountServiceKeys(app: OpenAPIHono, deps: ServiceKeyRouteDeps): void {
  const middleware = [requireAdmin(deps.adminTokenHash)];

  const assertProject = async (project: string) => {
    const [row] = await deps.db
      .select({ id: projects.id })
      .from(projects)
      .where(eq(projects.id, project));
    if (!row) throw problem(404, 'Not found', `there is no project ${project}`);
  };

  const create = createRoute({
    method: 'post',
    path: '/api/services/{service}/keys',
    summary: 'Make a key for a service',
    description:
      "The answer holds the secret, shown only here; the collector keeps its hash. Whoever holds the key is that service: its reports are a backend agent of that service whatever their body says, and it alone polls and acknowledges the service's commands. A service may have several keys (to rotate: make one, deploy it, revoke the old).",
    security,
    middleware,
    request: { params: serviceParam, query: projectOnly },
    responses: {
      201: json(createdServiceKeySchema, 'The new key, with its secret'),
      ...problemResponses(400, 401, 403, 404),
    },
  });
  app.openapi(create, async (c) => {
    const { service } = c.req.valid('param');
    const { project } = c.req.valid('query');
    await assertProject(project);
    const created = await createServiceKey(deps.db, project, service, deps.clock.now());
    deps.keys.forget();
    return c.json(created, 201);
  });

  const list = createRoute({
    method: 'get',
    path: '/api/services/{service}/keys',
    summary: "A service's keys (never their secrets), newest first",
    security,
    middleware,
    request: { params: serviceParam, query: projectOnly },
    responses: {
      200: json(serviceKeyListSchema, 'The keys'),
      ...problemResponses(400, 401, 403),
    },
  });
  app.openapi(list, async (c) => {
    const { service } = c.req.valid('param');
    const { project } = c.req.valid('query');
    return c.json({ keys: await listServiceKeys(deps.db, project, service) }, 200);
  });

  const revoke = createRoute({
    method: 'delete',
    path: '/api/services/{service}/keys/{id}',
    summary: 'Revoke a service key',
    description:
      'From then on the key is refused (on other collectors sharing the store, within 5 s). Revoking again changes nothing.',
    security,
    middleware,
    request: { params: keyParams, query: projectOnly },
    responses: {
      200: json(serviceKeySchema, 'The revoked key'),
      ...problemResponses(400, 401, 403, 404),
    },
  });
  app.openapi(revoke, async (c) => {
    const { service, id } = c.req.valid('param');
    const { project } = c.req.valid('query');
    const revoked = await revokeServiceKey(deps.db, { project, service, id }, deps.clock.now());
    if (!revoked) throw problem(404, 'Not found', `service ${service} has no key ${id}`);
    deps.keys.forget();
    return c.json(revoked, 200);
  });
}
