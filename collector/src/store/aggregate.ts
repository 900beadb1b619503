import type { Issue } from '@selfheal/shared/protocol';
import { sql } from 'drizzle-orm';
import type { Execute } from '../db/database.js';
import { agentDeltas, agents, issueDeltas, issues } from '../db/schema.js';
import { toIssue } from './rows.js';

/** Most pending rows of each kind folded in one pass. */
export const AGGREGATE_BATCH = 10_000;

// Times come back as epoch milliseconds: the drivers disagree on how they parse timestamps.
type IssueRow = Omit<typeof issues.$inferSelect, 'firstSeen' | 'lastSeen'> & {
  firstSeen: number;
  lastSeen: number;
  isNew: boolean;
};

/** What one pass folded: the issues it changed, and whether it emptied both queues. */
export interface AggregateResult {
  issues: Array<{ project: string; issue: Issue; isNew: boolean }>;
  done: boolean;
}

/**
 * Takes the oldest pending issue and agent rows, deletes them and adds them to `issues` and
 * `agents`, inside the caller's transaction. Another collector's pass waits on the same rows
 * and then finds them gone, so each row is counted once; issue rows are updated in key order.
 */
export async function aggregate(execute: Execute): Promise<AggregateResult> {
  const issueRows = await execute<IssueRow & { taken: number }>(sql`
    with pending as (
      delete from ${issueDeltas} where seq in (
        select seq from ${issueDeltas} order by seq limit ${AGGREGATE_BATCH} for update
      ) returning *
    ),
    folded as (
      select project_id, fingerprint, sum(count)::int as count,
        min(seen_at) as first_seen, max(seen_at) as last_seen,
        (array_agg(type order by seq desc))[1] as type,
        (array_agg(kind order by seq desc))[1] as kind,
        (array_agg(severity order by seq desc))[1] as severity,
        (array_agg(title order by seq desc))[1] as title,
        (array_agg(service order by seq desc) filter (where service is not null))[1] as service,
        (array_agg(url order by seq desc) filter (where url is not null))[1] as url
      from pending group by project_id, fingerprint
    )
    insert into ${issues} (project_id, fingerprint, type, kind, severity, title, count, service,
      url, first_seen, last_seen)
    select project_id, fingerprint, type, kind, severity, title, count, service, url,
      first_seen, last_seen
    from folded order by project_id, fingerprint
    on conflict (project_id, fingerprint) do update set
      count = ${issues}.count + excluded.count,
      last_seen = greatest(${issues}.last_seen, excluded.last_seen),
      severity = excluded.severity,
      title = excluded.title,
      service = coalesce(excluded.service, ${issues}.service),
      url = coalesce(excluded.url, ${issues}.url)
    returning project_id as "projectId", fingerprint, type, kind, severity, title, count, service,
      url, extract(epoch from first_seen)::float8 * 1000 as "firstSeen",
      extract(epoch from last_seen)::float8 * 1000 as "lastSeen", (xmax = 0) as "isNew",
      (select count(*)::int from pending) as taken`);

  const agentRows = await execute<{ taken: number }>(sql`
    with pending as (
      delete from ${agentDeltas} where seq in (
        select seq from ${agentDeltas} order by seq limit ${AGGREGATE_BATCH} for update
      ) returning *
    ),
    folded as (
      select project_id, id, sum(reports)::int as reports,
        min(seen_at) as first_seen, max(seen_at) as last_seen,
        (array_agg(agent order by seq desc))[1] as agent,
        (array_agg(service order by seq desc))[1] as service,
        (array_agg(session_id order by seq desc))[1] as session_id,
        (array_agg(hostname order by seq desc))[1] as hostname,
        (array_agg(region order by seq desc) filter (where region is not null))[1] as region,
        (array_agg(healthy order by seq desc) filter (where healthy is not null))[1] as healthy
      from pending group by project_id, id
    ),
    upserted as (
      insert into ${agents} (project_id, id, agent, service, session_id, hostname, region,
        healthy, reports, first_seen, last_seen)
      select project_id, id, agent, service, session_id, hostname, region, healthy, reports,
        first_seen, last_seen
      from folded order by project_id, id
      on conflict (project_id, id) do update set
        last_seen = greatest(${agents}.last_seen, excluded.last_seen),
        reports = ${agents}.reports + excluded.reports,
        healthy = coalesce(excluded.healthy, ${agents}.healthy),
        region = coalesce(excluded.region, ${agents}.region)
    )
    select count(*)::int as taken from pending`);

  const issuesTaken = issueRows[0]?.taken ?? 0;
  const agentsTaken = agentRows[0]?.taken ?? 0;
  return {
    issues: issueRows.map(({ isNew, taken: _taken, firstSeen, lastSeen, ...row }) => ({
      project: row.projectId,
      issue: toIssue({ ...row, firstSeen: new Date(firstSeen), lastSeen: new Date(lastSeen) }),
      isNew,
    })),
    done: issuesTaken < AGGREGATE_BATCH && agentsTaken < AGGREGATE_BATCH,
  };
}
