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

/** Most services (or page origins) an issue lists as where it was seen. */
export const MAX_ISSUE_SERVICES = 20;

/** The fingerprint under which a project's new fault groups past the cap are counted. */
export const OVERFLOW_FINGERPRINT = 'overflow';

/** The overflow issue's title, naming the cap. */
export const overflowTitle = (perMinute: number) =>
  `New fault groups over the limit (${perMinute}/min)`;

// Any constant will do: it only has to be the same in every collector on the store.
const FOLD_LOCK = 7_715_120_131;

/** What one pass folded: the issues it changed, and whether it emptied both queues. */
export interface AggregateResult {
  issues: Array<{ project: string; issue: Issue; isNew: boolean }>;
  /** New fingerprints counted under the overflow issue instead of their own. */
  overflowed: number;
  done: boolean;
}

/**
 * Takes the oldest pending issue and agent rows, deletes them and adds them to `issues` and
 * `agents`, inside the caller's transaction. Another collector's pass waits on the same rows
 * and then finds them gone, so each row is counted once; issue rows are updated in key order.
 *
 * A project opens at most `maxNewIssuesPerMinute` issues in any minute (of receipt time; 0: no
 * cap): the fingerprints past it are counted under one overflow issue, so every event still
 * counts. Passes take a transaction lock first, so collectors sharing a store keep one cap.
 */
export async function aggregate(
  execute: Execute,
  maxNewIssuesPerMinute = 0,
): Promise<AggregateResult> {
  const cap = maxNewIssuesPerMinute;
  // The count of a project's recent issues must see every earlier pass, committed or not.
  if (cap > 0) await execute(sql`select pg_advisory_xact_lock(${FOLD_LOCK})`);
  const issueRows = await execute<IssueRow & { taken: number; overflowed: number }>(sql`
    with pending as (
      delete from ${issueDeltas} where seq in (
        select seq from ${issueDeltas} order by seq limit ${AGGREGATE_BATCH} for update
      ) returning *
    ),
    fresh as (
      select p.project_id, p.fingerprint,
        row_number() over (partition by p.project_id order by min(p.seq)) as n
      from pending p
      where ${cap} > 0 and p.fingerprint <> ${OVERFLOW_FINGERPRINT} and not exists (
        select 1 from ${issues} i where i.project_id = p.project_id and i.fingerprint = p.fingerprint
      )
      group by p.project_id, p.fingerprint
    ),
    since as (
      select project_id, max(seen_at) - interval '1 minute' as at from pending
      where project_id in (select project_id from fresh) group by project_id
    ),
    room as (
      select s.project_id, ${cap} - (
        select count(*) from ${issues} i
        where i.project_id = s.project_id and i.fingerprint <> ${OVERFLOW_FINGERPRINT}
          and i.last_seen >= s.at and i.first_seen >= s.at
      ) as left_over
      from since s
    ),
    over as (
      select f.project_id, f.fingerprint from fresh f join room r on r.project_id = f.project_id
      where f.n > r.left_over
    ),
    mapped as (
      select p.seq, p.project_id, p.type, p.kind, p.severity, p.service, p.url, p.count,
        p.seen_at,
        case when o.fingerprint is null then p.fingerprint else ${OVERFLOW_FINGERPRINT} end
          as fingerprint,
        case when o.fingerprint is null then p.title else ${overflowTitle(cap)} end as title
      from pending p
      left join over o on o.project_id = p.project_id and o.fingerprint = p.fingerprint
    ),
    folded as (
      select project_id, fingerprint, sum(count)::int as count,
        min(seen_at) as first_seen, max(seen_at) as last_seen,
        (array_agg(type order by seq desc))[1] as type,
        (array_agg(kind order by seq desc))[1] as kind,
        (array_agg(severity order by seq desc))[1] as severity,
        (array_agg(title order by seq desc))[1] as title,
        (array_agg(service order by seq desc) filter (where service is not null))[1] as service,
        (array_agg(url order by seq desc) filter (where url is not null))[1] as url,
        (array_agg(distinct service) filter (where service is not null)) as services
      from mapped group by project_id, fingerprint
    )
    insert into ${issues} (project_id, fingerprint, type, kind, severity, title, count, service,
      services, url, first_seen, last_seen)
    select project_id, fingerprint, type, kind, severity, title, count, service,
      coalesce(services, '{}'), url, first_seen, last_seen
    from folded order by project_id, fingerprint
    on conflict (project_id, fingerprint) do update set
      count = ${issues}.count + excluded.count,
      last_seen = greatest(${issues}.last_seen, excluded.last_seen),
      severity = excluded.severity,
      title = excluded.title,
      service = coalesce(excluded.service, ${issues}.service),
      services = array(
        select s from unnest(excluded.services || ${issues}.services) with ordinality as t(s, i)
        group by s order by min(i) limit ${MAX_ISSUE_SERVICES}
      ),
      url = coalesce(excluded.url, ${issues}.url)
    returning project_id as "projectId", fingerprint, type, kind, severity, title, count, service,
      services, url, extract(epoch from first_seen)::float8 * 1000 as "firstSeen",
      extract(epoch from last_seen)::float8 * 1000 as "lastSeen", (xmax = 0) as "isNew",
      (select count(*)::int from pending) as taken,
      (select count(*)::int from over) as overflowed`);

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
    issues: issueRows.map(({ isNew, taken: _t, overflowed: _o, firstSeen, lastSeen, ...row }) => ({
      project: row.projectId,
      issue: toIssue({ ...row, firstSeen: new Date(firstSeen), lastSeen: new Date(lastSeen) }),
      isNew,
    })),
    overflowed: issueRows[0]?.overflowed ?? 0,
    done: issuesTaken < AGGREGATE_BATCH && agentsTaken < AGGREGATE_BATCH,
  };
}
