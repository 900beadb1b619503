import { inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { escalations } from '../db/schema.js';
import type { EscalationRow } from '../store/escalations.js';
import { batchBody, type EscalatedDecision } from './message.js';

/** Most webhook posts a minute, per collector. */
export const ESCALATIONS_PER_MINUTE = 20;
/** Tries per escalation. */
const ATTEMPTS = 3;

/** Posts queued escalations to the webhook in batches, rate-limited, with retries. */
export interface Escalator {
  /** Queues one escalation for the next post: at once after a quiet window, else at its end. */
  send(escalation: EscalationRow, item: EscalatedDecision): void;
  /** Posts what is waiting now and resolves once every post in flight has finished. */
  drain(): Promise<void>;
}

interface Waiting extends EscalatedDecision {
  row: EscalationRow;
}

/**
 * Creates the escalator; without a URL every escalation stays on the dashboards. A webhook gets
 * at most one post per batch window (escalations arriving meanwhile wait and go together), so a
 * burst of new issues is one message, not one per issue.
 */
export function createEscalator(deps: {
  db: Db;
  /** Read at each post, so a changed setting applies at once. */
  url: () => string | undefined;
  /** The batch window in milliseconds, read as it is used. */
  batchMs?: () => number;
  clock: Clock;
  logger: Logger;
  /** Told how many escalations a post delivered, or failed to. */
  onSent?: (ok: boolean, count: number) => void;
  retryDelayMs?: number;
}): Escalator {
  const sentAt: number[] = [];
  const inflight = new Set<Promise<void>>();
  const retryDelay = deps.retryDelayMs ?? 1_000;
  const batchMs = deps.batchMs ?? (() => 60_000);
  let waiting: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;
  let lastPostAt = Number.NEGATIVE_INFINITY;

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

  const mark = (items: Waiting[], set: Partial<typeof escalations.$inferInsert>) =>
    deps.db
      .update(escalations)
      .set(set)
      .where(
        inArray(
          escalations.id,
          items.map((item) => item.row.id),
        ),
      );

  const post = async (items: Waiting[]) => {
    const url = deps.url();
    if (!url) return;
    const body = JSON.stringify(batchBody(items));
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
        await res.body?.cancel();
        if (res.ok) {
          const sent = new Date(deps.clock.now());
          await mark(items, { status: 'sent', attempts: attempt, sentAt: sent, lastError: null });
          deps.onSent?.(true, items.length);
          return;
        }
        error = `webhook answered ${res.status}`;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      if (attempt < ATTEMPTS)
        await new Promise((r) => setTimeout(r, retryDelay * 2 ** (attempt - 1)));
    }
    deps.logger.warn({ escalations: items.length, error }, 'escalation webhook failed');
    await mark(items, { status: 'failed', attempts: ATTEMPTS, lastError: error.slice(0, 500) });
    deps.onSent?.(false, items.length);
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const items = waiting;
    waiting = [];
    if (items.length === 0) return;
    lastPostAt = Date.now();
    const task = post(items)
      .catch((error) => deps.logger.warn({ err: error }, 'recording an escalation failed'))
      .finally(() => inflight.delete(task));
    inflight.add(task);
  };

  return {
    send(row, item) {
      if (row.status !== 'queued') return;
      waiting.push({ ...item, row });
      if (timer) return;
      // Even a post that may go at once waits a turn, so escalations made together share it.
      timer = setTimeout(flush, Math.max(0, lastPostAt + batchMs() - Date.now()));
      timer.unref();
    },
    async drain() {
      flush();
      await Promise.all([...inflight]);
    },
  };
}
