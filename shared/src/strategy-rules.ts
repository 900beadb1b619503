/**
 * The machine half of the strategy catalog: targets, risk, parameter limits, budgets and
 * cooldowns, without any prose. The page agent reads only this half, so the descriptions
 * (`strategy-descriptions.ts`) stay out of its bundle; `STRATEGIES` joins the two.
 */

/** Who carries a strategy out. */
export const FIX_TARGETS = ['page', 'service', 'collector'] as const;
/** Who carries a strategy out: the page agent, a backend agent, or the collector itself. */
export type FixTarget = (typeof FIX_TARGETS)[number];

/** Risk classes, least to most disruptive. */
export const RISK_LEVELS = ['safe', 'moderate', 'disruptive'] as const;
/** How much a strategy can disturb users when it runs. */
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Every strategy name, in catalog order. */
export const STRATEGY_NAMES = [
  'retry_request',
  'reload_page',
  'reinject_resource',
  'clear_cache',
  'reconnect_database',
  'reconnect_cache',
  'garbage_collection',
  'restart_service',
  'scale_out',
  'notify_admin',
  'report_only',
  'custom',
] as const;
/** A strategy's name. */
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** The checkable part of one parameter a strategy takes. */
export interface ParamRule {
  type: 'string' | 'number' | 'boolean';
  required?: boolean;
  /** Largest number, or longest string. */
  max?: number;
  /** Smallest number. */
  min?: number;
}

/** How often a strategy may run for one fingerprint. */
export interface Budget {
  /** Most runs for one fingerprint within `windowMs`. */
  max: number;
  windowMs: number;
}

