/**
 * The model port's contract: the structured answer a model must give (a zod schema built from
 * the strategy catalog, and the JSON schema sent as the structured-output format), and the
 * validation every answer passes before the engine will consider it.
 */
import {
  checkParams,
  FIX_TARGETS,
  type FixTarget,
  STRATEGIES,
  STRATEGY_NAMES,
  type StrategyName,
} from '@selfheal/shared';
import { z } from 'zod';
import { targetFor } from './fit.js';

export type { ModelAnswer, ModelPort, ModelRequest } from './types.js';

/** The name of the structured-output format. */
export const ANSWER_FORMAT_NAME = 'selfheal_decision';

/** Longest text field kept from an answer. */
const MAX_TEXT = 2_000;

// Strict structured output needs every key present: each catalog parameter is a nullable key,
// and the engine keeps only the chosen strategy's own.
function paramsShape(): Record<string, z.ZodType> {
  const types = new Map<string, Set<'string' | 'number' | 'boolean'>>();
  for (const strategy of STRATEGY_NAMES) {
    for (const [key, spec] of Object.entries(STRATEGIES[strategy].params)) {
      const set = types.get(key) ?? new Set();
      set.add(spec.type);
      types.set(key, set);
    }
  }
  const shape: Record<string, z.ZodType> = {};
  for (const [key, set] of [...types].sort(([a], [b]) => a.localeCompare(b))) {
    const members = [...set].map((type) =>
      type === 'string' ? z.string() : type === 'number' ? z.number() : z.boolean(),
    );
    shape[key] = z.union([...members, z.null()]);
  }
  return shape;
}

/** The answer a model must give, as zod validates it. */
export const modelAnswerSchema = z.strictObject({
  strategy: z.enum(STRATEGY_NAMES).describe('One strategy from the catalog.'),
  target: z.enum(FIX_TARGETS).describe('Who carries the strategy out.'),
  params: z
    .strictObject(paramsShape())
    .describe("The strategy's parameters; null for every parameter it does not take."),
  confidence: z.number().describe('How likely the strategy fixes the issue, from 0 to 1.'),
  reasoning: z.string().describe('Why this strategy, in one or two sentences.'),
  estimatedImpact: z.string().describe('What users will notice while it runs.'),
  rollbackPlan: z.string().describe('How to undo it, or why nothing needs undoing.'),
  developerFix: z
    .string()
    .nullable()
    .describe('The code or configuration change a developer should make, if one is needed.'),
});
/** A model's answer after parsing. */
export type ModelAnswerData = z.infer<typeof modelAnswerSchema>;

/** The JSON schema sent as `response_format.json_schema.schema` (strict structured output). */
export const answerJsonSchema: Record<string, unknown> = (() => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(modelAnswerSchema, {
    target: 'draft-7',
  }) as Record<string, unknown>;
  return schema;
})();

/** An answer the engine may use: a catalog strategy that fits the issue, with valid params. */
export interface ValidAnswer {
  strategy: StrategyName;
  target: FixTarget;
  params: Record<string, unknown>;
  confidence: number;
  reasoning: string;
  estimatedImpact: string;
  rollbackPlan: string;
  developerFix: string | null;
  /** Parameters the model filled in for other strategies, dropped. */
  dropped: string[];
}

/** The answer, validated for an issue of `issueTarget`, or why it cannot be used. */
export function validateAnswer(
  content: string,
  issueTarget: FixTarget,
): { ok: true; answer: ValidAnswer } | { ok: false; reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { ok: false, reason: 'the answer is not JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { ok: false, reason: 'the answer is not a JSON object' };
  const strategy = (parsed as { strategy?: unknown }).strategy;
  if (typeof strategy === 'string' && !(STRATEGY_NAMES as readonly string[]).includes(strategy))
    return { ok: false, reason: `unknown strategy "${strategy.slice(0, 64)}"` };
  const result = modelAnswerSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'answer';
    return { ok: false, reason: `malformed answer: ${where}: ${issue?.message ?? 'invalid'}` };
  }
  const data = result.data;
  const fitting = targetFor(data.strategy, issueTarget);
  if (!fitting)
    return { ok: false, reason: `${data.strategy} does not fit a ${issueTarget} issue` };
  if (data.target !== fitting)
    return {
      ok: false,
      reason: `the answer names target ${data.target} for ${data.strategy} on a ${issueTarget} issue`,
    };
  if (!(data.confidence >= 0 && data.confidence <= 1))
    return { ok: false, reason: 'confidence outside 0..1' };
  const own = STRATEGIES[data.strategy].params;
  const params: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(data.params)) {
    if (value === null) continue;
    if (Object.hasOwn(own, key)) params[key] = value;
    else dropped.push(key);
  }
  const problem = checkParams(data.strategy, params);
  if (problem) return { ok: false, reason: `invalid params: ${problem}` };
  return {
    ok: true,
    answer: {
      strategy: data.strategy,
      target: fitting,
      params,
      confidence: data.confidence,
      reasoning: clip(data.reasoning),
      estimatedImpact: clip(data.estimatedImpact),
      rollbackPlan: clip(data.rollbackPlan),
      developerFix: data.developerFix === null ? null : clip(data.developerFix),
      dropped,
    },
  };
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
