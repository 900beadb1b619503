import {
  type Backoff,
  type Budget,
  RESTART_BACKOFF,
  STRATEGIES,
  type StrategyName,
} from '@selfheal/shared';

/** Per-strategy overrides of the catalog's budget and cooldown. */
export type BudgetOverrides = Partial<
  Record<StrategyName, Partial<Budget> & { cooldownMs?: number }>
>;

/** Restart history that outlives the process (the library restarts by exiting). */
export interface RestartState {
  restarts: number;
  lastRestartAt: number;
}

/** Whether a strategy may run now for a fingerprint; every run and success is recorded here. */
export interface Budgets {
  /**
   * Why `strategy` may not run for `fingerprint` now, or undefined when it may. Without
   * `cooldown`, a cooldown after a recent success does not count.
   */
  refusal(strategy: StrategyName, fingerprint: string, cooldown?: boolean): string | undefined;
  /** A run started. */
  recordRun(strategy: StrategyName, fingerprint: string): void;
  /** A run was verified to work: the cooldown starts. */
  recordSuccess(strategy: StrategyName, fingerprint: string): void;
  /** The latest fix verified to work for `fingerprint` in this process, if any. */
  lastFixed(fingerprint: string): { strategy: StrategyName; at: number } | undefined;
  /** When the next restart may run, epoch ms (0: at once). */
  nextRestartAt(): number;
  restartState(): RestartState;
  loadRestartState(state: RestartState): void;
}

/**
 * The catalog's budget per strategy and fingerprint within a sliding window, its cooldown after
 * a success, and for restart_service an exponential backoff across all fingerprints, so an
 * unfixable fault never causes a storm.
 */
export function createBudgets(
  overrides: BudgetOverrides = {},
  backoff: Backoff = RESTART_BACKOFF,
  now: () => number = Date.now,
): Budgets {
  const runs = new Map<string, number[]>();
  const successes = new Map<string, number>();
  const fixed = new Map<string, { strategy: StrategyName; at: number }>();
  let restart: RestartState = { restarts: 0, lastRestartAt: 0 };
  const key = (strategy: string, fingerprint: string) => `${strategy}\u0000${fingerprint}`;
  const limits = (strategy: StrategyName) => {
    const base = STRATEGIES[strategy];
    const own = overrides[strategy] ?? {};
    return {
      max: own.max ?? base.budget.max,
      windowMs: own.windowMs ?? base.budget.windowMs,
      cooldownMs: own.cooldownMs ?? base.cooldownMs,
    };
  };
  const resetIfStable = (at: number) => {
    // As Kubernetes does: a service that stayed up well past the longest backoff starts over.
    if (restart.restarts > 0 && at - restart.lastRestartAt > 2 * backoff.maxMs) {
      restart = { restarts: 0, lastRestartAt: restart.lastRestartAt };
    }
  };
  const nextRestartAt = () => {
    resetIfStable(now());
    if (restart.restarts === 0) return 0;
    const wait = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (restart.restarts - 1));
    return restart.lastRestartAt + wait;
  };

  return {
    refusal(strategy, fingerprint, cooldown = true) {
      const at = now();
      const { max, windowMs, cooldownMs } = limits(strategy);
      const recent = (runs.get(key(strategy, fingerprint)) ?? []).filter((t) => at - t < windowMs);
      runs.set(key(strategy, fingerprint), recent);
      if (recent.length >= max) {
        return `budget spent: ${strategy} ran ${recent.length} times for this fault within ${Math.round(windowMs / 1000)} s`;
      }
      const lastSuccess = successes.get(key(strategy, fingerprint));
      if (cooldown && lastSuccess !== undefined && at - lastSuccess < cooldownMs) {
        return `cooling down: ${strategy} worked ${Math.round((at - lastSuccess) / 1000)} s ago`;
      }
      if (strategy === 'restart_service') {
        const next = nextRestartAt();
        if (at < next) return `restart backoff: next restart in ${Math.ceil((next - at) / 1000)} s`;
      }
      return undefined;
    },
    recordRun(strategy, fingerprint) {
      const at = now();
      const list = runs.get(key(strategy, fingerprint)) ?? [];
      list.push(at);
      runs.set(key(strategy, fingerprint), list);
      if (strategy === 'restart_service') {
        resetIfStable(at);
        restart = { restarts: restart.restarts + 1, lastRestartAt: at };
      }
    },
    recordSuccess(strategy, fingerprint) {
      const at = now();
      successes.set(key(strategy, fingerprint), at);
      fixed.delete(fingerprint);
      fixed.set(fingerprint, { strategy, at });
      if (fixed.size > 1_000) fixed.delete(fixed.keys().next().value as string);
    },
    lastFixed: (fingerprint) => fixed.get(fingerprint),
    nextRestartAt,
    restartState: () => ({ ...restart }),
    loadRestartState(state) {
      if (Number.isFinite(state.restarts) && Number.isFinite(state.lastRestartAt)) {
        restart = { restarts: state.restarts, lastRestartAt: state.lastRestartAt };
      }
    },
  };
}
