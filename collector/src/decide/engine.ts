/**
 * `decide()`: learned knowledge first, then the model (advisory), then the rules; every draft
 * passes the gate. Pure: the orchestrator supplies knowledge, breakers, policy and the model.
 */
import { STRATEGIES, type StrategyName } from '@selfheal/shared';
import { autoApplyVerdict, gateConfidence } from './gate.js';
import { chooseFromKnowledge, evidenceFor, learnedDeveloperFix } from './knowledge.js';
import { chooseByRules, targetFor } from './rules.js';
import type { DecideDeps, DecisionDraft, DecisionInput, LlmUsage } from './types.js';

export type * from './types.js';

/** Decides what to do about one issue; never throws for anything the model or the input holds. */
export async function decide(input: DecisionInput, deps: DecideDeps): Promise<DecisionDraft> {
  const random = deps.random ?? Math.random;
  const notes: string[] = [];

  const known = chooseFromKnowledge(deps.knowledge, input, deps.blocked, random);
  if (known) {
    const { chosen, plausible } = known;
    const strategy = chosen.strategy;
    const others = plausible.filter((item) => item !== chosen).map((item) => item.strategy);
    if (others.length > 0)
      notes.push(`knowledge: sampled among ${[strategy, ...others].join(', ')}`);
    return finish(input, deps, notes, null, {
      strategy,
      target: targetOf(strategy, input),
      params: {},
      modelConfidence: null,
      reasoning: `Verified outcomes: ${describe(chosen)}.`,
      estimatedImpact: STRATEGIES[strategy].description,
      developerFix: null,
      source: 'knowledge',
    });
  }

  const rules = chooseByRules(input, deps.knowledge, deps.blocked);
  notes.push(...rules.notes);
  return finish(input, deps, notes, null, {
    strategy: rules.strategy,
    target: rules.target,
    params: rules.params,
    modelConfidence: null,
    reasoning: rules.reasoning,
    estimatedImpact: rules.estimatedImpact,
    developerFix: rules.developerFix,
    source: 'rules',
  });
}

interface Choice {
  strategy: StrategyName;
  target: DecisionDraft['target'];
  params: Record<string, unknown>;
  modelConfidence: number | null;
  reasoning: string;
  estimatedImpact: string;
  developerFix: string | null;
  source: DecisionDraft['source'];
  rollbackPlan?: string;
}

function finish(
  input: DecisionInput,
  deps: DecideDeps,
  notes: string[],
  llm: LlmUsage | null,
  choice: Choice,
): DecisionDraft {
  const entry = STRATEGIES[choice.strategy];
  const evidence = evidenceFor(deps.knowledge, input, choice.strategy);
  const confidence = gateConfidence(evidence, entry.risk, choice.modelConfidence);
  const verdict = autoApplyVerdict(
    choice.strategy,
    choice.target,
    confidence,
    deps.policy,
    deps.blocked,
  );
  for (const reason of verdict.reasons) notes.push(`not auto-applied: ${reason}`);
  return {
    strategy: choice.strategy,
    target: choice.target,
    params: choice.params,
    confidence,
    modelConfidence: choice.modelConfidence,
    reasoning: choice.reasoning,
    estimatedImpact: choice.estimatedImpact,
    riskLevel: entry.risk,
    rollbackPlan: choice.rollbackPlan ?? entry.rollback ?? 'Nothing to undo.',
    developerFix: choice.developerFix ?? learnedDeveloperFix(deps.knowledge, input),
    source: choice.source,
    autoApply: verdict.autoApply,
    notes,
    llm,
  };
}

function targetOf(strategy: StrategyName, input: DecisionInput): DecisionDraft['target'] {
  // Knowledge only offers strategies that fit, so the fallback is never reached.
  return targetFor(strategy, input.target) ?? input.target;
}

function describe(evidence: ReturnType<typeof evidenceFor>): string {
  const { fingerprint, kind } = evidence;
  return `${evidence.strategy} succeeded ${fingerprint.successes} and failed ${fingerprint.failures} times for this issue, ${kind.successes} and ${kind.failures} for its kind; lower bound ${evidence.lower.toFixed(2)}`;
}
