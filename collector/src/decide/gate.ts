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
import type { Evidence } from './evidence.js';
import type { DecisionPolicy } from './types.js';

/**
 * The most a strategy of each risk class may be trusted on a claim alone, while its measured
 * record is not against it. Above the threshold only for safe strategies: a moderate or
 * disruptive one needs measured successes to auto-apply.
 */
export const UNPROVEN_CEILING: Readonly<Record<RiskLevel, number>> = {
  safe: 0.9,
  moderate: 0.6,
  disruptive: 0.3,
};

/** What the built-in rules claim for their own choice. */
export const RULE_CONFIDENCE = 0.85;

/**
 * The gating confidence: min(claim, ceiling). The claim is the model's stated confidence, the
 * rules' RULE_CONFIDENCE, or for knowledge the measured success rate (posterior mean). The
 * ceiling is the measured credible lower bound, raised to UNPROVEN_CEILING[risk] while the
 * posterior mean is at least 0.5 (the record is not against the strategy). So a claim can lower
 * the gate but never lift it past what the record and the risk class allow.
 */
export function gateConfidence(evidence: Evidence, risk: RiskLevel, claim: number): number {
  const ceiling =
    evidence.mean >= 0.5 ? Math.max(evidence.lower, UNPROVEN_CEILING[risk]) : evidence.lower;
  return round(Math.min(clamp01(claim), ceiling));
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
