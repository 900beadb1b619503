import type { Decision } from '@selfheal/shared/protocol';
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { decisionClaims, decisions, OPEN_DECISION_STATUSES } from '../db/schema.js';

/** A decision row as stored. */
export type DecisionRow = typeof decisions.$inferSelect;

/** The wire form of a stored decision. */
export function toDecision(row: DecisionRow): Decision {
  return {
    id: row.id,
    project: row.projectId,
    fingerprint: row.fingerprint,
    kind: row.kind,
    target: row.target,
    service: row.service,
    strategy: row.strategy,
    params: row.params,
    source: row.source,
    confidence: row.confidence,
    riskLevel: row.riskLevel,
    reasoning: row.reasoning,
    estimatedImpact: row.estimatedImpact,
    rollbackPlan: row.rollbackPlan,
    developerFix: row.developerFix,
    notes: row.notes,
    autoApplied: row.autoApplied,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

const open = inArray(decisions.status, [...OPEN_DECISION_STATUSES]);

/** The open decision for a fingerprint, if any (expired ones are closed by `expireDecisions`). */
export async function findOpenDecision(
  db: Db,
  project: string,
  fingerprint: string,
): Promise<DecisionRow | undefined> {
  const [row] = await db
    .select()
    .from(decisions)
    .where(and(eq(decisions.projectId, project), eq(decisions.fingerprint, fingerprint), open));
  return row;
}

/** Closes open decisions past their expiry; returns them. */
export async function expireDecisions(db: Db, now: number): Promise<DecisionRow[]> {
  return db
    .update(decisions)
    .set({ status: 'expired', updatedAt: new Date(now) })
    .where(and(open, lt(decisions.expiresAt, new Date(now))))
    .returning();
}

/**
 * Claims the right to decide about a fingerprint: true for exactly one caller across every
 * collector on the store, until it releases the claim or the claim lapses at `until`.
 */
export async function claimDecision(
  db: Db,
  claim: { project: string; fingerprint: string; instance: string },
  now: number,
  until: number,
): Promise<boolean> {
  const rows = await db
    .insert(decisionClaims)
    .values({
      projectId: claim.project,
      fingerprint: claim.fingerprint,
      instance: claim.instance,
      expiresAt: new Date(until),
    })
    .onConflictDoUpdate({
      target: [decisionClaims.projectId, decisionClaims.fingerprint],
      set: { instance: claim.instance, expiresAt: new Date(until) },
      setWhere: lt(decisionClaims.expiresAt, new Date(now)),
    })
    .returning({ instance: decisionClaims.instance });
  return rows.length > 0;
}

/** Gives a claim up. */
export async function releaseClaim(
  db: Db,
  claim: { project: string; fingerprint: string; instance: string },
): Promise<void> {
  await db
    .delete(decisionClaims)
    .where(
      and(
        eq(decisionClaims.projectId, claim.project),
        eq(decisionClaims.fingerprint, claim.fingerprint),
        eq(decisionClaims.instance, claim.instance),
      ),
    );
}

/** Stores a decision; undefined when another one is already open for its fingerprint. */
export async function insertDecision(
  tx: Db,
  row: typeof decisions.$inferInsert,
): Promise<DecisionRow | undefined> {
  const [stored] = await tx.insert(decisions).values(row).onConflictDoNothing().returning();
  return stored;
}

/**
 * Moves a decision to `status` (only from one of `from`, when given), adding `why` to its notes;
 * returns it when it moved.
 */
export async function setDecisionStatus(
  tx: Db,
  id: string,
  status: Decision['status'],
  now: number,
  from?: readonly Decision['status'][],
  why?: string,
): Promise<DecisionRow | undefined> {
  const [row] = await tx
    .update(decisions)
    .set({
      status,
      updatedAt: new Date(now),
      ...(why
        ? { notes: sql`${decisions.notes} || ${JSON.stringify([why.slice(0, 500)])}::jsonb` }
        : {}),
    })
    .where(and(eq(decisions.id, id), from ? inArray(decisions.status, from) : undefined))
    .returning();
  return row;
}

/** A decision of `project` by id. */
export async function getDecision(
  db: Db,
  project: string,
  id: string,
): Promise<DecisionRow | undefined> {
  const [row] = await db
    .select()
    .from(decisions)
    .where(and(eq(decisions.id, id), eq(decisions.projectId, project)));
  return row;
}

/** Decisions of `project`, newest first. */
export async function listDecisions(
  db: Db,
  project: string,
  filter: { status?: Decision['status']; fingerprint?: string; limit?: number } = {},
): Promise<DecisionRow[]> {
  return db
    .select()
    .from(decisions)
    .where(
      and(
        eq(decisions.projectId, project),
        filter.status ? eq(decisions.status, filter.status) : undefined,
        filter.fingerprint ? eq(decisions.fingerprint, filter.fingerprint) : undefined,
      ),
    )
    .orderBy(desc(decisions.createdAt), desc(decisions.id))
    .limit(filter.limit ?? 100);
}
