/**
 * The verdict rule, pure: a fix is judged by what its strategy promises, on its own fingerprint
 * and its own target (the service that ran it, or the page session). Faults that were already on
 * the target before the fix never change a verdict, however they rise or fall.
 */
import { PROMISE_SCOPE, STRATEGY_PROMISES, type StrategyName } from '@selfheal/shared';

/**
 * Fewest events, within the window after a fix, of fingerprints its target had never shown
 * before the fix, that count as harm the fix caused. Fewer are too few to judge: the verdict
 * then follows the fixed fingerprint alone.
 */
export const HARM_MIN_EVENTS = 5;

/** A verdict on one outcome. */
export type VerdictStatus = 'succeeded' | 'failed' | 'rolled_back';

/** What verification saw on the fix's target through the window after it. */
export interface VerdictFacts {
  strategy: StrategyName;
  /** What the agent that ran the fix reported. */
  reportedSuccess: boolean;
  /** Fault events of the fixed fingerprint (a passing check is not one). */
  recurrences: number;
  /** Fault events of fingerprints first seen on the target after the fix. */
  newFaultEvents: number;
}

/**
 * A reported failure failed. A strategy whose promise the agent itself witnesses (a retry's
 * answer) or that fixes nothing stands on the agent's report. Otherwise: rolled back when at
 * least HARM_MIN_EVENTS events of faults new on the target followed the fix, failed when the
 * fixed fingerprint came back, succeeded when it stayed away.
 */
export function verdictOf(facts: VerdictFacts): VerdictStatus {
  if (!facts.reportedSuccess) return 'failed';
  if (PROMISE_SCOPE[STRATEGY_PROMISES[facts.strategy]] === 'none') return 'succeeded';
  if (facts.newFaultEvents >= HARM_MIN_EVENTS) return 'rolled_back';
  return facts.recurrences > 0 ? 'failed' : 'succeeded';
}
