/**
 * `decide()`: learned knowledge first, then the model (advisory), then the rules; every draft
 * passes the gate. Pure: the orchestrator supplies knowledge, breakers, policy and the model.
 */
import { STRATEGIES, type StrategyName } from '@selfheal/shared';
import { estimateCost } from './cost.js';
import {
  chooseFromKnowledge,
  type Evidence,
  evidenceFor,
  learnedDeveloperFix,
} from './evidence.js';
import { targetFor } from './fit.js';
import { autoApplyVerdict, gateConfidence, RULE_CONFIDENCE } from './gate.js';
import { type ValidAnswer, validateAnswer } from './model.js';
import { buildPrompt } from './prompt.js';
import { chooseByRules, defaultParams } from './rules.js';
import type {
  DecideDeps,
  DecisionDraft,
  DecisionInput,
  LlmUsage,
  ModelAnswer,
  ModelPort,
} from './types.js';

/** How long decide() waits for a model unless told otherwise. */
export const DEFAULT_MODEL_TIMEOUT_MS = 20_000;

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
      params: defaultParams(strategy),
      modelConfidence: null,
      reasoning: `Verified outcomes: ${describe(chosen)}.`,
      estimatedImpact: STRATEGIES[strategy].description,
      developerFix: null,
      source: 'knowledge',
      evidence: chosen,
    });
  }

  let llm: LlmUsage | null = null;
  if (deps.model) {
    const asked = await askModel(input, deps, deps.model);
    llm = asked.usage;
    if (asked.answer) {
      const { answer } = asked;
      if (answer.dropped.length > 0)
        notes.push(`llm: dropped params of other strategies: ${answer.dropped.join(', ')}`);
      return finish(input, deps, notes, llm, {
        strategy: answer.strategy,
        target: answer.target,
        params: answer.params,
        modelConfidence: answer.confidence,
        reasoning: answer.reasoning,
        estimatedImpact: answer.estimatedImpact,
        rollbackPlan: answer.rollbackPlan,
        developerFix: answer.developerFix,
        source: 'llm',
      });
    }
    notes.push(`llm answer not used: ${asked.reason}; the rules decide`);
  }

  const rules = chooseByRules(input, deps.knowledge, deps.blocked);
  notes.push(...rules.notes);
  return finish(input, deps, notes, llm, {
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

type Asked =
  | { answer: ValidAnswer; usage: LlmUsage; reason?: never }
  | { answer?: never; usage: LlmUsage | null; reason: string };

async function askModel(input: DecisionInput, deps: DecideDeps, model: ModelPort): Promise<Asked> {
  const timeoutMs = deps.modelTimeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The race bounds the wait even for a port that ignores its signal.
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  let reply: ModelAnswer;
  try {
    const request = buildPrompt(input, deps.knowledge, deps.blocked);
    reply = await Promise.race([model.suggest(request, controller.signal), deadline]);
  } catch (error) {
    return { usage: null, reason: `the model call failed: ${describeError(error)}` };
  } finally {
    clearTimeout(timer);
  }
  const usage = usageOf(reply);
  if (typeof reply?.content !== 'string') return { usage, reason: 'the model returned no text' };
  const checked = validateAnswer(reply.content, input.target);
  if (!checked.ok) return { usage, reason: checked.reason };
  if (deps.blocked.has(checked.answer.strategy))
    return { usage, reason: `${checked.answer.strategy} is blocked for this fingerprint` };
  return { answer: checked.answer, usage };
}

function usageOf(reply: ModelAnswer): LlmUsage {
  // A cached answer spent nothing this time.
  const model = typeof reply?.model === 'string' ? reply.model : 'unknown';
  const cached = reply?.cached === true;
  const promptTokens = cached ? 0 : tokens(reply?.promptTokens);
  const completionTokens = cached ? 0 : tokens(reply?.completionTokens);
  const { usd } = estimateCost(model, promptTokens, completionTokens);
  return {
    model,
    promptTokens,
    completionTokens,
    costUsd: usd ?? 0,
    costKnown: usd !== null,
    cached,
  };
}

// Counts from a port are stored and summed; only whole non-negative numbers get that far.
function tokens(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 300);
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
  /** Already computed when knowledge chose. */
  evidence?: Evidence;
}

function finish(
  input: DecisionInput,
  deps: DecideDeps,
  notes: string[],
  llm: LlmUsage | null,
  choice: Choice,
): DecisionDraft {
  const entry = STRATEGIES[choice.strategy];
  const evidence = choice.evidence ?? evidenceFor(deps.knowledge, input, choice.strategy);
  const claim =
    choice.source === 'llm'
      ? (choice.modelConfidence ?? 0)
      : choice.source === 'rules'
        ? RULE_CONFIDENCE
        : evidence.mean;
  const confidence = gateConfidence(evidence, entry.risk, claim);
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

function describe(evidence: Evidence): string {
  const { fingerprint, kind } = evidence;
  return `${evidence.strategy} succeeded ${fingerprint.successes} and failed ${fingerprint.failures} times for this issue, ${kind.successes} and ${kind.failures} for its kind; lower bound ${evidence.lower.toFixed(2)}`;
}
