import { type ErrorKind, STRATEGY_UNDO, type StrategyName } from '@selfheal/shared';
import type { Event } from '@selfheal/shared/protocol';
import type { Budgets } from './budget.js';
import { type Check, errorText, runCheck } from './check.js';
import { delay } from './delay.js';
import { attemptEvent, outcomeEvent } from './events.js';
import { type Fix, FixUnavailableError } from './fix.js';

/** One fix to carry out, chosen by the agent (local) or by the collector (a command). */
export interface HealRequest {
  strategy: StrategyName;
  fingerprint: string;
  kind?: ErrorKind;
  /** The check that verifies it; absent, every check must pass. */
  check?: Check;
  customName?: string;
  params?: Record<string, unknown>;
  commandId?: string;
  decisionId?: string;
  local: boolean;
  /** Undo an earlier run (a `rollback` command) through the undo configured beside the fix. */
  rollback?: boolean;
}

/** How a fix went. */
export interface HealOutcome {
  ran: boolean;
  success: boolean;
  detail: string;
}

/** What the healer needs from the agent. */
export interface HealerDeps {
  /** The fix, or with `undo` the undo configured beside it. */
  findFix(strategy: StrategyName, customName?: string, undo?: boolean): Fix | undefined;
  budgets: Budgets;
  push(event: Event): void;
  allChecks(): readonly Check[];
  checkTimeoutMs: number;
  /** Default time a fault may take to clear after a fix. */
  settleMs: number;
  /** Pause between two verification runs. */
  verifyEveryMs: number;
  /** Called before a fix that ends the process, so its outcome is verified after the restart. */
  beforeExit(request: HealRequest, startedAt: number): Promise<void>;
  onFixRun(): void;
}

interface Verdict {
  ok: boolean;
  /** The check that said so; absent for an undo. */
  by?: string;
  detail?: string;
}

