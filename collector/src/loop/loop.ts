import type { CommandRow } from '../commands/store.js';
import { OPEN_DECISION_STATUSES } from '../db/schema.js';
import { decide } from '../decide/engine.js';
import { createMinuteQuota } from '../decide/minute-quota.js';
import type { ModelPort } from '../decide/types.js';
import type { IngestReport } from '../ingest/normalize.js';
import {
  claimDecision,
  findOpenDecision,
  releaseClaim,
  setDecisionStatus,
} from '../store/decisions.js';
import { takeInbox } from '../store/inbox.js';
import { type ReviewResult, review, storeDraft } from './act.js';
import type { LoopContext } from './context.js';
import { expireDue, failRefused } from './lapse.js';
import { readKnowledge } from './learn.js';
import { recordOutcomes } from './record-outcomes.js';
import {
  buildInput,
  type Candidate,
  candidateOf,
  healedInItsSessions,
  screen,
  triggerOf,
} from './screen.js';
import { settleDue, supersedeMoot } from './verify.js';

/** How long a claim to decide lasts if its collector dies while deciding. */
const CLAIM_MS = 60_000;
/** How often expiries and verification windows are checked. */
const SWEEP_MS = 1_000;
/** Decisions taken at once. */
const CONCURRENCY = 4;
/**
 * Most fingerprints waiting to be looked at. Past it new ones are dropped and counted: each
 * comes back with its next occurrence, and ingest never waits on the loop.
 */
const MAX_PENDING = 10_000;