/** How a strategy backs off: the first run at once, then `initialMs` doubling up to `maxMs`. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** What the catalog says a strategy may do, when and how often. */
export interface StrategyRule {
  /** Who may carry it out; a decision for any other target is discarded. */
  targets: readonly FixTarget[];
  risk: RiskLevel;
  params: Readonly<Record<string, ParamRule>>;
  budget: Budget;
  /** Least time between two runs for one fingerprint after a success. */
  cooldownMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PAGE: readonly FixTarget[] = ['page'];
const SERVICE: readonly FixTarget[] = ['service'];

/** What a page needs of a strategy it may run: its parameters, budget and cooldown. */
export type PageStrategyRule = Omit<StrategyRule, 'targets' | 'risk'>;

/**
 * The rules of the strategies a page agent may run, `report_only` included, without their targets
 * and risk (the page needs neither). Kept apart so the page bundle carries only these.
 */
export const PAGE_STRATEGY_RULES = {
  retry_request: {
    params: {
      maxAttempts: { type: 'number', min: 1, max: 5 },
      baseDelayMs: { type: 'number', min: 100, max: 30_000 },
    },
    budget: { max: 30, windowMs: 5 * MINUTE },
    cooldownMs: 0,
  },
  reload_page: {
    params: {},
    budget: { max: 1, windowMs: 5 * MINUTE },
    cooldownMs: 5 * MINUTE,
  },
  reinject_resource: {
    params: { src: { type: 'string', max: 4_096 } },
    budget: { max: 1, windowMs: 5 * MINUTE },
    cooldownMs: 5 * MINUTE,
  },
  clear_cache: {
    params: { cacheName: { type: 'string', max: 256 } },
    budget: { max: 1, windowMs: HOUR },
    cooldownMs: HOUR,
  },
  report_only: {
    params: {},
    budget: { max: 1_000, windowMs: HOUR },
    cooldownMs: 0,
  },
} as const satisfies Readonly<Record<string, PageStrategyRule>>;
/** A strategy a page agent may run. */
export type PageStrategyName = keyof typeof PAGE_STRATEGY_RULES;

/**
 * How restart_service backs off: 10 s doubling to 5 min. An agent waits this after each restart
 * it makes (across fingerprints, remembered across the restarts); the collector holds the
 * strategy off this long after each restart that failed for a fingerprint.
 */
export const RESTART_BACKOFF: Backoff = { initialMs: 10_000, maxMs: 5 * MINUTE };

const OTHER_RULES: Readonly<Record<Exclude<StrategyName, PageStrategyName>, StrategyRule>> = {
  reconnect_database: {
    targets: SERVICE,
    risk: 'safe',
    params: {},
    budget: { max: 5, windowMs: 10 * MINUTE },
    cooldownMs: 30_000,
  },
  reconnect_cache: {
    targets: SERVICE,
    risk: 'safe',
    params: {},
    budget: { max: 5, windowMs: 10 * MINUTE },
    cooldownMs: 30_000,
  },
  garbage_collection: {
    targets: SERVICE,
    risk: 'safe',
    params: {},
    budget: { max: 6, windowMs: 10 * MINUTE },
    cooldownMs: MINUTE,
  },
  restart_service: {
    targets: SERVICE,
    risk: 'disruptive',
    params: { graceMs: { type: 'number', min: 0, max: 120_000 } },
    budget: { max: 5, windowMs: HOUR },
    cooldownMs: 10_000,
  },
  scale_out: {
    targets: SERVICE,
    risk: 'moderate',
    params: { replicas: { type: 'number', min: 1, max: 100 } },
    budget: { max: 3, windowMs: HOUR },
    cooldownMs: 10 * MINUTE,
  },
  notify_admin: {
    targets: ['collector'],
    risk: 'safe',
    params: {},
    budget: { max: 1, windowMs: HOUR },
    cooldownMs: HOUR,
  },
  custom: {
    targets: SERVICE,
    risk: 'moderate',
    params: { name: { type: 'string', required: true, max: 128 } },
    budget: { max: 5, windowMs: HOUR },
    cooldownMs: MINUTE,
  },
};

/** Where each page strategy runs and how risky it is. */
const PAGE_PLACEMENT: Readonly<Record<PageStrategyName, Pick<StrategyRule, 'targets' | 'risk'>>> = {
  retry_request: { targets: PAGE, risk: 'safe' },
  reload_page: { targets: PAGE, risk: 'moderate' },
  reinject_resource: { targets: PAGE, risk: 'safe' },
  clear_cache: { targets: PAGE, risk: 'moderate' },
  report_only: { targets: FIX_TARGETS, risk: 'safe' },
};

/** The rules of every strategy, by name. */
export const STRATEGY_RULES: Readonly<Record<StrategyName, StrategyRule>> =
  /* @__PURE__ */ joinRules();

function joinRules(): Record<StrategyName, StrategyRule> {
  const page = Object.fromEntries(
    Object.entries(PAGE_PLACEMENT).map(([name, placement]) => [
      name,
      { ...placement, ...PAGE_STRATEGY_RULES[name as PageStrategyName] },
    ]),
  ) as Record<PageStrategyName, StrategyRule>;
  return { ...page, ...OTHER_RULES };
}

/**
 * How an earlier run of a strategy is undone when the collector sends it again with `rollback`:
 * `none` when it cannot be (a restart, a reconnect, a reload happened and stays happened) or
 * needs nothing, `hook` when by the undo the operator configured beside the fix in the agent
 * (scale back in; a custom fix's own undo). An agent refuses a rollback it cannot carry out.
 */
export type UndoRule = 'none' | 'hook';

/** How each strategy is undone. Its prose (`rollback` in the descriptions) agrees: a test holds them together. */
export const STRATEGY_UNDO: Readonly<Record<StrategyName, UndoRule>> = {
  retry_request: 'none',
  reload_page: 'none',
  reinject_resource: 'none',
  clear_cache: 'none',
  reconnect_database: 'none',
  reconnect_cache: 'none',
  garbage_collection: 'none',
  restart_service: 'none',
  scale_out: 'hook',
  notify_admin: 'none',
  report_only: 'none',
  custom: 'hook',
};

/** True when `value` names a strategy in the catalog. */
export function isStrategyName(value: unknown): value is StrategyName {
  return typeof value === 'string' && (STRATEGY_NAMES as readonly string[]).includes(value);
}

/** True when `target` may carry out `strategy`. */
export function strategyFits(strategy: StrategyName, target: FixTarget): boolean {
  return STRATEGY_RULES[strategy].targets.includes(target);
}

/** 0 for safe, 1 for moderate, 2 for disruptive: compare risks with `<=`. */
export function riskRank(risk: RiskLevel): number {
  return RISK_LEVELS.indexOf(risk);
}

/** What is wrong with `params` for `strategy`, or undefined when they fit its catalog entry. */
export function checkParams(strategy: StrategyName, params: unknown): string | undefined {
  return checkParamsAgainst(strategy, STRATEGY_RULES[strategy].params, params);
}

/** `checkParams` against the given parameter rules (the page agent passes the page's alone). */
export function checkParamsAgainst(
  strategy: StrategyName,
  specs: Readonly<Record<string, ParamRule>>,
  params: unknown,
): string | undefined {
  if (params === undefined) params = {};
  if (params === null || typeof params !== 'object' || Array.isArray(params))
    return 'params must be an object';
  const given = params as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(specs, key)) return `${strategy} takes no parameter "${key.slice(0, 64)}"`;
  }
  for (const [key, spec] of Object.entries(specs)) {
    const value = given[key];
    if (value === undefined) {
      if (spec.required) return `${strategy} needs "${key}"`;
      continue;
    }
    if (typeof value !== spec.type) return `${key} must be a ${spec.type}`;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `${key} must be finite`;
      if (spec.min !== undefined && value < spec.min) return `${key} must be at least ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `${key} must be at most ${spec.max}`;
    }
    if (typeof value === 'string' && spec.max !== undefined && value.length > spec.max)
      return `${key} must be at most ${spec.max} characters`;
  }
  return undefined;
}
