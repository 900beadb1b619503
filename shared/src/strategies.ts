/**
 * The catalog of fix strategies: the one list that decisions, commands, the LLM's answer schema
 * and every agent read. Zod-free. It joins the rules (`strategy-rules.ts`, all the page agent
 * needs) with their prose (`strategy-descriptions.ts`) and their promises (`strategy-verdicts.ts`),
 * and carries which fix for which kind (`strategy-playbook.ts`).
 */
import { STRATEGY_DESCRIPTIONS } from './strategy-descriptions.js';
import {
  type ParamRule,
  STRATEGY_NAMES,
  STRATEGY_RULES,
  STRATEGY_UNDO,
  type StrategyName,
  type StrategyRule,
  type UndoRule,
} from './strategy-rules.js';
import { STRATEGY_PROMISES, type VerdictPromise } from './strategy-verdicts.js';

export * from './strategy-commands.js';
export * from './strategy-descriptions.js';
export * from './strategy-playbook.js';
export * from './strategy-rules.js';
export * from './strategy-verdicts.js';

/** One parameter a strategy takes. */
export interface ParamSpec extends ParamRule {
  description: string;
}

/** A strategy as the catalog describes it. */
export interface Strategy extends Omit<StrategyRule, 'params'> {
  name: StrategyName;
  description: string;
  params: Readonly<Record<string, ParamSpec>>;
  /** How to undo it, or null when it cannot be undone (or needs no undoing). */
  rollback: string | null;
  /** How an agent undoes it: never, or through the undo configured beside the fix. */
  undo: UndoRule;
  /** What a run promises, and so what its verdict checks. */
  promise: VerdictPromise;
}

function describe(name: StrategyName): Strategy {
  const rule = STRATEGY_RULES[name];
  const text = STRATEGY_DESCRIPTIONS[name];
  const params: Record<string, ParamSpec> = {};
  for (const [key, spec] of Object.entries(rule.params)) {
    params[key] = { ...spec, description: text.params[key] ?? '' };
  }
  return {
    name,
    ...rule,
    description: text.description,
    params,
    rollback: text.rollback,
    undo: STRATEGY_UNDO[name],
    promise: STRATEGY_PROMISES[name],
  };
}

/** The catalog, by name: rules and prose together. */
export const STRATEGIES: Readonly<Record<StrategyName, Strategy>> =
  /* @__PURE__ */ Object.fromEntries(
    STRATEGY_NAMES.map((name) => [name, describe(name)]),
  ) as Record<StrategyName, Strategy>;
