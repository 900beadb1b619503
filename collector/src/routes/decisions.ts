import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  decisionListSchema,
  decisionSchema,
  decisionStatusSchema,
  knowledgeListSchema,
} from '@selfheal/shared/protocol';
import { requireAdmin } from '../auth.js';
import type { Db } from '../db/database.js';
import { listKnowledge } from '../loop/learn.js';
import type { DecisionLoop } from '../loop/loop.js';
import { listDecisions, toDecision } from '../store/decisions.js';
import { problemResponses } from './openapi.js';

/** What the decision routes need. */
export interface DecisionRouteDeps {
  db: Db;
  adminTokenHash: string;
  loop: DecisionLoop;
}

/** `?project=`: every read is scoped to one project, `default` unless named. */
export const projectQuery = z
  .string()
  .min(1)
  .max(128)
  .default('default')
  .meta({ description: 'The project whose rows to read (default `default`).' });

const listQuery = z.object({
  project: projectQuery,
  status: decisionStatusSchema.optional(),
  fingerprint: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const knowledgeQuery = z.object({
  project: projectQuery,
  patternType: z.enum(['fingerprint', 'kind']).optional(),
  pattern: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const idParam = z.object({ id: z.string().min(1).max(128) });
const security = [{ adminToken: [] }];

/** Mounts decisions (list, approve, reject) and learned knowledge, all behind the admin token. */
export function mountDecisions(app: OpenAPIHono, deps: DecisionRouteDeps): void {
  const admin = requireAdmin(deps.adminTokenHash);

  const list = createRoute({
    method: 'get',
    path: '/api/decisions',
    summary: "A project's decisions, newest first",
    security,
    middleware: [admin] as const,
    request: { query: listQuery },
    responses: {
      200: {
        description: 'Decisions',
        content: { 'application/json': { schema: decisionListSchema } },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  app.openapi(list, async (c) => {
    const { project, ...filter } = c.req.valid('query');
    const rows = await listDecisions(deps.db, project, filter);
    return c.json({ decisions: rows.map(toDecision) }, 200);
  });

  for (const verdict of ['approve', 'reject'] as const) {
    const route = createRoute({
      method: 'post',
      path: `/api/decisions/{id}/${verdict}`,
      summary:
        verdict === 'approve'
          ? 'Approve a pending decision: dispatch its command'
          : 'Reject a pending decision: dismiss it and hold its strategy off for the fingerprint',
      description:
        'Idempotent for the same verdict; a decision that is no longer pending answers 409. The outcome feeds learning: an approved fix is verified like any other, a rejection counts against the strategy.',
      security,
      middleware: [admin] as const,
      request: { params: idParam, query: z.object({ project: projectQuery }) },
      responses: {
        200: {
          description: 'The decision now',
          content: { 'application/json': { schema: decisionSchema } },
        },
        ...problemResponses(400, 401, 403, 404, 409),
      },
    });
    app.openapi(route, async (c) => {
      const { id } = c.req.valid('param');
      const { project } = c.req.valid('query');
      const row = await deps.loop.review(project, id, verdict);
      return c.json(toDecision(row), 200);
    });
  }

  const knowledge = createRoute({
    method: 'get',
    path: '/api/knowledge',
    summary: 'What the collector learned, per pattern and strategy',
    description:
      'Verified attempts, successes, success rate and last outcome per (fingerprint or kind, strategy), what is held off, and the developer fixes learned.',
    security,
    middleware: [admin] as const,
    request: { query: knowledgeQuery },
    responses: {
      200: {
        description: 'Knowledge',
        content: { 'application/json': { schema: knowledgeListSchema } },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  app.openapi(knowledge, async (c) => {
    const { project, ...filter } = c.req.valid('query');
    const rows = await listKnowledge(deps.db, project, filter);
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    return c.json(
      {
        knowledge: rows.map((row) => ({
          patternType: row.patternType,
          pattern: row.pattern,
          strategy: row.strategy,
          attempts: row.attempts,
          successes: row.successes,
          failures: row.failures,
          successRate: row.attempts > 0 ? row.successes / row.attempts : null,
          consecutiveFailures: row.consecutiveFailures,
          lastOutcome: row.lastOutcome,
          lastOutcomeAt: iso(row.lastOutcomeAt),
          blockedUntil: iso(row.blockedUntil),
          cooldownUntil: iso(row.cooldownUntil),
          developerFix: row.developerFix,
        })),
      },
      200,
    );
  });
}
