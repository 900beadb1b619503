import type { LlmUsageFigures, Status } from '@selfheal/shared/protocol';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { llmUsage } from '../db/schema.js';
import { listDecisions, toDecision } from './decisions.js';
import { listEscalations, toEscalation } from './escalations.js';
import { outcomeFigures } from './outcomes.js';

/** Model calls of `project`, per model and in total. */
export async function llmFigures(db: Db, project: string): Promise<LlmUsageFigures> {
  const rows = await db
    .select({
      model: llmUsage.model,
      calls: sql<number>`count(*) filter (where not ${llmUsage.cached})`.mapWith(Number),
      promptTokens: sql<number>`coalesce(sum(${llmUsage.promptTokens}), 0)`.mapWith(Number),
      completionTokens: sql<number>`coalesce(sum(${llmUsage.completionTokens}), 0)`.mapWith(Number),
      costUsd: sql<number>`coalesce(sum(${llmUsage.costUsd}), 0)`.mapWith(Number),
    })
    .from(llmUsage)
    .where(eq(llmUsage.projectId, project))
    .groupBy(llmUsage.model);
  const total = (key: 'calls' | 'promptTokens' | 'completionTokens' | 'costUsd') =>
    rows.reduce((n, row) => n + row[key], 0);
  return {
    calls: total('calls'),
    promptTokens: total('promptTokens'),
    completionTokens: total('completionTokens'),
    costUsd: total('costUsd'),
    byModel: rows,
  };
}

/** The decision side of `/api/status` for `project`: decisions, verified fixes, escalations, model use. */
export async function decisionStatus(
  db: Db,
  project: string,
): Promise<
  Pick<Status, 'recentDecisions' | 'fixSuccessRate' | 'totalFixes' | 'escalations' | 'llm'>
> {
  const [decisions, fixes, escalations, llm] = await Promise.all([
    listDecisions(db, project, { limit: 10 }),
    outcomeFigures(db, project),
    listEscalations(db, project, 10),
    llmFigures(db, project),
  ]);
  return {
    recentDecisions: decisions.map(toDecision),
    fixSuccessRate: fixes.verified > 0 ? fixes.succeeded / fixes.verified : null,
    totalFixes: fixes.verified,
    escalations: escalations.map(toEscalation),
    llm,
  };
}
