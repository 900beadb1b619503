import { randomUUID } from 'node:crypto';
import {
  awaitsPerson,
  COMMAND_TTL_MS,
  DECIDABLE_DECISION_STATUSES,
  DECISION_STATUS_RULES,
  STRATEGY_DESCRIPTIONS,
  STRATEGY_UNDO,
} from '@selfheal/shared';
import { type CommandRow, insertCommand } from '../commands/store.js';
import type { Db } from '../db/database.js';
import { llmUsage } from '../db/schema.js';
import type { DecisionDraft, DecisionInput } from '../decide/types.js';
import { NO_RUNNER_NOTE } from '../escalate/message.js';
import { publish } from '../live/publish.js';
import {
  type DecisionRow,
  getDecision,
  insertDecision,
  setDecisionStatus,
  toDecision,
} from '../store/decisions.js';
import { type EscalationRow, recordEscalation, toEscalation } from '../store/escalations.js';
import { decisionUpdate, type LoopContext } from './context.js';
import { learnOutcome, rememberDeveloperFix } from './learn.js';

/** True when an agent can carry the decision out (a page or a service fix). */
const runnable = (row: Pick<DecisionRow, 'target' | 'strategy'>) =>
  (row.target === 'page' || row.target === 'service') && row.strategy !== 'report_only';

/** False when no agent of ours is there to carry out the draft (the fault came from a Sentry SDK). */
const hasRunner = (input: DecisionInput, draft: DecisionDraft) =>
  draft.target === 'page' || draft.target === 'service'
    ? (input.runners?.[draft.target] ?? true)
    : true;

/** The note of a fix nobody can run: what a person should do instead. */
function byHand(draft: DecisionDraft): string {
  const where = draft.target === 'service' ? 'the service' : 'the page';
  return `${NO_RUNNER_NOTE} ${where} (the fault came only from a Sentry SDK, which runs no fixes): do it by hand: ${STRATEGY_DESCRIPTIONS[draft.strategy].description} Or run the selfheal ${draft.target === 'service' ? 'backend agent with a service key' : 'page agent'} there, and its commands carry such fixes out.`;
}

/** Stores a command for a decision and NOTIFYs the pollers of its service, inside `tx`. */
export async function dispatch(
  ctx: LoopContext,
  tx: Db,
  decision: DecisionRow,
  options: { rollback?: boolean } = {},
): Promise<CommandRow> {
  const now = ctx.clock.now();
  const command = await insertCommand(tx, {
    id: randomUUID(),
    decisionId: decision.id,
    projectId: decision.projectId,
    fingerprint: decision.fingerprint,
    target: decision.target,
    service: decision.service,
    strategy: decision.strategy,
    params: decision.params,
    rollback: options.rollback ?? false,
    issuedAt: new Date(now),
    expiresAt: new Date(now + COMMAND_TTL_MS[decision.strategy]),
  });
  if (command.target === 'service' && command.service) {
    await ctx.channel.announce(tx, command.projectId, command.service);
  }
  return command;
}

/** After the commit that stored `commands`: wake this process's pollers, count them. */
export function afterDispatch(ctx: LoopContext, commands: CommandRow[]): void {
  for (const command of commands) {
    ctx.metrics.inc('selfheal_commands_total', { event: 'issued', target: command.target });
    if (command.target === 'service' && command.service) {
      ctx.channel.wake(command.projectId, command.service);
    } else if (command.target === 'page') {
      ctx.onPageCommand(command);
    }
  }
}

/**
 * Stores a draft as the fingerprint's open decision and acts on it in the same transaction:
 * auto-applied → a command; dry run → recorded; nothing to run (notify_admin, report_only) →
 * recorded and escalated; otherwise pending (a person approves or rejects) and escalated. Undefined
 * when another decision was opened for the fingerprint meanwhile.
 */
