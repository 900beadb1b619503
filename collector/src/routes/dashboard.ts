import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  fixListSchema,
  modelCallListSchema,
  trendBucketSchema,
  trendsSchema,
} from '@selfheal/shared/protocol';
import { requireAdmin } from '../auth.js';
import type { Database } from '../db/database.js';
import { getTrends, listFixes, listModelCalls } from '../store/dashboard-queries.js';
import { projectQuery } from './decisions.js';
import { problemResponses } from './openapi.js';

/** What the dashboard's own reads need. */
export interface DashboardRouteDeps {
  database: Database;
  adminTokenHash: string;
  /** Brings issue figures up to date before they are read. */
  foldPending(): Promise<void>;
}

const trendsQuery = z.object({
  project: projectQuery,
  bucket: trendBucketSchema.default('hour'),
  span: z.coerce
    .number()
    .int()
    .min(1)
    .max(168)
    .default(24)
    .meta({ description: 'How many buckets, up to now (1–168, default 24).' }),
});
const listQuery = z.object({
  project: projectQuery,
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  200: { description, content: { 'application/json': { schema } } },
  ...problemResponses(400, 401, 403),
});

/** Mounts the reads the dashboard draws beside status, issues and decisions: trends, fixes, model calls. */
export function mountDashboard(app: OpenAPIHono, deps: DashboardRouteDeps): void {
  const security = [{ adminToken: [] }];
  const middleware = [requireAdmin(deps.adminTokenHash)];

  const trends = createRoute({
    method: 'get',
    path: '/api/trends',
    summary: 'Success rate per strategy and occurrences per issue, bucket by bucket',
    description:
      'Verified outcomes per strategy, and occurrences of the 20 most frequent issues with the services and page origins they were seen on, over the last `span` hours or days (UTC buckets).',
    security,
    middleware,
    request: { query: trendsQuery },
    responses: json(trendsSchema, 'Trends'),
  });
  app.openapi(trends, async (c) => {
    const { project, bucket, span } = c.req.valid('query');
    await deps.foldPending();
    return c.json(await getTrends(deps.database, project, bucket, span), 200);
  });

  const fixes = createRoute({
    method: 'get',
    path: '/api/fixes',
    summary: 'Fixes agents reported and their verified outcomes, newest first',
    security,
    middleware,
    request: { query: listQuery },
    responses: json(fixListSchema, 'Fixes'),
  });
  app.openapi(fixes, async (c) => {
    const { project, limit } = c.req.valid('query');
    return c.json({ fixes: await listFixes(deps.database, project, limit) }, 200);
  });

  const calls = createRoute({
    method: 'get',
    path: '/api/model-calls',
    summary: 'Model calls behind decisions, with tokens and estimated cost, newest first',
    security,
    middleware,
    request: { query: listQuery },
    responses: json(modelCallListSchema, 'Model calls'),
  });
  app.openapi(calls, async (c) => {
    const { project, limit } = c.req.valid('query');
    return c.json({ calls: await listModelCalls(deps.database, project, limit) }, 200);
  });
}
