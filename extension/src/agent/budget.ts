import { PAGE_STRATEGY_RULES, type PageStrategyName } from '@selfheal/shared';

/** How many runs of each strategy each fingerprint has left. */
export interface Budgets {
  /** Spends one run of `strategy` for `fingerprint`; false when its window's budget is spent. */
  take(strategy: PageStrategyName, fingerprint: string): boolean;
}

/** Spends one run for `key`; false when `max` runs already fell within the last `windowMs`. */
export type RunCounter = (key: string, max: number, windowMs: number) => boolean;

const MAX_KEYS = 1_000;

/** A sliding-window run counter per key, for strategy budgets and the reporter's rate limit. */
export function createRunCounter(now: () => number): RunCounter {
  const runs = new Map<string, number[]>();
  return (key, max, windowMs) => {
    const at = now();
    const recent = (runs.get(key) ?? []).filter((t) => at - t < windowMs);
    if (recent.length >= max) {
      runs.set(key, recent);
      return false;
    }
    recent.push(at);
    runs.delete(key);
    runs.set(key, recent);
    // Many distinct keys must not grow memory without end: forget the stalest.
    if (runs.size > MAX_KEYS) runs.delete(runs.keys().next().value as string);
    return true;
  };
}

/** Budgets from the catalog's `budget` of each strategy (runs per fingerprint per window). */
export function createBudgets(now: () => number): Budgets {
  const count = createRunCounter(now);
  return {
    take(strategy, fingerprint) {
      const { max, windowMs } = PAGE_STRATEGY_RULES[strategy].budget;
      return count(`${strategy}\u001f${fingerprint}`, max, windowMs);
    },
  };
}
