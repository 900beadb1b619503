/**
 * The gate: the confidence the collector computes for a strategy, and whether a draft may be
 * applied without a person. The model's stated confidence is one input, weighted by risk, never
 * the gate itself.
 */
import {
  type FixTarget,
  type RiskLevel,
  riskRank,
  STRATEGIES,
  type StrategyName,
} from '@selfheal/shared';
import { betaQuantile } from './beta.js';
import { type Evidence, LOWER_QUANTILE } from './knowledge.js';
import type { DecisionPolicy } from './types.js';

/**
 * How many verified outcomes a model's stated confidence is worth, per risk class. A disruptive
 * action gets nothing from the model: only measured outcomes can make it auto-apply.
 */
export const MODEL_WEIGHT: Readonly<Record<RiskLevel, number>> = {
  safe: 2,
  moderate: 1,
  disruptive: 0,
};

/**
 * The gating confidence: the credible lower bound of the strategy's posterior after adding the
 * model's claim `c` as `w` pseudo-outcomes (w·c successes, w·(1−c) failures), w = MODEL_WEIGHT[risk].
 * With no measured outcomes the model alone reaches at most 0.1^(1/3) ≈ 0.46.
 */
export function gateConfidence(
  evidence: Evidence,
  risk: RiskLevel,
  modelConfidence: number | null,
): number {
  const claim = modelConfidence === null ? null : clamp01(modelConfidence);
  const weight = claim === null ? 0 : MODEL_WEIGHT[risk];
  const alpha = evidence.posterior.alpha + weight * (claim ?? 0);
  const beta = evidence.posterior.beta + weight * (1 - (claim ?? 0));
  return round(betaQuantile(LOWER_QUANTILE, { alpha, beta }));
}

/** Whether a strategy with this confidence may run without a person, and if not, why. */
export function autoApplyVerdict(
  strategy: StrategyName,
  target: FixTarget,
  confidence: number,
  policy: DecisionPolicy,
  blocked: ReadonlySet<StrategyName>,
): { autoApply: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const risk = STRATEGIES[strategy].risk;
  if (target === 'collector' || strategy === 'report_only')
    reasons.push(`${strategy} has nothing for an agent to run`);
  if (blocked.has(strategy)) reasons.push(`${strategy} is blocked for this fingerprint`);
  if (!(confidence >= policy.autoApplyThreshold))
    reasons.push(
      `confidence ${confidence.toFixed(2)} is below the auto-apply threshold ${policy.autoApplyThreshold}`,
    );
  if (riskRank(risk) > riskRank(policy.maxRisk))
    reasons.push(`risk ${risk} exceeds the allowed ${policy.maxRisk}`);
  if (policy.dryRun) reasons.push('dry run: decided and recorded, never dispatched');
  return { autoApply: reasons.length === 0, reasons };
}

function clamp01(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value));
}

// Down, never up: rounding must not carry a confidence over the threshold.
function round(value: number): number {
  return Math.floor(value * 10_000) / 10_000;
}
