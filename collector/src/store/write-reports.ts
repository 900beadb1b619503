import type { ReportAck } from '@selfheal/shared/protocol';
import { getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { agents, events, issues, reports } from '../db/schema.js';
import type { IngestEvent, IngestReport } from '../ingest/normalize.js';
import { LIVE_CHANNEL, toIssueUpdate, toPayloads, toReportUpdate } from '../live/updates.js';
import { toIssue, toReportSummary } from './rows.js';

/** What one batch wrote: an acknowledgement per report, in order, and the issues it created. */
export interface WriteResult {
  acks: ReportAck[];
  newIssues: number;
}

const keyOf = (projectId: string, id: string) => `${projectId}\u0000${id}`;
const byKey = <T>(a: [string, T], b: [string, T]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * Stores a batch of reports in one transaction and NOTIFYs their live updates on commit.
 * Rows are written in key order so concurrent collectors never deadlock on each other.
 */
export async function writeReports(db: Db, batch: IngestReport[]): Promise<WriteResult> {
  // The first occurrence of an id in the batch is the one stored; later ones are duplicates.
  const firsts = new Map<string, { report: IngestReport; event: IngestEvent }>();
  for (const report of batch) {
    for (const event of report.events) {
      const key = keyOf(report.projectId, event.id);
      if (!firsts.has(key)) firsts.set(key, { report, event });
    }
  }
  const ordered = [...firsts.entries()].sort(byKey);

  return db.transaction(async (tx) => {
    const inserted = new Set<string>();
    for (let i = 0; i < ordered.length; i += 1000) {
      const rows = ordered.slice(i, i + 1000).map(([, { report, event }]) => ({
        projectId: report.projectId,
        id: event.id,
        reportId: report.reportId,
        type: event.type,
        kind: event.kind,
        severity: event.severity,
        fingerprint: event.fingerprint,
        message: event.message,
        stack: event.stack,
        url: event.url,
        data: event.data,
        agent: report.agent,
        service: report.service,
        occurredAt: event.occurredAt,
        receivedAt: report.receivedAt,
      }));
      const stored = await tx
        .insert(events)
        .values(rows)
        .onConflictDoNothing()
        .returning({ projectId: events.projectId, id: events.id });
      for (const row of stored) inserted.add(keyOf(row.projectId, row.id));
    }

    const acks: ReportAck[] = [];
    const stored: IngestReport[] = [];
    const groups = new Map<string, { report: IngestReport; event: IngestEvent; count: number }>();
    for (const report of batch) {
      let accepted = 0;
      for (const event of report.events) {
        const key = keyOf(report.projectId, event.id);
        if (!inserted.delete(key)) continue;
        accepted += 1;
        if (!event.grouped) continue;
        const groupKey = keyOf(report.projectId, event.fingerprint);
        const group = groups.get(groupKey);
        if (group) Object.assign(group, { report, event, count: group.count + 1 });
        else groups.set(groupKey, { report, event, count: 1 });
      }
      acks.push({ accepted, duplicates: report.events.length - accepted });
      if (accepted > 0) stored.push(report);
    }

    const issueRows = [...groups.entries()].sort(byKey).map(([, { report, event, count }]) => ({
      projectId: report.projectId,
      fingerprint: event.fingerprint,
      type: event.type,
      kind: event.kind,
      severity: event.severity,
      title: event.title,
      count,
      service: report.service,
      url: event.url ?? report.url,
      firstSeen: report.receivedAt,
      lastSeen: report.receivedAt,
    }));
    const changed =
      issueRows.length === 0
        ? []
        : await tx
            .insert(issues)
            .values(issueRows)
            .onConflictDoUpdate({
              target: [issues.projectId, issues.fingerprint],
              set: {
                count: sql`"issues"."count" + excluded."count"`,
                lastSeen: sql`greatest("issues"."last_seen", excluded."last_seen")`,
                severity: sql`excluded."severity"`,
                title: sql`excluded."title"`,
                service: sql`coalesce(excluded."service", "issues"."service")`,
                url: sql`coalesce(excluded."url", "issues"."url")`,
              },
            })
            .returning({ ...getTableColumns(issues), isNew: sql<boolean>`(xmax = 0)` });

    const reportRows = stored.map((report) => ({
      id: report.reportId,
      projectId: report.projectId,
      agent: report.agent,
      service: report.service,
      sessionId: report.sessionId,
      hostname: report.hostname,
      region: report.region,
      url: report.url,
      eventCount: report.events.length,
      receivedAt: report.receivedAt,
    }));
    if (reportRows.length > 0) await tx.insert(reports).values(reportRows);

    await upsertAgents(tx as unknown as Db, batch);

    const updates = [
      ...reportRows.map((row) => toReportUpdate(toReportSummary(row))),
      ...changed.map(({ isNew, ...row }) => toIssueUpdate(toIssue(row), isNew)),
    ];
    const payloads = toPayloads(updates);
    if (payloads.length > 0) {
      await tx.execute(
        sql`select ${sql.join(
          payloads.map((p) => sql`pg_notify(${LIVE_CHANNEL}, ${p})`),
          sql`, `,
        )}`,
      );
    }
    return { acks, newIssues: changed.filter((c) => c.isNew).length };
  });
}

async function upsertAgents(tx: Db, batch: IngestReport[]): Promise<void> {
  const latest = new Map<
    string,
    { report: IngestReport; reports: number; healthy: boolean | null }
  >();
  for (const report of batch) {
    const key = keyOf(report.projectId, report.agentId);
    const seen = latest.get(key);
    latest.set(key, {
      report,
      reports: (seen?.reports ?? 0) + 1,
      healthy: report.healthy ?? seen?.healthy ?? null,
    });
  }
  const rows = [...latest.entries()].sort(byKey).map(([, { report, reports, healthy }]) => ({
    projectId: report.projectId,
    id: report.agentId,
    agent: report.agent,
    service: report.service,
    sessionId: report.sessionId,
    hostname: report.hostname,
    region: report.region,
    healthy,
    reports,
    firstSeen: report.receivedAt,
    lastSeen: report.receivedAt,
  }));
  await tx
    .insert(agents)
    .values(rows)
    .onConflictDoUpdate({
      target: [agents.projectId, agents.id],
      set: {
        lastSeen: sql`greatest("agents"."last_seen", excluded."last_seen")`,
        reports: sql`"agents"."reports" + excluded."reports"`,
        healthy: sql`coalesce(excluded."healthy", "agents"."healthy")`,
        region: sql`coalesce(excluded."region", "agents"."region")`,
      },
    });
}
