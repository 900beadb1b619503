import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
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
  /** Brings issue and agent figures up to date before they are read. */
  foldPending(): Promise<void>;
}

/** Mounts `GET /api/health` (no auth) and `GET /metrics` (admin). */
export function mountHealth(app: OpenAPIHono, deps: HealthRouteDeps): void {
  const health = createRoute({
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
  app.openapi(health, async (c) => {
    const up = await deps.database.ping();
    const body = {
      status: up ? ('ok' as const) : ('degraded' as const),
      database: up ? ('up' as const) : ('down' as const),
      version: deps.version,
      uptime: Math.round((Date.now() - deps.startedAt) / 1000),
    };
    return up ? c.json(body, 200) : c.json(body, 503);
  });

  const metrics = createRoute({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    security: [{ adminToken: [] }],
    middleware: [requireAdmin(deps.adminTokenHash)],
    responses: {
      200: {
        description: 'Prometheus text format',
        content: { 'text/plain': { schema: z.string() } },
      },
      ...problemResponses(401, 403),
    },
  });
  app.openapi(metrics, async (c) => {
    await deps.foldPending();
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
