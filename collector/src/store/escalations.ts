import { randomUUID } from 'node:crypto';
import type { Decision, Escalation } from '@selfheal/shared/protocol';
import { and, desc, eq, gt, inArray } from 'drizzle-orm';
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
    status: row.status,
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  };
}

/** One escalation per fingerprint within this window; later ones are suppressed. */
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
