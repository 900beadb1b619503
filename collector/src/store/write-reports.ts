import type { ReportAck, ReportSummary } from '@selfheal/shared/protocol';
import { getTableColumns, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { agentDeltas, events, issueDeltas, loopInbox, reports } from '../db/schema.js';
import type { IngestEvent, IngestReport } from '../ingest/normalize.js';
import { LIVE_CHANNEL, packUpdates, toReportUpdate } from '../live/updates.js';
import { insertFrom, type RecordsetShape, recordset } from './recordset.js';

const keyOf = (projectId: string, id: string) => `${projectId}\u0000${id}`;

// Every column an event is stored with, in the table's order, read from the batch's joined rows.
const STORED_EVENT = {
  table: events,
  keys: Object.keys(getTableColumns(events)),
} satisfies RecordsetShape;

// An event row carries only what is its own: what its report says for all of its events (the
// project, the report, the agent, the service, when it arrived) is joined from the report's
// row by `r`, its place in the batch. An absent value (no payload, a count of 1, false) is
// left out of the JSON and filled in by the statement, so repeats cost Postgres little to read.
const FROM_REPORT = new Set(['projectId', 'reportId', 'agent', 'service', 'receivedAt']);
const EVENT_ROWS = {
  table: events,
  keys: STORED_EVENT.keys.filter((key) => !FROM_REPORT.has(key)),
  extra: { r: 'int', forLoop: 'boolean', ord: 'int' },
} satisfies RecordsetShape;

// The title of each fingerprint's newest event in the batch, for its issue.
const TITLE_ROWS = {
  table: issueDeltas,
  keys: ['projectId', 'fingerprint', 'title'],
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
  // Its live update (JSON) and the NOTIFY payload it goes in, sent if it stores something.
  extra: { r: 'int', live: 'text', payload: 'int' },
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

/** An event's own values; `undefined` is left out of the JSON (see EVENT_ROWS). */
interface EventRow {
  id: string;
  type: IngestEvent['type'];
  kind: IngestEvent['kind'];
  severity: IngestEvent['severity'];
  fingerprint: string;
  message?: string;
  stack?: string;
  url?: string;
  data?: Record<string, unknown>;
  count?: number;
  occurredAt: string;
  grouped?: true;
  kept?: true;
  r: number;
  forLoop?: true;
  ord: number;
}
type ReportRow = Omit<typeof reports.$inferInsert, 'receivedAt' | 'faultCount'> & {
  receivedAt: string;
  r: number;
  live?: string;
  payload?: number;
};
interface TitleRow {
  projectId: string;
  fingerprint: string;
  title: string;
}
type AgentRow = Omit<typeof agentDeltas.$inferInsert, 'seq' | 'seenAt'> & { seenAt: string };

/**
 * Rows of one batch: each event id once (its first occurrence), sorted by key; an event not in
 * `kept` is stored without its message, stack and data. With them, the title of each
 * fingerprint's newest event.
 */
function eventRowsOf(
  batch: IngestReport[],
  kept: ReadonlySet<IngestEvent> | undefined,
): { rows: EventRow[]; titles: TitleRow[] } {
  const firsts = new Map<string, EventRow>();
  const titles = new Map<string, TitleRow>();
  let ord = 0;
  for (const [r, report] of batch.entries()) {
    for (const event of report.events) {
      ord += 1;
      const key = keyOf(report.projectId, event.id);
      if (!firsts.has(key)) {
        firsts.set(key, toEventRow(event, r, ord, kept?.has(event) ?? true));
      }
      if (event.grouped) {
        const { projectId } = report;
        titles.set(keyOf(projectId, event.fingerprint), {
          projectId,
          fingerprint: event.fingerprint,
          title: event.title,
        });
      }
    }
  }
  // Key order, so that concurrent collectors take row locks in the same order.
  const rows = [...firsts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
  return { rows, titles: [...titles.values()] };
}

function toEventRow(event: IngestEvent, r: number, ord: number, kept: boolean): EventRow {
  return {
    id: event.id,
    type: event.type,
    kind: event.kind,
    severity: event.severity,
    fingerprint: event.fingerprint,
    message: kept ? (event.message ?? undefined) : undefined,
    stack: kept ? (event.stack ?? undefined) : undefined,
    url: event.url ?? undefined,
    data: kept ? (event.data ?? undefined) : undefined,
    count: event.count === 1 ? undefined : event.count,
    occurredAt: event.occurredAt.toISOString(),
    grouped: event.grouped || undefined,
    kept: kept || undefined,
    r,
    forLoop: event.forLoop || undefined,
    ord,
  };
}

function reportRowsOf(batch: IngestReport[]): ReportRow[] {
  const live = packUpdates(
    batch.map((report) => toReportUpdate(report.projectId, toSummary(report))),
  );
  return batch.map((report, r) => ({
    ...reportRowOf(report, r),
    live: live[r]?.json,
    payload: live[r]?.payload,
  }));
}

function reportRowOf(report: IngestReport, r: number): ReportRow {
  return {
    r,
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
 * one row per candidate its urgent faults make (project, fingerprint, agent, type, severity);
 * and the live update of each report that stored something, sent on commit. Answers an
 * acknowledgement per report, in order. No row another writer also updates is touched.
 */
export async function writeReports(
  database: Database,
  batch: IngestReport[],
  kept?: ReadonlySet<IngestEvent>,
): Promise<ReportAck[]> {
  const { rows: eventRows, titles } = eventRowsOf(batch, kept);
  const statement = sql`
    with rep as (select * from ${recordset(REPORT_ROWS, reportRowsOf(batch))}),
    ev as (
      select x.id, x.type, x.kind, x.severity, x.fingerprint, x.message, x.stack, x.url, x.data,
        coalesce(x.count, 1) as count, x."occurredAt", coalesce(x.grouped, false) as grouped,
        coalesce(x.kept, false) as kept, coalesce(x."forLoop", false) as "forLoop", x.ord, x.r,
        rep."projectId", rep.id as "reportId", rep.agent, rep.service, rep."sessionId",
        rep."receivedAt", coalesce(x.url, rep.url) as "issueUrl"
      from ${recordset(EVENT_ROWS, eventRows)} join rep on rep.r = x.r
    ),
    titles as (select * from ${recordset(TITLE_ROWS, titles)}),
    ins as (
      ${insertFrom(STORED_EVENT, sql`ev as x`)}
      on conflict do nothing
      returning project_id, id
    ),
    new as (
      select ev.* from ev join ins on ins.project_id = ev."projectId" and ins.id = ev.id
    ),
    acc as (
      select r, count(*)::int as accepted,
        coalesce(sum(count) filter (where grouped), 0)::int as faults
      from new group by r
    ),
    stored as (
      insert into ${reports} (id, project_id, agent, service, session_id, hostname, region, url,
        event_count, received_at, fault_count)
      select rep.id, rep."projectId", rep.agent, rep.service, rep."sessionId", rep.hostname,
        rep.region, rep.url, rep."eventCount", rep."receivedAt", acc.faults
      from rep join acc on acc.r = rep.r
    ),
    issue_counts as (
      insert into ${issueDeltas} (project_id, fingerprint, type, kind, severity, title, service,
        url, count, seen_at)
      select distinct on (n."projectId", n.fingerprint) n."projectId", n.fingerprint, n.type,
        n.kind, n.severity, t.title, n.service, n."issueUrl",
        sum(n.count) over (partition by n."projectId", n.fingerprint), n."receivedAt"
      from new n join titles t on t."projectId" = n."projectId" and t.fingerprint = n.fingerprint
      where n.grouped
      order by n."projectId", n.fingerprint, n.ord desc
    ),
    agent_counts as (
      ${insertFrom(AGENT_ROWS, recordset(AGENT_ROWS, agentRowsOf(batch)))}
    ),
    inbox as (
      insert into ${loopInbox} (project_id, event_id, type, agent, service, session_id,
        fingerprint, severity, data, received_at)
      select n."projectId", n.id, n.type, n.agent, n.service, n."sessionId", n.fingerprint,
        n.severity, n.data, n."receivedAt"
      from new n
      where n."forLoop" and n.type = 'fix_outcome'
      union all
      -- Urgent faults that make the same candidate for the loop are one row: the newest.
      (select distinct on (n."projectId", n.fingerprint, n.agent, n.type, n.severity)
        n."projectId", n.id, n.type, n.agent, n.service, n."sessionId", n.fingerprint,
        n.severity, n.data, n."receivedAt"
      from new n
      where n."forLoop" and n.type <> 'fix_outcome'
      order by n."projectId", n.fingerprint, n.agent, n.type, n.severity, n.ord desc)
    ),
    -- Delivered to every collector's dashboards when this commits.
    live as (
      select pg_notify(${LIVE_CHANNEL}, '[' || string_agg(rep.live, ',' order by rep.r) || ']')
      from rep join acc on acc.r = rep.r
      where rep.live is not null
      group by rep.payload
    )
    select r, accepted, (select count(*) from live)::int as notified from acc`;
  // Run again when its session is lost: a stored event is then found a duplicate, as when an
  // agent resends, so nothing is stored or counted twice.
  const rows = await database.executeIdempotent<{ r: number; accepted: number }>(statement);

  const accepted = new Map(rows.map((row) => [row.r, row.accepted]));
  return batch.map((report, r) => {
    const count = accepted.get(r) ?? 0;
    return { accepted: count, duplicates: report.events.length - count };
  });
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
