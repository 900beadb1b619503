import type { Agent, Issue, IssueDetail, Status } from '@selfheal/shared/protocol';
import { and, count, desc, eq, gt, sql, sum } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { agents, events, issues, reports } from '../db/schema.js';
import { toIssue, toReportSummary } from './rows.js';

/** An agent that reported within this window counts as online. */
export const ONLINE_WINDOW_MS = 5 * 60_000;
/** A critical issue seen within this window counts toward `criticalIssues`. */
export const CRITICAL_WINDOW_MS = 24 * 60 * 60_000;

/** Issues of `project`, most frequent first. */
export async function listIssues(db: Db, project: string, limit = 100): Promise<Issue[]> {
  const rows = await db
    .select()
    .from(issues)
    .where(eq(issues.projectId, project))
    .orderBy(desc(issues.count), desc(issues.lastSeen))
    .limit(limit);
  return rows.map(toIssue);
}

/** One issue of `project` and its most recent events, or undefined. */
export async function getIssue(
  db: Db,
  project: string,
  fingerprint: string,
  limit = 20,
): Promise<IssueDetail | undefined> {
  const [row] = await db
    .select()
    .from(issues)
    .where(and(eq(issues.projectId, project), eq(issues.fingerprint, fingerprint)))
    .limit(1);
  if (!row) return undefined;
  const recent = await db
    .select()
    .from(events)
    .where(and(eq(events.projectId, row.projectId), eq(events.fingerprint, fingerprint)))
    .orderBy(desc(events.receivedAt))
    .limit(limit);
  return {
    issue: toIssue(row),
    events: recent.map((e) => ({
      id: e.id,
      type: e.type,
      kind: e.kind,
      severity: e.severity,
      fingerprint: e.fingerprint,
      timestamp: e.occurredAt.getTime(),
      message: e.message ?? undefined,
      stack: e.stack ?? undefined,
      url: e.url ?? undefined,
      data: e.data ?? undefined,
      agent: e.agent,
      service: e.service,
      receivedAt: e.receivedAt.toISOString(),
    })),
  };
}

/** Agents of `project`, most recently heard from first. */
export async function listAgents(
  db: Db,
  project: string,
  now = Date.now(),
  limit = 500,
): Promise<Agent[]> {
  const rows = await db
    .select()
    .from(agents)
    .where(eq(agents.projectId, project))
    .orderBy(desc(agents.lastSeen))
    .limit(limit);
  return rows.map((row) => ({
    id: row.id,
    agent: row.agent,
    service: row.service,
    sessionId: row.sessionId,
    hostname: row.hostname,
    region: row.region,
    healthy: row.healthy !== false,
    online: now - row.lastSeen.getTime() < ONLINE_WINDOW_MS,
    firstSeen: row.firstSeen.toISOString(),
    lastSeen: row.lastSeen.toISOString(),
    reports: row.reports,
  }));
}

/** The fleet of `project` at a glance; `uptime` is the caller's. */
export async function getStatus(
  db: Db,
  project: string,
  uptime: number,
  now = Date.now(),
): Promise<Status> {
  const online = new Date(now - ONLINE_WINDOW_MS);
  const [agentFigures, errorFigures, fixFigures, recentErrors, critical, recentReports, patterns] =
    await Promise.all([
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
        .select({
          total: count(),
          succeeded:
            sql<number>`count(*) filter (where ${events.data}->>'success' = 'true')`.mapWith(
              Number,
            ),
        })
        .from(events)
        .where(and(eq(events.projectId, project), eq(events.type, 'fix_outcome'))),
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
        .limit(10),
      db
        .select()
        .from(issues)
        .where(eq(issues.projectId, project))
        .orderBy(desc(issues.count))
        .limit(10),
    ]);
  const fixes = fixFigures[0] ?? { total: 0, succeeded: 0 };
  return {
    agentsOnline: agentFigures[0]?.online ?? 0,
    agentsCount: agentFigures[0]?.total ?? 0,
    servicesHealthy: agentFigures[0]?.healthyServices ?? 0,
    errorRatePerMinute: recentErrors[0]?.total ?? 0,
    fixSuccessRate: fixes.total > 0 ? fixes.succeeded / fixes.total : null,
    totalErrors: errorFigures[0]?.total ?? 0,
    totalFixes: fixes.total,
    criticalIssues: critical[0]?.total ?? 0,
    recentReports: recentReports.map(toReportSummary),
    // Nothing writes decisions until the collector decides; then this lists the latest.
    recentDecisions: [],
    errorPatterns: patterns.map((row) => ({
      fingerprint: row.fingerprint,
      kind: row.kind,
      title: row.title,
      count: row.count,
    })),
    uptime,
  };
}

/** Counts for the metrics endpoint's gauges. */
export async function countRows(db: Db): Promise<{ issues: number; agents: number }> {
  const [i, a] = await Promise.all([
    db.select({ n: count() }).from(issues),
    db.select({ n: count() }).from(agents),
  ]);
  return { issues: i[0]?.n ?? 0, agents: a[0]?.n ?? 0 };
}