/** The decision loop: what ingest hands it, and what routes ask of it. */
export interface DecisionLoop {
  /** Hands the loop what a committed batch stored; returns at once (never delays the 202). */
  onCommitted(batch: IngestReport[]): void;
  /** A person approves or rejects a pending decision. */
  review(project: string, id: string, verdict: 'approve' | 'reject'): Promise<ReviewResult>;
  /** An agent acknowledged (or refused) a command. */
  onAck(row: CommandRow, changed: boolean): Promise<void>;
  /** Runs expiries and due verifications now (the timer does this every second). */
  sweep(): Promise<void>;
  /** Resolves once everything handed to the loop so far has been decided or settled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const keyOf = (project: string, fingerprint: string) => `${project}\u0000${fingerprint}`;

/** Inbox rows taken in one transaction. */
const INBOX_BATCH = 200;

/** Creates the loop over the store; `model` is optional (knowledge and rules alone without it). */
export function createDecisionLoop(ctx: LoopContext, model?: ModelPort): DecisionLoop {
  const candidates = new Map<string, Candidate>();
  // Set when the inbox may hold rows: after a commit here, and on every sweep (rows another
  // collector stored, or one that died left behind).
  let inboxWaiting = true;
  const busy = new Set<string>();
  let running: Promise<void> | undefined;
  let closed = false;
  const newDecisions = createMinuteQuota(ctx.config.maxNewDecisionsPerMinute);

  const policy = () => ({
    autoApplyThreshold: ctx.config.autoApplyThreshold,
    maxRisk: ctx.config.autoApplyMaxRisk,
    dryRun: ctx.config.dryRun,
  });

  async function handle(candidate: Candidate): Promise<void> {
    const { project, fingerprint } = candidate;
    const now = ctx.clock.now();
    const trigger = await triggerOf(
      ctx.db,
      candidate,
      {
        threshold: ctx.config.persistentThreshold,
        windowMs: ctx.config.persistentWindowMs,
      },
      now,
    );
    if (!trigger) return;
    const claim = { project, fingerprint, instance: ctx.instance };
    if (!(await claimDecision(ctx.db, claim, now, now + CLAIM_MS))) return;
    try {
      const input = await buildInput(ctx.db, project, fingerprint, trigger, now);
      if (!input) return;
      // A page's events never trigger a fix in a service, whatever fingerprint they carry.
      if (input.target === 'service' && candidate.agent !== 'backend' && !candidate.trigger) return;
      // Healed where it happened: the page agents fixed it in every session that met it, so
      // nobody is told. Should it keep coming back unhealed, it is decided then.
      if (
        input.target === 'page' &&
        trigger !== 'fix_failed' &&
        (await healedInItsSessions(
          ctx.db,
          project,
          fingerprint,
          now - ctx.config.persistentWindowMs,
        ))
      ) {
        ctx.metrics.inc('selfheal_decisions_unneeded_total');
        return;
      }
      // Another collector may have decided between the first look and the claim. An open
      // decision made from page events gives way to the service's own report of the fault.
      const open = await findOpenDecision(ctx.db, project, fingerprint);
      if (open && !(open.service === null && input.target === 'service')) return;
      if (open)
        await setDecisionStatus(ctx.db, open.id, 'expired', now, [...OPEN_DECISION_STATUSES]);
      // Past the cap the fingerprint is left undecided; its next occurrence brings it back.
      if (!newDecisions.take(project, now)) {
        ctx.metrics.inc('selfheal_decisions_capped_total');
        return;
      }
      const known = await readKnowledge(ctx.db, input, now);
      const draft = await decide(input, {
        knowledge: known.records,
        blocked: known.blocked,
        policy: policy(),
        model,
      });
      await storeDraft(ctx, input, draft, trigger);
    } finally {
      await releaseClaim(ctx.db, claim);
    }
  }

  // Verification passes run one after another in this process, so a caller that asks for one
  // (a test after moving the clock) never returns while the timer's pass holds the rows.
  let verifying: Promise<unknown> = Promise.resolve();
  async function verifyDue(): Promise<void> {
    const pass = verifying.then(() => settleDue(ctx));
    verifying = pass.catch(() => {});
    const settled = await pass;
    for (const { outcome, status } of settled) {
      if (status !== 'succeeded') {
        enqueue({
          project: outcome.projectId,
          fingerprint: outcome.fingerprint,
          severity: 'high',
          type: 'error',
          agent: outcome.mayHold ? 'backend' : 'frontend',
          degraded: false,
          trigger: 'fix_failed',
        });
      }
    }
  }

  /**
   * Takes what ingest stored for the loop: outcomes are recorded to be verified in the same
   * transaction that deletes them from the inbox; urgent faults join the candidates. True when
   * it recorded an outcome.
   */
  async function drainInbox(): Promise<boolean> {
    let recorded = false;
    // Issue figures are folded in the background: an outcome's kind is read from them.
    await ctx.foldPending();
    for (;;) {
      const urgent: Candidate[] = [];
      const taken = await ctx.db.transaction(async (tx) => {
        const rows = await takeInbox(tx, INBOX_BATCH);
        if (rows.some((row) => row.type === 'fix_outcome')) {
          const { refused, moot } = await recordOutcomes(tx, rows, ctx.config.verifyWindowMs);
          if (moot.length > 0) await supersedeMoot(ctx, tx, moot);
          for (const reason of refused) {
            ctx.metrics.inc('selfheal_outcomes_refused_total', { reason });
          }
          recorded = true;
        }
        for (const row of rows) if (row.type !== 'fix_outcome') urgent.push(candidateOf(row));
        return rows.length;
      });
      for (const candidate of urgent) enqueue(candidate, false);
      if (taken < INBOX_BATCH) break;
    }
    return recorded;
  }

  async function drainQueue(): Promise<void> {
    while (!closed && (inboxWaiting || candidates.size > 0)) {
      let recorded = false;
      if (inboxWaiting) {
        inboxWaiting = false;
        recorded = await drainInbox();
      }
      const waiting = [...candidates.values()].filter(
        (c) => !busy.has(keyOf(c.project, c.fingerprint)),
      );
      candidates.clear();
      const batch = await screen(ctx.db, waiting, ctx.config.persistentThreshold, ctx.foldPending);
      for (let i = 0; i < batch.length; i += CONCURRENCY) {
        await Promise.all(
          batch.slice(i, i + CONCURRENCY).map(async (candidate) => {
            const key = keyOf(candidate.project, candidate.fingerprint);
            busy.add(key);
            try {
              await handle(candidate);
            } catch (error) {
              ctx.logger.warn(
                { err: error, fingerprint: candidate.fingerprint },
                'deciding failed',
              );
            } finally {
              busy.delete(key);
            }
          }),
        );
      }
      // Verified after the faults stored with them were looked at, so a fault seen while its
      // decision was open is not decided again once that decision is settled. A reported
      // failure is due at once.
      if (recorded) await verifyDue();
    }
  }

  function schedule(): void {
    if (running || closed) return;
    running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(drainQueue)
      .catch((error) => ctx.logger.warn({ err: error }, 'the decision loop failed'))
      .finally(() => {
        running = undefined;
        if (inboxWaiting || candidates.size > 0) schedule();
      });
  }

  function enqueue(candidate: Candidate, wake = true): void {
    const key = keyOf(candidate.project, candidate.fingerprint);
    const seen = candidates.get(key);
    if (!seen && candidates.size >= MAX_PENDING) {
      ctx.metrics.inc('selfheal_decision_candidates_dropped_total');
      return;
    }
    // Keep the strongest reason: an explicit trigger, then critical, then degraded.
    if (
      !seen ||
      candidate.trigger ||
      (!seen.trigger && candidate.severity === 'critical') ||
      candidate.degraded
    ) {
      candidates.set(key, seen?.trigger && !candidate.trigger ? seen : candidate);
    }
    if (wake) schedule();
  }

  async function sweep(): Promise<void> {
    await expireDue(ctx);
    await verifyDue();
    inboxWaiting = true;
    schedule();
  }

  let sweeping = false;
  // One sweep at a time: on a slow store the next tick is skipped rather than piled up.
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweep()
      .catch((error) => ctx.logger.warn({ err: error }, 'the decision sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  }, SWEEP_MS);
  timer.unref();

  return {
    onCommitted(batch) {
      if (closed) return;
      for (const report of batch) {
        for (const event of report.events) {
          // Outcomes and urgent faults were stored in the loop's inbox with the events.
          if (event.forLoop) {
            inboxWaiting = true;
          } else if (event.grouped) {
            enqueue(
              {
                project: report.projectId,
                fingerprint: event.fingerprint,
                severity: event.severity,
                type: event.type,
                agent: report.agent,
                degraded: false,
              },
              false,
            );
          }
        }
      }
      schedule();
    },
    review(project, id, verdict) {
      return review(ctx, project, id, verdict);
    },
    async onAck(row, changed) {
      ctx.metrics.inc('selfheal_commands_total', {
        event: row.status === 'refused' ? 'refused' : 'acknowledged',
        target: row.target,
      });
      if (changed && row.status === 'refused') await failRefused(ctx, row);
    },
    sweep,
    async idle() {
      while (running) await running;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      while (running) await running;
      await verifying;
      while (sweeping) await new Promise((r) => setTimeout(r, 10));
      await ctx.escalator.drain();
    },
  };
}
