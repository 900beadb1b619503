import type { ReportAck, ReportSummary } from '@selfheal/shared/protocol';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { agentDeltas, events, issueDeltas, loopInbox, reports } from '../db/schema.js';
import type { IngestEvent, IngestReport } from '../ingest/normalize.js';
import { insertFrom, type RecordsetShape, recordset } from './recordset.js';

/** What one batch wrote: an acknowledgement per report, in order, and the reports stored. */
export interface WriteResult {
  acks: ReportAck[];
  /** The reports that stored at least one new event, for live updates. */
  stored: Array<{ project: string; summary: ReportSummary }>;
}

const keyOf = (projectId: string, id: string) => `${projectId}\u0000${id}`;

const EVENT_ROWS = {
  table: events,
  keys: [
    'projectId',
    'id',
    'reportId',
    'type',
    'kind',
    'severity',
    'fingerprint',
    'message',
    'stack',
    'url',
    'data',
    'count',
    'agent',
    'service',
    'occurredAt',
    'receivedAt',
    'grouped',
    'kept',
  ],
  // What the issue and report rows need from each event that is not stored with it.
  extra: { forLoop: 'boolean', title: 'text', issueUrl: 'text', ord: 'int' },
} as const satisfies RecordsetShape;

const REPORT_ROWS = {
  table: reports,
  keys: [
    'id',
    'projectId',
    'agent',
    'service',
    'sessionId',
    'hostname',
    'region',
    'url',
    'eventCount',
    'receivedAt',
  ],
} as const satisfies RecordsetShape;

const AGENT_ROWS = {
  table: agentDeltas,
  keys: [
    'projectId',
    'id',
    'agent',
    'service',
    'sessionId',
    'hostname',
    'region',
    'healthy',
    'reports',
    'seenAt',
  ],
} as const satisfies RecordsetShape;

type EventRow = Omit<typeof events.$inferInsert, 'occurredAt' | 'receivedAt'> & {
  occurredAt: string;
  receivedAt: string;
  forLoop: boolean;
  title: string;
  issueUrl: string | null;
  ord: number;
};
type ReportRow = Omit<typeof reports.$inferInsert, 'receivedAt' | 'faultCount'> & {
  receivedAt: string;
};
type AgentRow = Omit<typeof agentDeltas.$inferInsert, 'seq' | 'seenAt'> & { seenAt: string };

/**
 * Rows of one batch: each event id once (its first occurrence), sorted by key; an event not in
 * `kept` is stored without its message, stack and data.
 */
