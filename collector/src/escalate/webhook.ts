import { randomUUID } from 'node:crypto';
import type { Decision, Escalation } from '@selfheal/shared/protocol';
import { and, desc, eq, gt, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
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
/** Most webhook posts a minute, per collector. */
export const ESCALATIONS_PER_MINUTE = 20;
/** Tries per escalation. */
const ATTEMPTS = 3;

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

/** Text for Slack's mrkdwn: error text never becomes a link, a mention or markup. */
const plain = (value: string, max = 300) =>
  value.slice(0, max).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Slack-compatible body (text and blocks) for an escalated decision. */
export function webhookBody(decision: Decision, title: string) {
  const text = `selfheal: ${decision.kind} needs a person: ${plain(title, 150)}`;
  const lines = [
    `*${plain(decision.kind)}* in project \`${plain(decision.project, 64)}\`${decision.service ? `, service \`${plain(decision.service, 64)}\`` : ''}`,
    `> ${plain(title)}`,
    `Proposed: *${decision.strategy}* (${decision.riskLevel}, confidence ${decision.confidence.toFixed(2)}, from ${decision.source}); not applied automatically.`,
    `Reasoning: ${plain(decision.reasoning, 500)}`,
    ...(decision.developerFix ? [`Developer fix: ${plain(decision.developerFix, 500)}`] : []),
  ];
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Approve or reject: POST /api/decisions/${decision.id}/approve or /reject · fingerprint ${plain(decision.fingerprint, 64)}`,
          },
        ],
      },
    ],
  };
}

/** Posts queued escalations to the webhook, rate-limited, with retries. */
export interface Escalator {
  /** Sends one queued escalation in the background. */
  send(escalation: EscalationRow, decision: Decision, title: string): void;
  /** Resolves once every send in flight has finished. */
  drain(): Promise<void>;
}

/** Creates the escalator; without a URL every escalation stays on the dashboards. */
export function createEscalator(deps: {
  db: Db;
  /** Read at each post, so a changed setting applies at once. */
  url: () => string | undefined;
  clock: Clock;
  logger: Logger;
  onSent?: (ok: boolean) => void;
  retryDelayMs?: number;
}): Escalator {
  const sentAt: number[] = [];
  const inflight = new Set<Promise<void>>();
  const retryDelay = deps.retryDelayMs ?? 1_000;

  const slot = async () => {
    for (;;) {
      const now = Date.now();
      while (sentAt.length > 0 && (sentAt[0] as number) < now - 60_000) sentAt.shift();
      if (sentAt.length < ESCALATIONS_PER_MINUTE) {
        sentAt.push(now);
        return;
      }
      await new Promise((r) => setTimeout(r, (sentAt[0] as number) + 60_000 - now));
    }
  };

  const post = async (row: EscalationRow, decision: Decision, title: string) => {
    const url = deps.url();
    if (!url) return;
    const body = JSON.stringify(webhookBody(decision, title));
    let error = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      await slot();
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (res.ok) {
          await res.body?.cancel();
          await deps.db
            .update(escalations)
            .set({
              status: 'sent',
              attempts: attempt,
              sentAt: new Date(deps.clock.now()),
              lastError: null,
            })
            .where(eq(escalations.id, row.id));
          deps.onSent?.(true);
          return;
        }
        error = `webhook answered ${res.status}`;
        await res.body?.cancel();
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      if (attempt < ATTEMPTS)
        await new Promise((r) => setTimeout(r, retryDelay * 2 ** (attempt - 1)));
    }
    deps.logger.warn({ escalation: row.id, error }, 'escalation webhook failed');
    await deps.db
      .update(escalations)
      .set({ status: 'failed', attempts: ATTEMPTS, lastError: error.slice(0, 500) })
      .where(eq(escalations.id, row.id));
    deps.onSent?.(false);
  };

  return {
    send(row, decision, title) {
      if (row.status !== 'queued') return;
      const task = post(row, decision, title)
        .catch((error) => deps.logger.warn({ err: error }, 'recording an escalation failed'))
        .finally(() => inflight.delete(task));
      inflight.add(task);
    },
    async drain() {
      await Promise.all([...inflight]);
    },
  };
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
