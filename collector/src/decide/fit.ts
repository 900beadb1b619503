/**
 * Which target carries a strategy out for an issue: the issue's own target when the strategy
 * fits it, the collector for a strategy only the collector runs (notify_admin), else none.
 */
import { type FixTarget, STRATEGIES, type StrategyName, strategyFits } from '@selfheal/shared';

/** The target that carries `strategy` out for an issue of `issueTarget`, or null when none may. */
export function targetFor(strategy: StrategyName, issueTarget: FixTarget): FixTarget | null {
  if (strategyFits(strategy, issueTarget)) return issueTarget;
  return STRATEGIES[strategy].targets.includes('collector') ? 'collector' : null;
}
