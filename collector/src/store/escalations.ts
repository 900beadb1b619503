import { randomUUID } from 'node:crypto';
import type { Decision, Escalation } from '@selfheal/shared/protocol';
import { and, desc, eq, gt, inArray, ne } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { type EscalationStatus, escalations } from '../db/schema.js';

/** An escalation row as stored. */
export type EscalationRow = typeof escalations.$inferSelect;

/** The wire form of an escalation row. */
export function toEscalation(row: EscalationRow): Escalation {
  return {
    id: row.id,
    decisionId: row.decisionId,
    fingerprint: row.fingerprint,
    kind: row.kind,
    outcomeId: row.outcomeId,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  };
}

/** One escalation of a decision per fingerprint within this window; later ones are suppressed. */
export const ESCALATION_DEDUP_MS = 60 * 60_000;

/**
 * Records that a person must be told about `decision`, inside the transaction that stores it:
 * queued for the webhook, suppressed when its fingerprint was escalated within the dedup
 * window, or unconfigured when no webhook is set (dashboards still show it).
 */
export async function recordEscalation(
  tx: Db,
  decision: Decision,
  configured: boolean,
  now: number,
): Promise<EscalationRow> {
  const [recent] = await tx
    .select({ id: escalations.id })
    .from(escalations)
    .where(
      and(
        eq(escalations.projectId, decision.project),
        eq(escalations.fingerprint, decision.fingerprint),
        eq(escalations.kind, 'decision'),
        gt(escalations.createdAt, new Date(now - ESCALATION_DEDUP_MS)),
        inArray(escalations.status, ['queued', 'sent']),
      ),
    )
    .limit(1);
  const status: EscalationStatus = recent ? 'suppressed' : configured ? 'queued' : 'unconfigured';
  const [row] = await tx
    .insert(escalations)
    .values({
      id: randomUUID(),
      projectId: decision.project,
      decisionId: decision.id,
      fingerprint: decision.fingerprint,
      status,
      createdAt: new Date(now),
    })
    .returning();
  return row as EscalationRow;
}

/**
 * Records, inside the transaction that supersedes `decision`, that the person told about it is
 * told the fault was fixed (by `outcomeId`): queued for the webhook, or unconfigured when no
 * webhook is set. Undefined when nobody was told about the decision (no escalation, or a
 * suppressed one).
 */
export async function recordFixed(
  tx: Db,
  decision: { id: string; projectId: string; fingerprint: string },
  outcomeId: string,
  configured: boolean,
  now: number,
): Promise<EscalationRow | undefined> {
  const [told] = await tx
    .select({ id: escalations.id })
    .from(escalations)
    .where(
      and(
        eq(escalations.decisionId, decision.id),
        eq(escalations.kind, 'decision'),
        ne(escalations.status, 'suppressed'),
      ),
    )
    .limit(1);
  if (!told) return undefined;
  const [row] = await tx
    .insert(escalations)
    .values({
      id: randomUUID(),
      projectId: decision.projectId,
      decisionId: decision.id,
      fingerprint: decision.fingerprint,
      kind: 'fixed',
      outcomeId,
      status: configured ? 'queued' : 'unconfigured',
      createdAt: new Date(now),
    })
    .returning();
  return row;
}

/** Recent escalations of `project`, newest first. */
export async function listEscalations(
  db: Db,
  project: string,
  limit = 10,
): Promise<EscalationRow[]> {
  return db
    .select()
    .from(escalations)
    .where(eq(escalations.projectId, project))
    .orderBy(desc(escalations.createdAt))
    .limit(limit);
}