/** Runs a fix under its budget and verifies it by re-running the check; reports attempt and outcome. */
export function createHealer(deps: HealerDeps) {
  const busy = new Set<string>();
  // Fixes that said they cannot run in this process (gc without --expose-gc): asking again
  // every round would only repeat the same failed attempt.
  const unavailable = new Map<string, string>();
  const fixKey = (request: Pick<HealRequest, 'strategy' | 'customName'>) =>
    `${request.strategy}\u0000${request.customName ?? ''}`;

  async function verify(check: Check | undefined, settleMs: number): Promise<Verdict> {
    const checks = check ? [check] : deps.allChecks();
    const by = check ? check.name : 'all_checks';
    const deadline = Date.now() + settleMs;
    for (;;) {
      const results = await Promise.all(checks.map((c) => runCheck(c, deps.checkTimeoutMs)));
      const failed = results.find((r) => r.status !== 'pass');
      if (!failed) return { ok: true, by };
      if (Date.now() + deps.verifyEveryMs > deadline) {
        return {
          ok: false,
          by,
          detail: `${by} still ${failed.status}: ${failed.message ?? ''}`.trim(),
        };
      }
      await delay(deps.verifyEveryMs);
    }
  }

  function undoRefusal(
    request: Pick<HealRequest, 'strategy' | 'fingerprint' | 'customName'>,
    passing: boolean,
  ): string | undefined {
    const { strategy, customName } = request;
    if (STRATEGY_UNDO[strategy] === 'none') return `${strategy} cannot be undone`;
    if (!deps.findFix(strategy, customName, true)) {
      return strategy === 'custom'
        ? `no undo configured for custom fix "${String(customName).slice(0, 128)}"`
        : `no undo configured for ${strategy}`;
    }
    // Budgets count fixes; an undo of one is not held back by them.
    return passing && busy.has(request.fingerprint)
      ? 'a fix for this fault is already running'
      : undefined;
  }

  return {
    /**
     * Why this fix cannot run now, or undefined. With `passing` false, a fix already running for
     * the fault and a cooldown after a success do not count: they pass with time (commands wait
     * for them); a missing fix, a spent budget and the restart backoff do.
     */
    refusal(
      request: Pick<HealRequest, 'strategy' | 'fingerprint' | 'customName' | 'rollback'>,
      passing = true,
    ): string | undefined {
      if (request.rollback) return undoRefusal(request, passing);
      const fix = deps.findFix(request.strategy, request.customName);
      if (!fix) {
        return request.strategy === 'custom'
          ? `no custom fix named "${String(request.customName).slice(0, 128)}" is configured`
          : `${request.strategy} is not configured on this agent`;
      }
      const missing = unavailable.get(fixKey(request));
      if (missing) return `${request.strategy} cannot run in this process: ${missing}`;
      if (passing && busy.has(request.fingerprint))
        return 'a fix for this fault is already running';
      return deps.budgets.refusal(request.strategy, request.fingerprint, passing);
    },

    /** True while a fix for `fingerprint` runs. */
    busy: (fingerprint: string) => busy.has(fingerprint),

    /**
     * For a command whose fix may not run again yet (it just worked): re-runs the check and
     * reports whether the fault is gone, without running the fix.
     */
    async confirm(request: HealRequest, why: string): Promise<HealOutcome> {
      const verdict = await verify(request.check, 0);
      const detail = verdict.ok
        ? `not run again (${why}); the check passes`
        : `not run (${why}); ${verdict.detail ?? 'still failing'}`;
      deps.push(
        outcomeEvent({
          strategy: request.strategy,
          fingerprint: request.fingerprint,
          ...(request.kind ? { kind: request.kind } : {}),
          ...(request.commandId ? { commandId: request.commandId } : {}),
          ...(request.decisionId ? { decisionId: request.decisionId } : {}),
          ...(request.customName ? { customName: request.customName } : {}),
          local: request.local,
          success: verdict.ok,
          verifiedBy: verdict.by,
          durationMs: 0,
          detail,
        }),
      );
      return { ran: false, success: verdict.ok, detail };
    },

    /**
     * For a command: when this agent itself fixed the fault with another strategy within
     * `withinMs`, verified, and the fault's check passes now, answers without running anything
     * (the command is superseded); undefined otherwise, and the command runs as usual.
     */
    async alreadyFixed(request: HealRequest, withinMs: number): Promise<HealOutcome | undefined> {
      const fixed = deps.budgets.lastFixed(request.fingerprint);
      if (!fixed || fixed.strategy === request.strategy) return undefined;
      const ago = Date.now() - fixed.at;
      if (ago > withinMs) return undefined;
      const verdict = await verify(request.check, 0);
      if (!verdict.ok) return undefined;
      const detail = `already fixed by ${fixed.strategy} ${Math.round(ago / 1000)} s ago, verified; the check passes, ${request.strategy} not run`;
      deps.push(
        outcomeEvent({
          strategy: request.strategy,
          fingerprint: request.fingerprint,
          ...(request.kind ? { kind: request.kind } : {}),
          ...(request.commandId ? { commandId: request.commandId } : {}),
          ...(request.decisionId ? { decisionId: request.decisionId } : {}),
          ...(request.customName ? { customName: request.customName } : {}),
          local: request.local,
          success: true,
          verifiedBy: verdict.by,
          durationMs: 0,
          detail,
          alreadyFixedBy: fixed.strategy,
        }),
      );
      return { ran: false, success: true, detail };
    },

    /** Carries out `request`; never throws. */
    async heal(request: HealRequest): Promise<HealOutcome> {
      const refusal = this.refusal(request);
      if (refusal) return { ran: false, success: false, detail: refusal };
      const undo = request.rollback === true;
      const fix = deps.findFix(request.strategy, request.customName, undo) as Fix;
      busy.add(request.fingerprint);
      if (!undo) deps.budgets.recordRun(request.strategy, request.fingerprint);
      deps.onFixRun();
      const links = {
        strategy: request.strategy,
        fingerprint: request.fingerprint,
        ...(request.kind ? { kind: request.kind } : {}),
        ...(request.commandId ? { commandId: request.commandId } : {}),
        ...(request.decisionId ? { decisionId: request.decisionId } : {}),
        ...(request.customName ? { customName: request.customName } : {}),
        local: request.local,
        ...(undo ? { rollback: true } : {}),
      };
      deps.push(attemptEvent(links));
      const started = Date.now();
      try {
        if (fix.exitsProcess) await deps.beforeExit(request, started);
        const controller = new AbortController();
        const timeoutMs = fix.timeoutMs ?? 30_000;
        const run = await Promise.race([
          Promise.resolve().then(() =>
            fix.run({
              strategy: request.strategy,
              fingerprint: request.fingerprint,
              ...(request.kind ? { kind: request.kind } : {}),
              ...(request.check ? { check: request.check.name } : {}),
              params: request.params ?? {},
              ...(request.commandId ? { commandId: request.commandId } : {}),
              ...(undo ? { rollback: true } : {}),
              signal: controller.signal,
            }),
          ),
          delay(timeoutMs).then(() => {
            controller.abort();
            throw new Error(`the fix did not finish within ${timeoutMs} ms`);
          }),
        ]);
        // No check tells that an undo worked (the fault it fixed may well come back): it worked
        // when it ran without error.
        const verdict: Verdict = undo
          ? { ok: true }
          : await verify(request.check, run?.settleMs ?? deps.settleMs);
        if (verdict.ok && !undo) deps.budgets.recordSuccess(request.strategy, request.fingerprint);
        const detail = verdict.ok ? (run?.detail ?? 'done') : (verdict.detail ?? 'still failing');
        deps.push(
          outcomeEvent({
            ...links,
            success: verdict.ok,
            ...(verdict.by ? { verifiedBy: verdict.by } : {}),
            durationMs: Date.now() - started,
            detail,
          }),
        );
        return { ran: true, success: verdict.ok, detail };
      } catch (error) {
        const cannotRun = error instanceof FixUnavailableError;
        if (cannotRun) unavailable.set(fixKey(request), errorText(error));
        const detail = `${cannotRun ? 'unavailable: ' : ''}${errorText(error)}`;
        deps.push(
          outcomeEvent({ ...links, success: false, durationMs: Date.now() - started, detail }),
        );
        return { ran: true, success: false, detail };
      } finally {
        busy.delete(request.fingerprint);
      }
    },
  };
}

/** The healer an agent uses. */
export type Healer = ReturnType<typeof createHealer>;
