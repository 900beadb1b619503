import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  decisionListSchema,
  decisionSchema,
  decisionStatusSchema,
  knowledgeListSchema,
} from '@selfheal/shared/protocol';
import { requireAdmin } from '../auth.js';
import type { Db } from '../db/database.js';
import { problem } from '../errors.js';
import type { ReviewResult } from '../loop/act.js';
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
/** The problem answer for a verdict that was not taken. */
function reviewProblem(result: Exclude<ReviewResult, { ok: true }>, id: string) {
  switch (result.reason) {
    case 'not_found':
      return problem(404, 'Not found', `this project has no decision ${id.slice(0, 128)}`);
    case 'not_pending':
      return problem(409, 'Conflict', `the decision is ${result.status}, not pending`);
    case 'changed':
      return problem(409, 'Conflict', 'the decision changed meanwhile; read it again');
  }
}

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
      const result = await deps.loop.review(project, id, verdict);
      if (!result.ok) throw reviewProblem(result, id);
      return c.json(toDecision(result.decision), 200);
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
