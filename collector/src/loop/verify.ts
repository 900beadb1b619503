import type { DashboardUpdate } from '@selfheal/shared/protocol';
import type { CommandRow } from '../commands/store.js';
import type { Db } from '../db/database.js';
import type { EscalatedDecision } from '../escalate/message.js';
import { publish } from '../live/publish.js';
import { findOpenDecision, setDecisionStatus, toDecision } from '../store/decisions.js';
import { type EscalationRow, recordFixed, toEscalation } from '../store/escalations.js';
import {
  decisionOf,
  lockDueOutcomes,
  type OutcomeRow,
  type OutcomeVerdict,
  settleOutcomes,
} from '../store/outcomes.js';
import { issueTitle } from '../store/queries.js';
import { afterDispatch, canRollBack, dispatch } from './act.js';
import { decisionUpdate, type LoopContext } from './context.js';
import { judge } from './judge.js';
import { type LearnedOutcome, learnOutcomes } from './learn.js';
import type { MootCommand } from './record-outcomes.js';

/** An outcome that verification settled. */
export interface Settled {
  outcome: OutcomeRow;
  status: 'succeeded' | 'failed' | 'rolled_back';
}

/**
 * Settles every outcome whose verification window has passed, in one transaction per batch:
 * the verdict, the knowledge it teaches (fingerprint and kind), the decision's status, and for
 * a fix that made things worse a rollback command and a hold on the strategy.
 */
export async function settleDue(ctx: LoopContext): Promise<Settled[]> {
  const now = ctx.clock.now();
  const window = ctx.config.verifyWindowMs;
  const commands: CommandRow[] = [];
  const followUps: FollowUp[] = [];
  const settled = await ctx.db.transaction(async (tx) => {
    const due = await lockDueOutcomes(tx, now);
    const done: Settled[] = [];
    const updates: DashboardUpdate[] = [];
    // Learned together at the end: one lock and one update per knowledge row, held only until
    // the commit, where outcomes of one kind used to take its row again one by one.
    const learned: LearnedOutcome[] = [];
    const verdicts: Array<{ outcome: OutcomeRow; verdict: OutcomeVerdict }> = [];
    for (const outcome of due) {
      const verdict = await judge(tx, outcome, window);
      verdicts.push({ outcome, verdict });
      const decision = await decisionOf(tx, outcome);
      learned.push({
        project: outcome.projectId,
        fingerprint: outcome.fingerprint,
        kind: outcome.kind,
        strategy: outcome.strategy,
        success: verdict.status === 'succeeded',
        holdOff: verdict.status === 'rolled_back',
        mayHold: outcome.mayHold,
        developerFix: decision?.source === 'llm' ? decision.developerFix : null,
      });
      if (decision && (decision.status === 'dispatched' || decision.status === 'approved')) {
        const moved = await setDecisionStatus(tx, decision.id, verdict.status, now);
        if (moved) updates.push(decisionUpdate(moved));
        if (verdict.status === 'rolled_back' && canRollBack(decision)) {
          commands.push(await dispatch(ctx, tx, decision, { rollback: true }));
        }
      }
      if (!decision && verdict.status === 'succeeded' && outcome.mayHold) {
        const superseded = await supersedeWaiting(ctx, tx, outcome, now);
        if (superseded) {
          updates.push(...superseded.updates);
          if (superseded.followUp) followUps.push(superseded.followUp);
        }
      }
      // A local fix has no decision to carry its verdict to dashboards: this does.
      updates.push({
        type: 'outcome',
        project: outcome.projectId,
        fingerprint: outcome.fingerprint,
        strategy: outcome.strategy,
        status: verdict.status,
      });
      done.push({ outcome, status: verdict.status });
    }
    await settleOutcomes(tx, verdicts, now);
    await learnOutcomes(tx, learned, now);
    await publish(tx, updates);
    return done;
  });
  for (const { status } of settled) ctx.metrics.inc('selfheal_outcomes_total', { status });
  afterDispatch(ctx, commands);
  for (const { row, item } of followUps) {
    ctx.metrics.inc('selfheal_escalations_total', { status: row.status });
    ctx.escalator.send(row, item);
  }
  return settled;
}

/** A `fixed` escalation to post once its transaction has committed. */
interface FollowUp {
  row: EscalationRow;
  item: EscalatedDecision;
}

/**
 * A local fix verified while a decision for the same fault waits for a person: nothing is left
 * to approve, and approving would run a second fix on a healed service. The decision is
 * superseded, with a link to the outcome, and a person told about it is told it was fixed.
 */
async function supersedeWaiting(
  ctx: LoopContext,
  tx: Db,
  outcome: OutcomeRow,
  now: number,
): Promise<{ updates: DashboardUpdate[]; followUp?: FollowUp } | undefined> {
  const waiting = await findOpenDecision(tx, outcome.projectId, outcome.fingerprint);
  if (waiting?.status !== 'pending') return undefined;
  const by = outcome.service ?? 'the agent';
  const why = `${by} fixed it on its own (${outcome.strategy}), verified: outcome ${outcome.id}`;
  const moved = await setDecisionStatus(tx, waiting.id, 'superseded', now, ['pending'], why);
  if (!moved) return undefined;
  const updates = [decisionUpdate(moved)];
  const configured = Boolean(ctx.config.escalationWebhookUrl);
  const row = await recordFixed(tx, moved, outcome.id, configured, now);
  if (!row) return { updates };
  updates.push({ type: 'escalation', project: row.projectId, escalation: toEscalation(row) });
  const title = await issueTitle(tx, moved.projectId, moved.fingerprint);
  const fixed = { outcomeId: outcome.id, strategy: outcome.strategy, by };
  return { updates, followUp: { row, item: { decision: toDecision(moved), title, fixed } } };
}

/**
 * Commands their agent answered without running: its own fix had healed the fault before the
 * command arrived. Their decisions are superseded (nothing ran, nothing is learnt), inside `tx`.
 */
export async function supersedeMoot(ctx: LoopContext, tx: Db, moot: MootCommand[]): Promise<void> {
  const now = ctx.clock.now();
  const updates: DashboardUpdate[] = [];
  for (const m of moot) {
    const by = m.service ?? 'the agent';
    const why = `${by} had already fixed it with ${m.fixedBy}, verified; nothing run${m.detail ? ` (${m.detail.slice(0, 300)})` : ''}`;
    const moved = await setDecisionStatus(
      tx,
      m.decisionId,
      'superseded',
      now,
      ['dispatched', 'approved'],
      why,
    );
    if (moved) updates.push(decisionUpdate(moved));
  }
  await publish(tx, updates);
}
