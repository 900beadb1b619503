import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  agentListSchema,
  issueDetailSchema,
  issueListSchema,
  statusSchema,
} from '@selfheal/shared/protocol';
import { requireAdmin } from '../auth.js';
import type { Db } from '../db/database.js';
import { ProblemError } from '../errors.js';
import { readSentryDsn } from '../store/dsn.js';
import { getIssue, listAgents, listIssues } from '../store/queries.js';
import { readStatus } from '../store/status.js';
import { projectQuery } from './decisions.js';
import { problemResponses } from './openapi.js';

/** What the read routes need. */
export interface ReadRouteDeps {
  db: Db;
  adminTokenHash: string;
  startedAt: number;
  /** Brings issue and agent figures up to date before they are read. */
  foldPending(): Promise<void>;
}

const limitQuery = z.object({
  project: projectQuery,
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const projectOnly = z.object({ project: projectQuery });
const fingerprintParam = z.object({ fingerprint: z.string().min(1).max(64) });

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  200: { description, content: { 'application/json': { schema } } },
  ...problemResponses(400, 401, 403),
});

/** Mounts the admin's read API: status, issues, agents. */
export function mountRead(app: OpenAPIHono, deps: ReadRouteDeps): void {
  const security = [{ adminToken: [] }];
  const middleware = [requireAdmin(deps.adminTokenHash)];

  const status = createRoute({
    method: 'get',
    path: '/api/status',
    summary: 'The fleet at a glance',
    security,
    middleware,
    request: { query: projectOnly },
    responses: json(statusSchema, 'Status'),
  });
  app.openapi(status, async (c) => {
    await deps.foldPending();
    const { project } = c.req.valid('query');
    const uptime = Math.round((Date.now() - deps.startedAt) / 1000);
    const [status, sentry] = await Promise.all([
      readStatus(deps.db, project, uptime),
      readSentryDsn(deps.db, project, new URL(c.req.url).origin),
    ]);
    return c.json({ ...status, sentry }, 200);
  });

  const issues = createRoute({
    method: 'get',
    path: '/api/issues',
    summary: 'Issues (events grouped by fingerprint), most frequent first',
    security,
    middleware,
    request: { query: limitQuery },
    responses: json(issueListSchema, 'Issues'),
  });
  app.openapi(issues, async (c) => {
    await deps.foldPending();
    const { project, limit } = c.req.valid('query');
    return c.json({ issues: await listIssues(deps.db, project, limit) }, 200);
  });

  const issue = createRoute({
    method: 'get',
    path: '/api/issues/{fingerprint}',
    summary:
      'One issue with its most recent events kept whole (repeats past a sample keep only their row)',
    security,
    middleware,
    request: { params: fingerprintParam, query: projectOnly },
    responses: { ...json(issueDetailSchema, 'The issue'), ...problemResponses(404) },
  });
  app.openapi(issue, async (c) => {
    const { fingerprint } = c.req.valid('param');
    await deps.foldPending();
    const detail = await getIssue(deps.db, c.req.valid('query').project, fingerprint);
    if (!detail) {
      throw new ProblemError({
        status: 404,
        title: 'Not found',
        detail: `no issue has fingerprint ${fingerprint}`,
      });
    }
    return c.json(detail, 200);
  });

  const agents = createRoute({
    method: 'get',
    path: '/api/agents',
    summary: 'Agents the collector has heard from',
    security,
    middleware,
    request: { query: projectOnly },
    responses: json(agentListSchema, 'Agents'),
  });
  app.openapi(agents, async (c) => {
    await deps.foldPending();
    return c.json({ agents: await listAgents(deps.db, c.req.valid('query').project) }, 200);
  });
}
