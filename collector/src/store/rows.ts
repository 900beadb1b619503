import type { Issue, ReportSummary } from '@selfheal/shared/protocol';
import type { issues, reports } from '../db/schema.js';

/** The API form of an issue row. */
export function toIssue(row: Omit<typeof issues.$inferSelect, 'projectId'>): Issue {
  return {
    fingerprint: row.fingerprint,
    type: row.type,
    kind: row.kind,
    severity: row.severity,
    title: row.title,
    count: row.count,
    firstSeen: row.firstSeen.toISOString(),
    lastSeen: row.lastSeen.toISOString(),
    service: row.service,
    services: row.services,
    url: row.url,
  };
}

/** The API form of a report row. */
export function toReportSummary(row: typeof reports.$inferSelect): ReportSummary {
  return {
    id: row.id,
    agent: row.agent,
    service: row.service,
    sessionId: row.sessionId,
    hostname: row.hostname,
    url: row.url,
    eventCount: row.eventCount,
    receivedAt: row.receivedAt.toISOString(),
  };
}
