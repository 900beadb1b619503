import type { FixOutcome, ModelCall, TrendBucket, Trends } from '@selfheal/shared/protocol';
import { desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { events, issues } from '../db/schema.js';
import { llmUsage, outcomes } from '../db/schema-decisions.js';

/** Most issues a trend follows: the most frequent within the span. */
const TREND_ISSUES = 20;
/** Most services and origins named per issue. */
const SEEN_ON = 10;

const BUCKET_MS: Record<TrendBucket, number> = { hour: 3_600_000, day: 86_400_000 };

/** The start of the bucket holding `ms` (UTC). */
export function bucketStart(ms: number, bucket: TrendBucket): number {
  return Math.floor(ms / BUCKET_MS[bucket]) * BUCKET_MS[bucket];
}

/** A jsonb array of names as one driver or the other hands it back (parsed or as text). */
function names(value: unknown): string[] {
  const list: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(list)
    ? list.filter((v): v is string => typeof v === 'string').slice(0, SEEN_ON)
    : [];
}

const iso = (value: unknown) => new Date(value as string | Date).toISOString();

/**
 * Success per strategy and occurrences of the most frequent issues, over the `span` buckets
 * up to now, with the services and page origins each issue was seen on in that time.
 */
export async function getTrends(
  database: Database,
  project: string,
  bucket: TrendBucket,
  span: number,
  now = Date.now(),
): Promise<Trends> {
  const from = new Date(bucketStart(now, bucket) - (span - 1) * BUCKET_MS[bucket]);
  const to = new Date(now);
  // Buckets in UTC, so every collector and every dashboard draws the same points.
  const at = (column: unknown) =>
    sql`date_trunc(${bucket}, ${column} at time zone 'UTC') at time zone 'UTC'`;
  const [strategyRows, issueRows, seenRows] = await Promise.all([
    database.execute<{ strategy: string; at: string; attempts: number; successes: number }>(sql`
      select ${outcomes.strategy} as strategy, ${at(outcomes.verifiedAt)} as at,
        count(*)::int as attempts, (count(*) filter (where ${outcomes.success}))::int as successes
      from ${outcomes}
      where ${outcomes.projectId} = ${project} and ${outcomes.status} <> 'verifying'
        and ${outcomes.verifiedAt} >= ${from.toISOString()}::timestamptz
      group by 1, 2 order by 2`),
    database.execute<{ fingerprint: string; at: string; count: number }>(sql`
      with span as (
        select ${events.fingerprint} as fingerprint, ${events.occurredAt} as occurred_at,
          ${events.count} as n
        from ${events}
        join ${issues} on ${issues.projectId} = ${events.projectId}
          and ${issues.fingerprint} = ${events.fingerprint}
        where ${events.projectId} = ${project}
          and ${events.occurredAt} >= ${from.toISOString()}::timestamptz
          and ${events.occurredAt} <= ${to.toISOString()}::timestamptz
          and ${events.grouped}
      ), top as (
        select fingerprint from span group by fingerprint order by sum(n) desc limit ${TREND_ISSUES}
      )
      select span.fingerprint, ${at(sql.raw('span.occurred_at'))} as at, sum(n)::int as count
      from span join top on top.fingerprint = span.fingerprint
      group by 1, 2 order by 2`),
    database.execute<{ fingerprint: string; services: unknown; origins: unknown }>(
      sql`
      select ${events.fingerprint} as fingerprint,
        to_jsonb(array_agg(distinct ${events.service})
          filter (where ${events.service} is not null)) as services,
        to_jsonb(array_agg(distinct substring(${events.url} from '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]+'))
          filter (where ${events.url} ~ '^[a-zA-Z][a-zA-Z0-9+.-]*://')) as origins
      from ${events}
      where ${events.projectId} = ${project}
        and ${events.occurredAt} >= ${from.toISOString()}::timestamptz
        and ${events.occurredAt} <= ${to.toISOString()}::timestamptz
        and ${events.type} not in ('fix_attempt', 'fix_outcome')
      group by 1`,
    ),
  ]);

  const strategies = new Map<string, Trends['strategies'][number]>();
  for (const row of strategyRows) {
    const entry = strategies.get(row.strategy) ?? {
      strategy: row.strategy as Trends['strategies'][number]['strategy'],
      points: [],
    };
    entry.points.push({ at: iso(row.at), attempts: row.attempts, successes: row.successes });
    strategies.set(row.strategy, entry);
  }
  const seen = new Map(seenRows.map((row) => [row.fingerprint, row]));
  const trend = new Map<string, Trends['issues'][number]>();
  for (const row of issueRows) {
    const where = seen.get(row.fingerprint);
    const entry = trend.get(row.fingerprint) ?? {
      fingerprint: row.fingerprint,
      count: 0,
      points: [],
      services: names(where?.services),
      origins: names(where?.origins),
    };
    entry.count += row.count;
    entry.points.push({ at: iso(row.at), count: row.count });
    trend.set(row.fingerprint, entry);
  }
  return {
    bucket,
    from: from.toISOString(),
    to: to.toISOString(),
    strategies: [...strategies.values()],
    issues: [...trend.values()].sort((a, b) => b.count - a.count),
  };
}

/** Fixes agents reported in `project`, newest first, with what verifying them found. */
export async function listFixes(
  database: Database,
  project: string,
  limit: number,
): Promise<FixOutcome[]> {
  const rows = await database.db
    .select()
    .from(outcomes)
    .where(eq(outcomes.projectId, project))
    .orderBy(desc(outcomes.reportedAt))
    .limit(limit);
  return rows.map((row) => ({
    id: row.id,
    decisionId: row.decisionId,
    fingerprint: row.fingerprint,
    kind: row.kind,
    strategy: row.strategy,
    service: row.service,
    sessionId: row.sessionId,
    local: row.local,
    status: row.status,
    verifiedBy: row.verifiedBy,
    detail: row.detail,
    reportedAt: row.reportedAt.toISOString(),
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
  }));
}

/** Model calls behind `project`'s decisions, newest first. */
export async function listModelCalls(
  database: Database,
  project: string,
  limit: number,
): Promise<ModelCall[]> {
  const rows = await database.db
    .select()
    .from(llmUsage)
    .where(eq(llmUsage.projectId, project))
    .orderBy(desc(llmUsage.createdAt))
    .limit(limit);
  return rows.map((row) => ({
    id: row.id,
    decisionId: row.decisionId,
    fingerprint: row.fingerprint,
    model: row.model,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    costUsd: row.costUsd,
    cached: row.cached,
    createdAt: row.createdAt.toISOString(),
  }));
}
