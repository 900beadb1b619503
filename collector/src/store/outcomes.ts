import { and, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { commands, decisions, type OutcomeStatus, outcomes } from '../db/schema.js';
import { type RecordsetShape, recordset } from './recordset.js';

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

/**
 * Stores each verdict on its outcome and on the command it answered: one statement for the
 * outcomes and one for their commands, where there were two per outcome.
 */
export async function settleOutcomes(
  tx: Db,
  settled: Array<{ outcome: OutcomeRow; verdict: OutcomeVerdict }>,
  now: number,
): Promise<void> {
  if (settled.length === 0) return;
  const at = new Date(now).toISOString();
  const verdicts = settled.map(({ outcome, verdict }) => ({
    id: outcome.id,
    status: verdict.status,
    errorRateBefore: verdict.errorRateBefore,
    errorRateAfter: verdict.errorRateAfter,
  }));
  await tx.execute(sql`
    update ${outcomes} set status = x."status", success = x."status" = 'succeeded',
      verified_at = ${at}::timestamptz, error_rate_before = x."errorRateBefore",
      error_rate_after = x."errorRateAfter"
    from ${recordset(VERDICT_ROWS, verdicts)}
    where ${outcomes.id} = x."id"`);
  const answered = settled
    .filter(({ outcome }) => outcome.commandId)
    .map(({ outcome, verdict }) => ({
      id: outcome.commandId,
      status: verdict.status === 'succeeded' ? 'succeeded' : 'failed',
    }));
  if (answered.length === 0) return;
  await tx.execute(sql`
    update ${commands} set status = x."status", completed_at = ${at}::timestamptz
    from ${recordset(COMMAND_STATUS_ROWS, answered)}
    where ${commands.id} = x."id"`);
}

const VERDICT_ROWS = {
  table: outcomes,
  keys: ['id', 'status', 'errorRateBefore', 'errorRateAfter'],
} as const satisfies RecordsetShape;

const COMMAND_STATUS_ROWS = {
  table: commands,
  keys: ['id', 'status'],
} as const satisfies RecordsetShape;

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
