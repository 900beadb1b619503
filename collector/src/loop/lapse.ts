import { type CommandRow, expireCommands } from '../commands/store.js';
import { publish } from '../live/publish.js';
import { expireDecisions, setDecisionStatus } from '../store/decisions.js';
import { decisionUpdate, type LoopContext } from './context.js';
import { holdOff } from './learn.js';

/** Why a command lapsed, in words a person reads beside its decision. */
function lapsedWhy(command: CommandRow): string {
  const minutes = Math.round((command.expiresAt.getTime() - command.issuedAt.getTime()) / 60_000);
  if (command.target === 'page') {
    return `the command expired: no page reported the fault again within ${minutes} min`;
  }
  return `the command expired: no agent of ${command.service ?? 'the service'} took it within ${minutes} min`;
}

/**
 * Closes what ran out of time: open decisions past their expiry, and commands past theirs. A
 * command an agent took has its outcome coming; one nobody took ends its decision, saying why.
 */
export async function expireDue(ctx: LoopContext): Promise<void> {
  const now = ctx.clock.now();
  const expired = await expireDecisions(ctx.db, now);
  const lapsed = await expireCommands(ctx.db, now);
  if (expired.length === 0 && lapsed.length === 0) return;
  await ctx.db.transaction(async (tx) => {
    const updates = expired.map(decisionUpdate);
    for (const command of lapsed.filter((c) => c.acknowledgedAt === null)) {
      const moved = await setDecisionStatus(
        tx,
        command.decisionId,
        'expired',
        now,
        ['dispatched', 'approved'],
        lapsedWhy(command),
      );
      if (moved) updates.push(decisionUpdate(moved));
    }
    await publish(tx, updates);
  });
}

/** An agent refused a command: its decision failed, with the reason, and the strategy is held off. */
export async function failRefused(ctx: LoopContext, row: CommandRow): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const why = `${row.agentId ?? 'the agent'} refused the command: ${row.reason ?? 'no reason given'}`;
    const decision = await setDecisionStatus(
      tx,
      row.decisionId,
      'failed',
      now,
      ['dispatched'],
      why,
    );
    const pattern = { project: row.projectId, fingerprint: row.fingerprint };
    await holdOff(tx, { ...pattern, kind: 'unknown', strategy: row.strategy }, now);
    if (decision) await publish(tx, [decisionUpdate(decision)]);
  });
}