function eventRowsOf(
  batch: IngestReport[],
  kept: ReadonlySet<IngestEvent> | undefined,
): EventRow[] {
  const firsts = new Map<string, EventRow>();
  let ord = 0;
  for (const report of batch) {
    const receivedAt = report.receivedAt.toISOString();
    for (const event of report.events) {
      ord += 1;
      const key = keyOf(report.projectId, event.id);
      if (!firsts.has(key)) {
        firsts.set(key, toEventRow(report, event, receivedAt, ord, kept?.has(event) ?? true));
      }
    }
  }
  // Key order, so that concurrent collectors take row locks in the same order.
  return [...firsts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

function toEventRow(
  report: IngestReport,
  event: IngestEvent,
  receivedAt: string,
  ord: number,
  kept: boolean,
): EventRow {
  return {
    projectId: report.projectId,
    id: event.id,
    reportId: report.reportId,
    type: event.type,
    kind: event.kind,
    severity: event.severity,
    fingerprint: event.fingerprint,
    message: kept ? event.message : null,
    stack: kept ? event.stack : null,
    url: event.url,
    data: kept ? event.data : null,
    count: event.count,
    agent: report.agent,
    service: report.service,
    occurredAt: event.occurredAt.toISOString(),
    receivedAt,
    grouped: event.grouped,
    kept,
    forLoop: event.forLoop,
    title: event.title,
    issueUrl: event.url ?? report.url,
    ord,
  };
}

function reportRowOf(report: IngestReport): ReportRow {
  return {
    id: report.reportId,
    projectId: report.projectId,
    agent: report.agent,
    service: report.service,
    sessionId: report.sessionId,
    hostname: report.hostname,
    region: report.region,
    url: report.url,
    eventCount: report.events.length,
    receivedAt: report.receivedAt.toISOString(),
  };
}

/** One row per agent in the batch: its latest report, how many, and its latest health verdict. */
function agentRowsOf(batch: IngestReport[]): AgentRow[] {
  const latest = new Map<string, AgentRow>();
  for (const report of batch) {
    const key = keyOf(report.projectId, report.agentId);
    const seen = latest.get(key);
    latest.set(key, {
      projectId: report.projectId,
      id: report.agentId,
      agent: report.agent,
      service: report.service,
      sessionId: report.sessionId,
      hostname: report.hostname,
      region: report.region ?? seen?.region ?? null,
      healthy: report.healthy ?? seen?.healthy ?? null,
      reports: (seen?.reports ?? 0) + 1,
      seenAt: report.receivedAt.toISOString(),
    });
  }
  return [...latest.values()];
}

/**
 * Stores a batch of reports in one statement, so in one round trip and atomically: the new
 * events (a resent id is skipped; those not in `kept`, by default all, without their payload),
 * the reports that stored something, the issue and agent figures as pending rows for the
 * aggregator, and what the decision loop must not forget in its inbox: every fix outcome, and
 * one row per candidate its urgent faults make (project, fingerprint, agent, type, severity).
 * No row another writer also updates is touched.
 */
export async function writeReports(
  database: Database,
  batch: IngestReport[],
  kept?: ReadonlySet<IngestEvent>,
): Promise<WriteResult> {
  const eventRows = eventRowsOf(batch, kept);
  const statement = sql`
    with ev as (select * from ${recordset(EVENT_ROWS, eventRows)}),
    rep as (select * from ${recordset(REPORT_ROWS, batch.map(reportRowOf))}),
    ins as (
      ${insertFrom(EVENT_ROWS, sql`ev as x`)}
      on conflict do nothing
      returning project_id, id
    ),
    new as (
      select ev.* from ev join ins on ins.project_id = ev."projectId" and ins.id = ev.id
    ),
    acc as (
      select "reportId" as report_id, count(*)::int as accepted,
        coalesce(sum(count) filter (where grouped), 0)::int as faults
      from new group by "reportId"
    ),
    stored as (
      insert into ${reports} (id, project_id, agent, service, session_id, hostname, region, url,
        event_count, received_at, fault_count)
      select rep.id, rep."projectId", rep.agent, rep.service, rep."sessionId", rep.hostname,
        rep.region, rep.url, rep."eventCount", rep."receivedAt", acc.faults
      from rep join acc on acc.report_id = rep.id
    ),
    issue_counts as (
      insert into ${issueDeltas} (project_id, fingerprint, type, kind, severity, title, service,
        url, count, seen_at)
      select distinct on (n."projectId", n.fingerprint) n."projectId", n.fingerprint, n.type,
        n.kind, n.severity, n.title, n.service, n."issueUrl",
        sum(n.count) over (partition by n."projectId", n.fingerprint), n."receivedAt"
      from new n where n.grouped
      order by n."projectId", n.fingerprint, n.ord desc
    ),
    agent_counts as (
      ${insertFrom(AGENT_ROWS, recordset(AGENT_ROWS, agentRowsOf(batch)))}
    ),
    inbox as (
      insert into ${loopInbox} (project_id, event_id, type, agent, service, session_id,
        fingerprint, severity, data, received_at)
      select n."projectId", n.id, n.type, n.agent, n.service, rep."sessionId", n.fingerprint,
        n.severity, n.data, n."receivedAt"
      from new n join rep on rep.id = n."reportId"
      where n."forLoop" and n.type = 'fix_outcome'
      union all
      -- Urgent faults that make the same candidate for the loop are one row: the newest.
      (select distinct on (n."projectId", n.fingerprint, n.agent, n.type, n.severity)
        n."projectId", n.id, n.type, n.agent, n.service, rep."sessionId", n.fingerprint,
        n.severity, n.data, n."receivedAt"
      from new n join rep on rep.id = n."reportId"
      where n."forLoop" and n.type <> 'fix_outcome'
      order by n."projectId", n.fingerprint, n.agent, n.type, n.severity, n.ord desc)
    )
    select report_id, accepted from acc`;
  const rows = await database.execute<{ report_id: string; accepted: number }>(statement);

  const accepted = new Map(rows.map((row) => [row.report_id, row.accepted]));
  const acks: ReportAck[] = [];
  const stored: WriteResult['stored'] = [];
  for (const report of batch) {
    const count = accepted.get(report.reportId) ?? 0;
    acks.push({ accepted: count, duplicates: report.events.length - count });
    if (count > 0) stored.push({ project: report.projectId, summary: toSummary(report) });
  }
  return { acks, stored };
}

function toSummary(report: IngestReport): ReportSummary {
  return {
    id: report.reportId,
    agent: report.agent,
    service: report.service,
    sessionId: report.sessionId,
    hostname: report.hostname,
    url: report.url,
    eventCount: report.events.length,
    receivedAt: report.receivedAt.toISOString(),
  };
}
