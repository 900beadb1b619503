import type { OpenAPIHono } from '@hono/zod-openapi';
import { healthSchema } from '@selfheal/shared/protocol';
import { requireAdmin } from '../auth.js';
import type { Database } from '../db/database.js';
import type { GroupCommit } from '../ingest/group-commit.js';
import type { Metrics } from '../metrics.js';
import { countRows } from '../store/queries.js';
import { problemResponses } from './openapi.js';

/** What the health and metrics routes need. */
export interface HealthRouteDeps {
  database: Database;
  adminTokenHash: string;
  metrics: Metrics;
  ingest: GroupCommit;
  startedAt: number;
  version: string;
}

/** Mounts `GET /api/health` (no auth) and `GET /metrics` (admin). */
export function mountHealth(app: OpenAPIHono, deps: HealthRouteDeps): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/health',
    summary: 'Liveness and database reachability (no auth)',
    responses: {
      200: { description: 'Up', content: { 'application/json': { schema: healthSchema } } },
      503: {
        description: 'The database is not reachable',
        content: { 'application/json': { schema: healthSchema } },
      },
    },
  });
  app.get('/api/health', async (c) => {
    const up = await deps.database.ping();
    return c.json(
      {
        status: up ? 'ok' : 'degraded',
        database: up ? 'up' : 'down',
        version: deps.version,
        uptime: Math.round((Date.now() - deps.startedAt) / 1000),
      },
      up ? 200 : 503,
    );
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    security: [{ adminToken: [] }],
    responses: {
      200: {
        description: 'Prometheus text format',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
      ...problemResponses(401, 403),
    },
  });
  app.get('/metrics', requireAdmin(deps.adminTokenHash), async (c) => {
    const rows = await countRows(deps.database.db);
    const text = deps.metrics.render({
      selfheal_issues: rows.issues,
      selfheal_agents: rows.agents,
      selfheal_ingest_queued_events: deps.ingest.queuedEvents,
      selfheal_uptime_seconds: Math.round((Date.now() - deps.startedAt) / 1000),
    });
    return c.text(text, 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
}
