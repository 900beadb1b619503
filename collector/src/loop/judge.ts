/**
 * Judges a fix once its window has passed: reads what happened on its own target (the service
 * that ran it, or the page session) and applies the verdict rule (`verdict.ts`).
 */
import { PROMISE_SCOPE, STRATEGY_PROMISES } from '@selfheal/shared';
import { and, eq, gt, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { events, reports } from '../db/schema.js';
import type { OutcomeRow } from '../store/outcomes.js';
import { type VerdictStatus, verdictOf } from './verdict.js';

/** What verification made of one outcome. */
export interface Verdict {
  status: VerdictStatus;
  recurrences: number;
  /** Fault events per minute on the fix's target in the window before it (shown, not judged). */
  errorRateBefore: number | null;
  /** The same in the window after it. */
  errorRateAfter: number | null;
}

/** Judges `outcome` by its strategy's promise on its own fingerprint and target. */
export async function judge(tx: Db, outcome: OutcomeRow, windowMs: number): Promise<Verdict> {
  const facts = { strategy: outcome.strategy, reportedSuccess: outcome.reportedSuccess };
  const scope = PROMISE_SCOPE[STRATEGY_PROMISES[outcome.strategy]];
  if (!outcome.reportedSuccess || scope === 'none') {
    const status = verdictOf({ ...facts, recurrences: 0, newFaultEvents: 0 });
    return { status, recurrences: 0, errorRateBefore: null, errorRateAfter: null };
  }
  const target = targetOf(outcome, scope);
  const fixedAt = outcome.reportedAt;
  const end = new Date(fixedAt.getTime() + windowMs);
  const after = await faultsByFingerprint(tx, outcome, target, gt(events.receivedAt, fixedAt), end);
  const afterTotal = total(after);
  const recurrences = after.get(outcome.fingerprint) ?? 0;
  after.delete(outcome.fingerprint);
  // Without a known target, other faults can't be told apart from the fix's: no harm is judged.
  const newFaultEvents = target ? await eventsOfNewFingerprints(tx, outcome, target, after) : 0;
  const before = await faultsByFingerprint(
    tx,
    outcome,
    target,
    gte(events.receivedAt, new Date(fixedAt.getTime() - windowMs)),
    fixedAt,
  );
  const perMinute = (n: number) => (n * 60_000) / Math.max(windowMs, 1);
  return {
    status: verdictOf({ ...facts, recurrences, newFaultEvents }),
    recurrences,
    errorRateBefore: perMinute(total(before)),
    errorRateAfter: perMinute(afterTotal),
  };
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

/** Where a promise is checked for this outcome, or undefined when the outcome lacks it. */
type Target = { service: string } | { session: string };

function targetOf(outcome: OutcomeRow, scope: 'service' | 'session'): Target | undefined {
  if (scope === 'service') return outcome.service ? { service: outcome.service } : undefined;
  return outcome.sessionId ? { session: outcome.sessionId } : undefined;
}

/**
 * Fault events that are not a check passing (a pass is the fault staying away), read from the
 * row every event keeps, so a sampled event's missing payload never changes a verdict.
 */
const isFault = () => eq(events.grouped, true);

/** Fault events on the target (the project when it is unknown), by fingerprint, from `since` to `until`. */
async function faultsByFingerprint(
  tx: Db,
  outcome: OutcomeRow,
  target: Target | undefined,
  since: SQL | undefined,
  until: Date,
  only?: string[],
): Promise<Map<string, number>> {
  const where = and(
    eq(events.projectId, outcome.projectId),
    target && 'service' in target
      ? and(eq(events.agent, 'backend'), eq(events.service, target.service))
      : undefined,
    since,
    lte(events.receivedAt, until),
    only ? inArray(events.fingerprint, only) : undefined,
    isFault(),
  );
  const base = tx
    // An event may stand for several occurrences (`count`): occurrences are what is judged.
    .select({
      fingerprint: events.fingerprint,
      n: sql<number>`coalesce(sum(${events.count}), 0)`.mapWith(Number),
    })
    .from(events);
  const rows =
    target && 'session' in target
      ? await base
          .innerJoin(
            reports,
            and(eq(reports.id, events.reportId), eq(reports.sessionId, target.session)),
          )
          .where(where)
          .groupBy(events.fingerprint)
      : await base.where(where).groupBy(events.fingerprint);
  return new Map(rows.map((row) => [row.fingerprint, row.n]));
}

/** Events after the fix of the fingerprints in `after` that the target never showed before it. */
async function eventsOfNewFingerprints(
  tx: Db,
  outcome: OutcomeRow,
  target: Target,
  after: Map<string, number>,
): Promise<number> {
  if (after.size === 0) return 0;
  const seen = await faultsByFingerprint(tx, outcome, target, undefined, outcome.reportedAt, [
    ...after.keys(),
  ]);
  let total = 0;
  for (const [fingerprint, n] of after) if (!seen.has(fingerprint)) total += n;
  return total;
}
