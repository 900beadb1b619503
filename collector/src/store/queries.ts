import type { Agent, Issue, IssueDetail } from '@selfheal/shared/protocol';
import { and, count, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { agents, events, issues } from '../db/schema.js';
import { toIssue } from './rows.js';

/** An agent that reported within this window counts as online. */
export const ONLINE_WINDOW_MS = 5 * 60_000;

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

/**
 * One issue of `project` and its most recent events kept whole (sampling drops the payload of
 * most repeats, never the newest), or undefined.
 */
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
    .where(
      and(
        eq(events.projectId, row.projectId),
        eq(events.fingerprint, fingerprint),
        eq(events.kept, true),
      ),
    )
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

/** Counts for the metrics endpoint's gauges. */
export async function countRows(db: Db): Promise<{ issues: number; agents: number }> {
  const [i, a] = await Promise.all([
    db.select({ n: count() }).from(issues),
    db.select({ n: count() }).from(agents),
  ]);
  return { issues: i[0]?.n ?? 0, agents: a[0]?.n ?? 0 };
}

/** The title of an issue of `project`, or its fingerprint when the issue is gone. */
export async function issueTitle(db: Db, project: string, fingerprint: string): Promise<string> {
  const [row] = await db
    .select({ title: issues.title })
    .from(issues)
    .where(and(eq(issues.projectId, project), eq(issues.fingerprint, fingerprint)));
  return row?.title ?? fingerprint;
}