export async function storeDraft(
  ctx: LoopContext,
  input: DecisionInput,
  draft: DecisionDraft,
  trigger: DecisionInput['trigger'],
): Promise<DecisionRow | undefined> {
  const now = ctx.clock.now();
  const dry = ctx.config.dryRun;
  const unrun = runnable(draft) && !hasRunner(input, draft);
  const apply = draft.autoApply && !dry && runnable(draft) && !unrun;
  // Nothing to approve when nothing would run (notify_admin, report_only, or a fix no agent of
  // ours is there to run): a person is told what to do.
  const status = apply ? 'dispatched' : dry || !runnable(draft) || unrun ? 'recorded' : 'pending';
  const notes = dry
    ? [...draft.notes, 'dry run: recorded, not dispatched']
    : unrun
      ? [...draft.notes, byHand(draft)]
      : draft.notes;
  const commands: CommandRow[] = [];
  let escalation: EscalationRow | undefined;
  const stored = await ctx.db.transaction(async (tx) => {
    const row = await insertDecision(tx, {
      id: randomUUID(),
      projectId: input.project,
      fingerprint: input.fingerprint,
      kind: input.kind,
      target: draft.target,
      // The service a decision is about, whatever carries it out (a person, for notify_admin).
      service: input.target === 'service' ? input.service : null,
      strategy: draft.strategy,
      params: draft.params,
      source: draft.source,
      trigger,
      confidence: draft.confidence,
      modelConfidence: draft.modelConfidence,
      riskLevel: draft.riskLevel,
      reasoning: draft.reasoning,
      estimatedImpact: draft.estimatedImpact,
      rollbackPlan: draft.rollbackPlan,
      developerFix: draft.developerFix,
      notes,
      autoApplied: apply,
      status,
      createdAt: new Date(now),
      updatedAt: new Date(now),
      expiresAt: new Date(now + ctx.config.decisionTtlMs),
    });
    if (!row) return undefined;
    if (draft.llm) {
      await tx.insert(llmUsage).values({
        id: randomUUID(),
        projectId: input.project,
        decisionId: row.id,
        fingerprint: input.fingerprint,
        model: draft.llm.model,
        promptTokens: draft.llm.cached ? 0 : draft.llm.promptTokens,
        completionTokens: draft.llm.cached ? 0 : draft.llm.completionTokens,
        costUsd: draft.llm.cached ? 0 : draft.llm.costUsd,
        cached: draft.llm.cached,
        createdAt: new Date(now),
      });
    }
    if (draft.developerFix && draft.source === 'llm') {
      await rememberDeveloperFix(
        tx,
        { ...input, strategy: draft.strategy, developerFix: draft.developerFix },
        now,
      );
    }
    const updates = [decisionUpdate(row)];
    if (apply) commands.push(await dispatch(ctx, tx, row));
    else if (!dry) {
      const configured = Boolean(ctx.config.escalationWebhookUrl);
      escalation = await recordEscalation(tx, toDecision(row), configured, now);
      updates.push({
        type: 'escalation',
        project: row.projectId,
        escalation: toEscalation(escalation),
      });
    }
    await publish(tx, updates);
    return row;
  });
  if (!stored) return undefined;
  ctx.metrics.inc('selfheal_decisions_total', { source: stored.source, status: stored.status });
  if (draft.llm) {
    const model = draft.llm.model;
    ctx.metrics.inc('selfheal_llm_calls_total', { model, cached: String(draft.llm.cached) });
    if (!draft.llm.cached) {
      ctx.metrics.inc(
        'selfheal_llm_tokens_total',
        { model, type: 'prompt' },
        draft.llm.promptTokens,
      );
      ctx.metrics.inc(
        'selfheal_llm_tokens_total',
        { model, type: 'completion' },
        draft.llm.completionTokens,
      );
      ctx.metrics.inc('selfheal_llm_cost_usd_total', { model }, draft.llm.costUsd);
    }
  }
  afterDispatch(ctx, commands);
  if (escalation) {
    ctx.metrics.inc('selfheal_escalations_total', { status: escalation.status });
    ctx.escalator.send(escalation, { decision: toDecision(stored), title: input.title });
  }
  return stored;
}

/** What a person's verdict came to: the decision now, or why it was not taken. */
export type ReviewResult =
  | { ok: true; decision: DecisionRow }
  | { ok: false; reason: 'not_found' }
  /** Settled otherwise already (the verdict differs from the one it had). */
  | { ok: false; reason: 'not_pending'; status: DecisionRow['status'] }
  /** Moved by someone else between the read and the write. */
  | { ok: false; reason: 'changed' };

/**
 * A person's verdict on a pending decision: approve dispatches it (or records it when no agent
 * runs it), reject dismisses it and holds the strategy off for the fingerprint. Idempotent for
 * the same verdict; a decision settled otherwise is `not_pending`.
 */
export async function review(
  ctx: LoopContext,
  project: string,
  id: string,
  verdict: 'approve' | 'reject',
): Promise<ReviewResult> {
  const now = ctx.clock.now();
  const commands: CommandRow[] = [];
  const result = await ctx.db.transaction(async (tx): Promise<ReviewResult> => {
    const found = await getDecision(tx, project, id);
    if (!found) return { ok: false, reason: 'not_found' };
    if (!awaitsPerson(found.status)) {
      const same =
        verdict === 'reject'
          ? found.status === 'rejected'
          : DECISION_STATUS_RULES[found.status].wentAhead;
      if (same) return { ok: true, decision: found };
      return { ok: false, reason: 'not_pending', status: found.status };
    }
    const next = verdict === 'reject' ? 'rejected' : runnable(found) ? 'dispatched' : 'recorded';
    const moved = await setDecisionStatus(tx, id, next, now, DECIDABLE_DECISION_STATUSES);
    if (!moved) return { ok: false, reason: 'changed' };
    if (verdict === 'approve' && next === 'dispatched')
      commands.push(await dispatch(ctx, tx, moved));
    if (verdict === 'reject') {
      const pattern = { project: moved.projectId, fingerprint: moved.fingerprint };
      const rejected = { ...pattern, kind: moved.kind, strategy: moved.strategy };
      await learnOutcome(tx, { ...rejected, success: false, holdOff: true }, now);
    }
    await publish(tx, [decisionUpdate(moved)]);
    return { ok: true, decision: moved };
  });
  if (result.ok) ctx.metrics.inc('selfheal_decisions_reviewed_total', { verdict });
  afterDispatch(ctx, commands);
  return result;
}

/** True when the strategy of a decision has a rollback an agent can run. */
export const canRollBack = (row: DecisionRow) =>
  STRATEGY_UNDO[row.strategy] !== 'none' && runnable(row);
