import type { LlmUsageFigures, Status } from '@selfheal/shared/protocol';
import { and, count, desc, eq, gt, sql, sum } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { agents, issues, llmUsage, reports } from '../db/schema.js';
import { listDecisions, toDecision } from './decisions.js';
import { listEscalations, toEscalation } from './escalations.js';
import { outcomeFigures } from './outcomes.js';
import { ONLINE_WINDOW_MS } from './queries.js';
import { toReportSummary } from './rows.js';

/** A critical issue seen within this window counts toward `criticalIssues`. */
export const CRITICAL_WINDOW_MS = 24 * 60 * 60_000;

/** How many of each recent list (reports, decisions, escalations, error patterns) status shows. */
export const STATUS_RECENT = 10;

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

/**
 * `/api/status` for `project`, the one place it is assembled: the fleet and its faults from the
 * ingest tables, decisions and escalations from theirs, and fixes from verified outcomes
 * (`fixSuccessRate` is verified successes over judged outcomes, null before any). `uptime` is
 * the caller's.
 */
export async function readStatus(
  db: Db,
  project: string,
  uptime: number,
  now = Date.now(),
): Promise<Status> {
  const online = new Date(now - ONLINE_WINDOW_MS);
  const [
    agentFigures,
    errorFigures,
    recentErrors,
    critical,
    recentReports,
    patterns,
    decisions,
    fixes,
    escalations,
    llm,
  ] = await Promise.all([
    db
      .select({
        total: count(),
        online:
          sql<number>`count(*) filter (where ${agents.lastSeen} > ${online.toISOString()}::timestamptz)`.mapWith(
            Number,
          ),
        healthyServices:
          sql<number>`count(distinct ${agents.service}) filter (where ${agents.agent} = 'backend' and ${agents.lastSeen} > ${online.toISOString()}::timestamptz and ${agents.healthy} is not false)`.mapWith(
            Number,
          ),
      })
      .from(agents)
      .where(eq(agents.projectId, project)),
    db
      .select({ total: sum(issues.count).mapWith(Number) })
      .from(issues)
      .where(eq(issues.projectId, project)),
    db
      .select({ total: sum(reports.faultCount).mapWith(Number) })
      .from(reports)
      .where(and(eq(reports.projectId, project), gt(reports.receivedAt, new Date(now - 60_000)))),
    db
      .select({ total: count() })
      .from(issues)
      .where(
        and(
          eq(issues.projectId, project),
          eq(issues.severity, 'critical'),
          gt(issues.lastSeen, new Date(now - CRITICAL_WINDOW_MS)),
        ),
      ),
    db
      .select()
      .from(reports)
      .where(eq(reports.projectId, project))
      .orderBy(desc(reports.receivedAt))
      .limit(STATUS_RECENT),
    db
      .select()
      .from(issues)
      .where(eq(issues.projectId, project))
      .orderBy(desc(issues.count))
      .limit(STATUS_RECENT),
    listDecisions(db, project, { limit: STATUS_RECENT }),
    outcomeFigures(db, project),
    listEscalations(db, project, STATUS_RECENT),
    llmFigures(db, project),
  ]);
  return {
    agentsOnline: agentFigures[0]?.online ?? 0,
    agentsCount: agentFigures[0]?.total ?? 0,
    servicesHealthy: agentFigures[0]?.healthyServices ?? 0,
    errorRatePerMinute: recentErrors[0]?.total ?? 0,
    fixSuccessRate: fixes.judged > 0 ? fixes.succeeded / fixes.judged : null,
    totalErrors: errorFigures[0]?.total ?? 0,
    totalFixes: fixes.judged,
    criticalIssues: critical[0]?.total ?? 0,
    recentReports: recentReports.map(toReportSummary),
    recentDecisions: decisions.map(toDecision),
    escalations: escalations.map(toEscalation),
    llm,
    errorPatterns: patterns.map((row) => ({
      fingerprint: row.fingerprint,
      kind: row.kind,
      title: row.title,
      count: row.count,
    })),
    uptime,
  };
}
