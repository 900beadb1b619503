import { and, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { commands, decisions, type OutcomeStatus, outcomes } from '../db/schema.js';

/** An outcome row as stored. */
export type OutcomeRow = typeof outcomes.$inferSelect;

/** What verification stores on an outcome. */
export interface OutcomeVerdict {
  status: Exclude<OutcomeStatus, 'verifying'>;
  errorRateBefore: number | null;
  errorRateAfter: number | null;
}

/** Locks up to `limit` outcomes whose window has passed; other collectors skip them. */
export async function lockDueOutcomes(tx: Db, now: number, limit = 50): Promise<OutcomeRow[]> {
  return tx
    .select()
    .from(outcomes)
    .where(and(eq(outcomes.status, 'verifying'), lte(outcomes.verifyAt, new Date(now))))
    .orderBy(outcomes.verifyAt)
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Stores a verdict on its outcome and on the command it answered. */
export async function settleOutcome(
  tx: Db,
  outcome: OutcomeRow,
  verdict: OutcomeVerdict,
  now: number,
): Promise<void> {
  await tx
    .update(outcomes)
    .set({
      status: verdict.status,
      success: verdict.status === 'succeeded',
      verifiedAt: new Date(now),
      errorRateBefore: verdict.errorRateBefore,
      errorRateAfter: verdict.errorRateAfter,
    })
    .where(eq(outcomes.id, outcome.id));
  if (outcome.commandId) {
    await tx
      .update(commands)
      .set({
        status: verdict.status === 'succeeded' ? 'succeeded' : 'failed',
        completedAt: new Date(now),
      })
      .where(eq(commands.id, outcome.commandId));
  }
}

/** Fix figures of `project`: outcomes judged (verification done) and those that succeeded. */
export async function outcomeFigures(
  db: Db,
  project: string,
): Promise<{ judged: number; succeeded: number }> {
  const [row] = await db
    .select({
      judged: sql<number>`count(*) filter (where ${outcomes.status} <> 'verifying')`.mapWith(
        Number,
      ),
      succeeded: sql<number>`count(*) filter (where ${outcomes.status} = 'succeeded')`.mapWith(
        Number,
      ),
    })
    .from(outcomes)
    .where(eq(outcomes.projectId, project));
  return { judged: row?.judged ?? 0, succeeded: row?.succeeded ?? 0 };
}

/** The decision of an outcome, locked for update, if it has one. */
export async function decisionOf(tx: Db, outcome: OutcomeRow) {
  if (!outcome.decisionId) return undefined;
  const [row] = await tx
    .select()
    .from(decisions)
    .where(eq(decisions.id, outcome.decisionId))
    .for('update');
  return row;
}
