import type { Issue, ReportAck } from '@selfheal/shared/protocol';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import type { IngestEvent, IngestReport } from '../ingest/normalize.js';
import { publish } from '../live/publish.js';
import { toIssueUpdate, toReportUpdate } from '../live/updates.js';
import { toIssue } from './rows.js';

/** What one batch wrote: an acknowledgement per report, in order, and the issues it created. */
export interface WriteResult {
  acks: ReportAck[];
  newIssues: number;
}

const keyOf = (projectId: string, id: string) => `${projectId}\u0000${id}`;
const byKey = <T>(a: [string, T], b: [string, T]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The rows of a raw query, whichever driver ran it. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** A whole batch of rows as one JSON parameter: far cheaper than one parameter per value. */
const recordset = (rows: unknown[]) => sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)`;
const ms = (column: string) => sql.raw(`to_timestamp(x.${column} / 1000.0)`);

/**
 * Stores a batch of reports in one transaction and NOTIFYs their live updates on commit.
 * Rows go in key order so that concurrent collectors never deadlock on each other.
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
  const eventRows = [...firsts.entries()].sort(byKey).map(([, { report, event }]) => ({
    p: report.projectId,
    i: event.id,
    r: report.reportId,
    t: event.type,
    k: event.kind,
    s: event.severity,
    f: event.fingerprint,
    m: event.message,
    st: event.stack,
    u: event.url,
    d: event.data,
    a: report.agent,
    sv: report.service,
    o: event.occurredAt.getTime(),
    rc: report.receivedAt.getTime(),
  }));

  return db.transaction(async (tx) => {
    const inserted = new Set<string>();
    if (eventRows.length > 0) {
      const stored = await tx.execute(sql`
        insert into events (project_id, id, report_id, type, kind, severity, fingerprint, message,
          stack, url, data, agent, service, occurred_at, received_at)
        select x.p, x.i, x.r, x.t, x.k, x.s, x.f, x.m, x.st, x.u, x.d, x.a, x.sv, ${ms('o')}, ${ms('rc')}
        from ${recordset(eventRows)} as x(p text, i text, r text, t text, k text, s text, f text,
          m text, st text, u text, d jsonb, a text, sv text, o float8, rc float8)
        on conflict do nothing
        returning project_id, id`);
      for (const row of rowsOf<{ project_id: string; id: string }>(stored)) {
        inserted.add(keyOf(row.project_id, row.id));
      }
    }

    const acks: ReportAck[] = [];
    const stored: Array<{ report: IngestReport; faults: number }> = [];
    const groups = new Map<string, { report: IngestReport; event: IngestEvent; count: number }>();
    for (const report of batch) {
      let accepted = 0;
      let faults = 0;
      for (const event of report.events) {
        if (!inserted.delete(keyOf(report.projectId, event.id))) continue;
        accepted += 1;
        if (!event.grouped) continue;
        faults += 1;
        const groupKey = keyOf(report.projectId, event.fingerprint);
        const group = groups.get(groupKey);
        groups.set(groupKey, { report, event, count: (group?.count ?? 0) + 1 });
      }
      acks.push({ accepted, duplicates: report.events.length - accepted });
      if (accepted > 0) stored.push({ report, faults });
    }

    const issues = await upsertIssues(tx as unknown as Db, groups);
    const reports = await insertReports(tx as unknown as Db, stored);
    await upsertAgents(tx as unknown as Db, batch);

    const updates = [
      ...reports.map(toReportUpdate),
      ...issues.map(({ issue, isNew }) => toIssueUpdate(issue, isNew)),
    ];
    await publish(tx as unknown as Db, updates);
    return { acks, newIssues: issues.filter((c) => c.isNew).length };
  });
}

interface IssueRow {
  fingerprint: string;
  type: string;
  kind: string;
  severity: string;
  title: string;
  count: number;
  service: string | null;
  url: string | null;
  first_seen: number;
  last_seen: number;
  is_new: boolean;
}

async function upsertIssues(
  tx: Db,
  groups: Map<string, { report: IngestReport; event: IngestEvent; count: number }>,
): Promise<Array<{ issue: Issue; isNew: boolean }>> {
  if (groups.size === 0) return [];
  const rows = [...groups.entries()].sort(byKey).map(([, { report, event, count }]) => ({
    p: report.projectId,
    f: event.fingerprint,
    t: event.type,
    k: event.kind,
    s: event.severity,
    ti: event.title,
    c: count,
    sv: report.service,
    u: event.url ?? report.url,
    at: report.receivedAt.getTime(),
  }));
  const result = await tx.execute(sql`
    insert into issues (project_id, fingerprint, type, kind, severity, title, count, service, url,
      first_seen, last_seen)
    select x.p, x.f, x.t, x.k, x.s, x.ti, x.c, x.sv, x.u, ${ms('at')}, ${ms('at')}
    from ${recordset(rows)} as x(p text, f text, t text, k text, s text, ti text, c int, sv text,
      u text, at float8)
    on conflict (project_id, fingerprint) do update set
      count = issues.count + excluded.count,
      last_seen = greatest(issues.last_seen, excluded.last_seen),
      severity = excluded.severity,
      title = excluded.title,
      service = coalesce(excluded.service, issues.service),
      url = coalesce(excluded.url, issues.url)
    returning fingerprint, type, kind, severity, title, count, service, url,
      extract(epoch from first_seen)::float8 * 1000 as first_seen,
      extract(epoch from last_seen)::float8 * 1000 as last_seen,
      (xmax = 0) as is_new`);
  return rowsOf<IssueRow>(result).map(({ is_new, first_seen, last_seen, ...row }) => ({
    isNew: is_new,
    issue: toIssue({ ...row, firstSeen: new Date(first_seen), lastSeen: new Date(last_seen) }),
  }));
}

async function insertReports(tx: Db, stored: Array<{ report: IngestReport; faults: number }>) {
  const summaries = stored.map(({ report }) => ({
    id: report.reportId,
    agent: report.agent,
    service: report.service,
    sessionId: report.sessionId,
    hostname: report.hostname,
    url: report.url,
    eventCount: report.events.length,
    receivedAt: report.receivedAt.toISOString(),
  }));
  if (stored.length === 0) return summaries;
  const rows = stored.map(({ report, faults }) => ({
    i: report.reportId,
    p: report.projectId,
    a: report.agent,
    sv: report.service,
    se: report.sessionId,
    h: report.hostname,
    rg: report.region,
    u: report.url,
    n: report.events.length,
    fc: faults,
    at: report.receivedAt.getTime(),
  }));
  await tx.execute(sql`
    insert into reports (id, project_id, agent, service, session_id, hostname, region, url,
      event_count, fault_count, received_at)
    select x.i, x.p, x.a, x.sv, x.se, x.h, x.rg, x.u, x.n, x.fc, ${ms('at')}
    from ${recordset(rows)} as x(i text, p text, a text, sv text, se text, h text, rg text,
      u text, n int, fc int, at float8)`);
  return summaries;
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
    p: report.projectId,
    i: report.agentId,
    a: report.agent,
    sv: report.service,
    se: report.sessionId,
    h: report.hostname,
    rg: report.region,
    ok: healthy,
    n: reports,
    at: report.receivedAt.getTime(),
  }));
  await tx.execute(sql`
    insert into agents (project_id, id, agent, service, session_id, hostname, region, healthy,
      reports, first_seen, last_seen)
    select x.p, x.i, x.a, x.sv, x.se, x.h, x.rg, x.ok, x.n, ${ms('at')}, ${ms('at')}
    from ${recordset(rows)} as x(p text, i text, a text, sv text, se text, h text, rg text,
      ok boolean, n int, at float8)
    on conflict (project_id, id) do update set
      last_seen = greatest(agents.last_seen, excluded.last_seen),
      reports = agents.reports + excluded.reports,
      healthy = coalesce(excluded.healthy, agents.healthy),
      region = coalesce(excluded.region, agents.region)`);
}
