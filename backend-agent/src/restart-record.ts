import type { Event } from '@selfheal/shared/protocol';
import type { Budgets } from './budget.js';
import { type Check, runCheck } from './check.js';
import { delay } from './delay.js';
import { outcomeEvent } from './events.js';
import type { HealRequest } from './healer.js';
import { type AgentState, readState, writeState } from './state.js';

/** What verifying a restart after the fact needs. */
export interface RestartRecordDeps {
  budgets: Budgets;
  checks(): readonly Check[];
  push(event: Event): void;
  checkTimeoutMs: number;
  verifyTimeoutMs: number;
  verifyEveryMs: number;
}

/**
 * The restart history and a restart's pending outcome, kept in a file: the library restarts by
 * exiting, so the backoff and the verification belong to the next process.
 */
export function createRestartRecord(file: string, deps: RestartRecordDeps) {
  let state: AgentState = readState(file);
  if (state.restart) deps.budgets.loadRestartState(state.restart);
  let done = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  if (!state.pending) done();

  return {
    /** Called just before a fix that ends the process. */
    save(request: HealRequest, startedAt: number): void {
      state = {
        restart: deps.budgets.restartState(),
        pending: {
          strategy: request.strategy,
          fingerprint: request.fingerprint,
          ...(request.kind ? { kind: request.kind } : {}),
          ...(request.check ? { check: request.check.name } : {}),
          ...(request.customName ? { customName: request.customName } : {}),
          ...(request.commandId ? { commandId: request.commandId } : {}),
          ...(request.decisionId ? { decisionId: request.decisionId } : {}),
          local: request.local,
          startedAt,
        },
      };
      writeState(file, state);
    },

    /** Resolves once the restart a previous process caused is verified (at once when none). */
    finished: () => finished,

    /** After a restart a previous process caused: verify it with the check, report the outcome. */
    async finish(): Promise<void> {
      try {
        await verifyPending();
      } finally {
        done();
      }
    },
  };

  /** Verifies the restart the previous process left pending, and reports its outcome. */
  async function verifyPending(): Promise<void> {
    const pending = state.pending;
    if (!pending) return;
    state = state.restart ? { restart: state.restart } : {};
    writeState(file, state);
    const all = deps.checks();
    const named = all.find((c) => c.name === pending.check);
    const checks = named ? [named] : all;
    const deadline = Date.now() + deps.verifyTimeoutMs;
    let failed: string | undefined;
    for (;;) {
      const results = await Promise.all(checks.map((c) => runCheck(c, deps.checkTimeoutMs)));
      const bad = results.find((r) => r.status !== 'pass');
      failed = bad ? `${bad.status}: ${bad.message ?? ''}` : undefined;
      if (!failed || Date.now() > deadline) break;
      await delay(deps.verifyEveryMs);
    }
    if (!failed) deps.budgets.recordSuccess(pending.strategy, pending.fingerprint);
    const { startedAt, check, ...links } = pending;
    deps.push(
      outcomeEvent({
        ...links,
        success: !failed,
        verifiedBy: check ?? 'all_checks',
        durationMs: Date.now() - startedAt,
        detail: failed
          ? `still failing after the restart (${failed})`
          : 'restarted; the check passes',
      }),
    );
  }
}
