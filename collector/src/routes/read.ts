import type { OpenAPIHono } from '@hono/zod-openapi';
import {
  agentListSchema,
  issueDetailSchema,
  issueListSchema,
  statusSchema,
} from '@selfheal/shared/protocol';
import { z } from 'zod';
import { requireAdmin } from '../auth.js';
import type { Db } from '../db/database.js';
import { decisionStatus } from '../decide/store-status.js';
import { fromZodError, ProblemError } from '../errors.js';
import { getIssue, getStatus, listAgents, listIssues } from '../store/queries.js';
import { problemResponses } from './openapi.js';

/** What the read routes need. */
export interface ReadRouteDeps {
  db: Db;
  adminTokenHash: string;
  startedAt: number;
}

const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() });
const fingerprintParam = z.object({ fingerprint: z.string().min(1).max(64) });

const json = (schema: z.ZodType, description: string) => ({
  200: { description, content: { 'application/json': { schema } } },
  ...problemResponses(400, 401, 403),
});

/** Mounts the admin's read API: status, issues, agents. */
export function mountRead(app: OpenAPIHono, deps: ReadRouteDeps): void {
  const admin = requireAdmin(deps.adminTokenHash);
  const registry = app.openAPIRegistry;
  const security = [{ adminToken: [] }];

  registry.registerPath({
    method: 'get',
    path: '/api/status',
    summary: 'The fleet at a glance',
    security,
    responses: json(statusSchema, 'Status'),
  });
  app.get('/api/status', admin, async (c) => {
    const status = await getStatus(deps.db, Math.round((Date.now() - deps.startedAt) / 1000));
    return c.json({
      ...status,
      ...(await decisionStatus(deps.db, c.req.query('project') || 'default')),
    });
  });

  registry.registerPath({
    method: 'get',
    path: '/api/issues',
    summary: 'Issues (events grouped by fingerprint), most frequent first',
    security,
    request: { query: limitQuery },
    responses: json(issueListSchema, 'Issues'),
  });
  app.get('/api/issues', admin, async (c) => {
    const query = limitQuery.safeParse(c.req.query());
    if (!query.success) throw fromZodError(query.error, 'query.');
    return c.json({ issues: await listIssues(deps.db, query.data.limit) });
  });

  registry.registerPath({
    method: 'get',
    path: '/api/issues/{fingerprint}',
    summary: 'One issue with its most recent events',
    security,
    request: { params: fingerprintParam },
    responses: { ...json(issueDetailSchema, 'The issue'), ...problemResponses(404) },
  });
  app.get('/api/issues/:fingerprint', admin, async (c) => {
    const params = fingerprintParam.safeParse(c.req.param());
    if (!params.success) throw fromZodError(params.error, 'path.');
    const detail = await getIssue(deps.db, params.data.fingerprint);
    if (!detail)
      throw new ProblemError(
        404,
        'Not found',
        `no issue has fingerprint ${params.data.fingerprint}`,
      );
    return c.json(detail);
  });

  registry.registerPath({
    method: 'get',
    path: '/api/agents',
    summary: 'Agents the collector has heard from',
    security,
    responses: json(agentListSchema, 'Agents'),
  });
  app.get('/api/agents', admin, async (c) => c.json({ agents: await listAgents(deps.db) }));
}
