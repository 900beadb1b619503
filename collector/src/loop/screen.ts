import { type ErrorKind, isErrorKind, isSeverity, type Severity } from '@selfheal/shared';
import type { AgentType } from '@selfheal/shared/protocol';
import { and, desc, eq, gt, gte, inArray, ne, sql, sum } from 'drizzle-orm';
import { type Db, executeOn } from '../db/database.js';
import {
  agents,
  decisions,
  events,
  issues,
  OPEN_DECISION_STATUSES,
  outcomes,
  reports,
} from '../db/schema.js';
import type { DecisionInput, DecisionTrigger } from '../decide/types.js';
import type { InboxRow } from '../store/inbox.js';

/** A fault the ingest just stored, as the decision loop first sees it. */
export interface Candidate {
  project: string;
  fingerprint: string;
  severity: string;
  type: string;
  /** The agent that reported it, as its key said: a page's events never trigger a service's fix. */
  agent: AgentType;
  /** True when it came from a failing health check. */
  degraded: boolean;
  /** Set when a fix for it failed: decide again whatever its severity. */
  trigger?: DecisionTrigger;
}

/** The candidate an urgent fault in the inbox stands for. */
export function candidateOf(row: InboxRow): Candidate {
  return {
    project: row.projectId,
    fingerprint: row.fingerprint,
    severity: row.severity,
    type: row.type,
    agent: row.agent,
    // A grouped health check is one that failed or warned: the service is degraded.
    degraded: row.type === 'health_check',
  };
}

/** Whether a fault needs action now, and why; undefined when it does not (yet). */
export async function triggerOf(
  db: Db,
  candidate: Candidate,
  persistent: { threshold: number; windowMs: number },
  now: number,
): Promise<DecisionTrigger | undefined> {
  if (candidate.trigger) return candidate.trigger;
  if (candidate.severity === 'critical') return 'critical';
  if (candidate.degraded) return 'degraded';
  // Sum at most `threshold` recent events (each stands for one or more occurrences): the index
  // answers without a full count.
  const [recent] = await executeOn(db)<{ n: number }>(sql`
    select coalesce(sum(c), 0)::int as n from (
      select ${events.count} as c from ${events}
      where ${events.fingerprint} = ${candidate.fingerprint}
        and ${events.receivedAt} > ${new Date(now - persistent.windowMs).toISOString()}::timestamptz
        and ${events.projectId} = ${candidate.project}
        and ${events.agent} = ${candidate.agent}
      limit ${persistent.threshold}) as recent`);
  const n = Number(recent?.n ?? 0);
  return n >= persistent.threshold ? 'persistent' : undefined;
}

/** How many of a page fault's latest occurrences are looked at for sessions that healed it. */
const HEALED_LOOKBACK = 200;

/**
 * True when a page fault of `fingerprint` reported since `since` needs no decision: every page
 * session that reported one of its latest occurrences (HEALED_LOOKBACK) also reported that its
 * agent's own fix of it worked (a retry that got its answer, say). A session speaks only for
 * itself: one session's word never covers the fault in another session, or in an SDK's report
 * (no session), so a key anyone can read cannot silence what real visitors keep meeting.
 */
export async function healedInItsSessions(
  db: Db,
  project: string,
  fingerprint: string,
  since: number,
): Promise<boolean> {
  const from = new Date(since).toISOString();
  const [row] = await executeOn(db)<{ sessions: number; unhealed: number }>(sql`
    with recent as (
      select ${reports.sessionId} as session
      from ${events} join ${reports} on ${reports.id} = ${events.reportId}
      where ${events.projectId} = ${project} and ${events.fingerprint} = ${fingerprint}
        and ${events.receivedAt} > ${from}::timestamptz
        and ${events.agent} = 'frontend' and ${events.grouped}
      order by ${events.receivedAt} desc
      limit ${HEALED_LOOKBACK}
    ),
    seen as (select distinct session from recent)
    -- A session's own outcomes are found on their index; no session (an SDK) finds none.
    select count(*)::int as sessions,
      count(*) filter (where not exists (
        select 1 from ${outcomes}
        where ${outcomes.projectId} = ${project} and ${outcomes.sessionId} = seen.session
          and ${outcomes.reportedAt} > ${from}::timestamptz
          and ${outcomes.fingerprint} = ${fingerprint}
          and ${outcomes.local} and ${outcomes.reportedSuccess}))::int as unhealed
    from seen`);
  return (row?.sessions ?? 0) > 0 && row?.unhealed === 0;
}

const ONLINE_MS = 5 * 60_000;

