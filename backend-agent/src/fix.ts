import { type ErrorKind, FIX_PLAYBOOK, type StrategyName, strategyFits } from '@selfheal/shared';

/** What a fix is told when it runs. */
export interface FixContext {
  strategy: StrategyName;
  /** The fault being fixed. */
  fingerprint: string;
  kind?: ErrorKind;
  /** The check whose failure this fixes, when there is one. */
  check?: string;
  params: Record<string, unknown>;
  /** Set when the collector asked for the fix. */
  commandId?: string;
  /** True when this undoes an earlier run (a `rollback` command). */
  rollback?: boolean;
  signal: AbortSignal;
}

/** What a fix says about its run: a line for people and how long the fault may take to clear. */
export interface FixRun {
  detail?: string;
  /** The check is re-run until it passes or this much time has gone by; default the agent's. */
  settleMs?: number;
}

/** A fix the agent can carry out; it throws when it could not run. */
export interface Fix {
  strategy: StrategyName;
  /** For `custom`: the configured name. */
  name?: string;
  /** Longest one run may take; default 30 s. */
  timeoutMs?: number;
  /** True when running it ends this process (restart in the library): verified after the restart. */
  exitsProcess?: boolean;
  run(ctx: FixContext): Promise<FixRun | undefined> | FixRun | undefined;
}

/** A service's own code for a fix (reconnect its pool, flush a cache, …). */
export type FixHook = (ctx: FixContext) => unknown;

/** A fix that could not run here at all (for example no `global.gc`). */
export class FixUnavailableError extends Error {
  override readonly name = 'FixUnavailableError';
}

/** A `Fix` around a hook; what the hook returns, if a string, is the detail. */
export function hookFix(strategy: StrategyName, hook: FixHook, name?: string): Fix {
  return {
    strategy,
    ...(name ? { name } : {}),
    async run(ctx) {
      const value = await hook(ctx);
      return typeof value === 'string' ? { detail: value } : undefined;
    },
  };
}

/**
 * What a failing check of `kind` tries on its own, in order: the options' playbook for the kind,
 * else the catalog's `FIX_PLAYBOOK` (which the collector's rules read too) without the steps an
 * agent cannot take (a page's, a person's, recording only). A strategy the agent has not been
 * given is skipped when it comes up.
 */
export function localPlan(
  kind: ErrorKind,
  playbook?: Partial<Record<ErrorKind, ReadonlyArray<StrategyName | `custom:${string}`>>>,
): ReadonlyArray<StrategyName | `custom:${string}`> {
  return (
    playbook?.[kind] ??
    FIX_PLAYBOOK[kind].filter(
      (strategy) => strategy !== 'report_only' && strategyFits(strategy, 'service'),
    )
  );
}
