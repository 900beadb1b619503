import { STRATEGY_RULES, type StrategyName } from '@selfheal/shared';

/** How many runs of each strategy each fingerprint has left. */
export interface Budgets {
  /** Spends one run of `strategy` for `fingerprint`; false when its window's budget is spent. */
  take(strategy: StrategyName, fingerprint: string): boolean;
}

const MAX_KEYS = 1_000;

/** Budgets from the catalog's `budget` of each strategy (runs per fingerprint per window). */
export function createBudgets(now: () => number): Budgets {
  const runs = new Map<string, number[]>();
  return {
    take(strategy, fingerprint) {
      const { max, windowMs } = STRATEGY_RULES[strategy].budget;
      const key = `${strategy}\u001f${fingerprint}`;
      const at = now();
      const recent = (runs.get(key) ?? []).filter((t) => at - t < windowMs);
      if (recent.length >= max) {
        runs.set(key, recent);
        return false;
      }
      recent.push(at);
      runs.delete(key);
      runs.set(key, recent);
      // Many distinct fingerprints must not grow memory without end: forget the stalest.
      if (runs.size > MAX_KEYS) runs.delete(runs.keys().next().value as string);
      return true;
    },
  };
}