/** Everything `decide()` is told about an issue, read from the store; undefined if it is gone. */
export async function buildInput(
  db: Db,
  project: string,
  fingerprint: string,
  trigger: DecisionTrigger,
  now: number,
): Promise<DecisionInput | undefined> {
  const [issue] = await db
    .select()
    .from(issues)
    .where(and(eq(issues.projectId, project), eq(issues.fingerprint, fingerprint)));
  if (!issue) return undefined;
  const online = new Date(now - ONLINE_MS);
  const latest = (agent: AgentType) =>
    db
      .select({
        service: events.service,
        message: events.message,
        stack: events.stack,
        url: events.url,
        data: events.data,
      })
      .from(events)
      .where(
        and(
          eq(events.fingerprint, fingerprint),
          eq(events.projectId, project),
          eq(events.agent, agent),
          // Sampling keeps the newest event of a fingerprint from each kind of agent whole.
          eq(events.kept, true),
        ),
      )
      .orderBy(desc(events.receivedAt))
      .limit(1);
  const [fromService, fromPage, similar, agentFigures, rate, pageRunner] = await Promise.all([
    latest('backend'),
    latest('frontend'),
    db
      .select({
        fingerprint: issues.fingerprint,
        kind: issues.kind,
        title: issues.title,
        count: issues.count,
      })
      .from(issues)
      .where(
        and(
          eq(issues.projectId, project),
          eq(issues.kind, issue.kind),
          ne(issues.fingerprint, fingerprint),
        ),
      )
      .orderBy(desc(issues.count))
      .limit(5),
    db
      .select({
        online:
          sql<number>`count(*) filter (where ${agents.lastSeen} > ${online.toISOString()}::timestamptz)`.mapWith(
            Number,
          ),
        unhealthy:
          sql<number>`count(distinct ${agents.service}) filter (where ${agents.agent} = 'backend' and ${agents.healthy} is false and ${agents.lastSeen} > ${online.toISOString()}::timestamptz)`.mapWith(
            Number,
          ),
      })
      .from(agents)
      .where(eq(agents.projectId, project)),
    db
      .select({ faults: sum(reports.faultCount).mapWith(Number) })
      .from(reports)
      .where(and(eq(reports.projectId, project), gt(reports.receivedAt, new Date(now - 60_000)))),
    // A page agent of ours that reported the fingerprint gets its page commands when it reports
    // it again; an event from a Sentry SDK (`data.sentry`, set only by the Sentry routes) has
    // nobody to run them.
    db
      .select({ one: sql<number>`1` })
      .from(events)
      .where(
        and(
          eq(events.projectId, project),
          eq(events.fingerprint, fingerprint),
          eq(events.agent, 'frontend'),
          // Sampling keeps the first event of each sender (agent or SDK) whole.
          eq(events.kept, true),
          sql`(${events.data} -> 'sentry') is null`,
        ),
      )
      .limit(1),
  ]);
  // A fingerprint a service reported is that service's to fix, whatever pages sent under it;
  // its service is the one the service key named, never a page's claim.
  const first = fromService[0] ?? fromPage[0];
  const target = fromService[0] ? 'service' : 'page';
  const serviceName = target === 'service' ? (fromService[0]?.service ?? null) : issue.service;
  const serviceRunner = serviceName
    ? await db
        .select({ id: agents.id })
        .from(agents)
        .where(
          and(
            eq(agents.projectId, project),
            eq(agents.agent, 'backend'),
            eq(agents.service, serviceName),
            gt(agents.lastSeen, online),
            sql`${agents.id} not like 'sentry:%'`,
          ),
        )
        .limit(1)
    : [];
  const kind: ErrorKind = isErrorKind(issue.kind) ? issue.kind : 'unknown';
  const severity: Severity = isSeverity(issue.severity) ? issue.severity : 'medium';
  return {
    project,
    fingerprint,
    kind,
    severity,
    target,
    service: serviceName,
    title: issue.title,
    sample: {
      message: first?.message ?? undefined,
      stack: first?.stack ?? undefined,
      url: first?.url ?? undefined,
      data: first?.data ?? undefined,
    },
    count: issue.count,
    firstSeen: issue.firstSeen.toISOString(),
    lastSeen: issue.lastSeen.toISOString(),
    trigger,
    similar: similar.map((s) => ({ ...s, kind: isErrorKind(s.kind) ? s.kind : 'unknown' })),
    systemState: {
      agentsOnline: agentFigures[0]?.online ?? 0,
      unhealthyServices: agentFigures[0]?.unhealthy ?? 0,
      errorRatePerMinute: rate[0]?.faults ?? 0,
    },
    runners: { page: pageRunner.length > 0, service: serviceRunner.length > 0 },
  };
}

/**
 * Drops, in two queries per project (and one fold of pending issue figures), the candidates that cannot need a decision now: those with
 * an open decision, and those that are neither urgent nor counted often enough yet to be
 * persistent. The few left are looked at one by one.
 */
export async function screen(
  db: Db,
  batch: Candidate[],
  persistentThreshold: number,
  foldPending: () => Promise<void>,
): Promise<Candidate[]> {
  const byProject = new Map<string, Candidate[]>();
  for (const candidate of batch) {
    const list = byProject.get(candidate.project) ?? [];
    list.push(candidate);
    byProject.set(candidate.project, list);
  }
  const kept: Candidate[] = [];
  for (const [project, list] of byProject) {
    const fingerprints = list.map((c) => c.fingerprint);
    const open = await db
      .select({ fingerprint: decisions.fingerprint, service: decisions.service })
      .from(decisions)
      .where(
        and(
          eq(decisions.projectId, project),
          inArray(decisions.fingerprint, fingerprints),
          inArray(decisions.status, [...OPEN_DECISION_STATUSES]),
        ),
      );
    const decided = new Map(open.map((r) => [r.fingerprint, r.service]));
    // A decision made from page events (about no service) does not hold back a service's own
    // report of the fault.
    const waiting = list.filter((c) => {
      const service = decided.get(c.fingerprint);
      return service === undefined || (service === null && c.agent === 'backend');
    });
    if (waiting.length === 0) continue;
    // Issue figures are folded in the background: bring them up to date before reading them.
    await foldPending();
    const calm = waiting.filter((c) => !urgent(c)).map((c) => c.fingerprint);
    const counted = calm.length
      ? await db
          .select({ fingerprint: issues.fingerprint })
          .from(issues)
          .where(
            and(
              eq(issues.projectId, project),
              inArray(issues.fingerprint, calm),
              gte(issues.count, persistentThreshold),
            ),
          )
      : [];
    const often = new Set(counted.map((r) => r.fingerprint));
    kept.push(...waiting.filter((c) => urgent(c) || often.has(c.fingerprint)));
  }
  return kept;
}

const urgent = (c: Candidate) => Boolean(c.trigger) || c.severity === 'critical' || c.degraded;
