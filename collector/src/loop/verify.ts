import type { DashboardUpdate } from '@selfheal/shared/protocol';
import type { CommandRow } from '../commands/store.js';
import { publish } from '../live/publish.js';
import { findOpenDecision, setDecisionStatus } from '../store/decisions.js';
import { decisionOf, lockDueOutcomes, type OutcomeRow, settleOutcome } from '../store/outcomes.js';
import { afterDispatch, canRollBack, dispatch } from './act.js';
import { decisionUpdate, type LoopContext } from './context.js';
import { judge } from './judge.js';
import { learnOutcome } from './learn.js';

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
  const settled = await ctx.db.transaction(async (tx) => {
    const due = await lockDueOutcomes(tx, now);
    const done: Settled[] = [];
    const updates: DashboardUpdate[] = [];
    for (const outcome of due) {
      const verdict = await judge(tx, outcome, window);
      await settleOutcome(tx, outcome, verdict, now);
      const decision = await decisionOf(tx, outcome);
      await learnOutcome(
        tx,
        {
          project: outcome.projectId,
          fingerprint: outcome.fingerprint,
          kind: outcome.kind,
          strategy: outcome.strategy,
          success: verdict.status === 'succeeded',
          holdOff: verdict.status === 'rolled_back',
          mayHold: outcome.mayHold,
          developerFix: decision?.source === 'llm' ? decision.developerFix : null,
        },
        now,
      );
      if (decision && (decision.status === 'dispatched' || decision.status === 'approved')) {
        const moved = await setDecisionStatus(tx, decision.id, verdict.status, now);
        if (moved) updates.push(decisionUpdate(moved));
        if (verdict.status === 'rolled_back' && canRollBack(decision)) {
          commands.push(await dispatch(ctx, tx, decision, { rollback: true }));
        }
      }
      // A local fix verified while a decision for the same fault waits for a person: nothing
      // is left to approve, and approving would run a second fix on a healed service.
      if (!decision && verdict.status === 'succeeded' && outcome.mayHold) {
        const waiting = await findOpenDecision(tx, outcome.projectId, outcome.fingerprint);
        if (waiting && waiting.status === 'pending') {
          const why = `${outcome.service ?? 'the agent'} fixed it on its own (${outcome.strategy}), verified: outcome ${outcome.id}`;
          const moved = await setDecisionStatus(
            tx,
            waiting.id,
            'superseded',
            now,
            ['pending'],
            why,
          );
          if (moved) updates.push(decisionUpdate(moved));
        }
      }
      done.push({ outcome, status: verdict.status });
    }
    await publish(tx, updates);
    return done;
  });
  for (const { status } of settled) ctx.metrics.inc('selfheal_outcomes_total', { status });
  afterDispatch(ctx, commands);
  return settled;
}
