/**
 * The catalog of fix strategies: the one list that decisions, commands, the LLM's answer schema
 * and every agent read. Zod-free, so the page agent can import it.
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

/** One parameter a strategy takes. */
export interface ParamSpec {
  type: 'string' | 'number' | 'boolean';
  required?: boolean;
  description: string;
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

/** A strategy as the catalog describes it. */
export interface Strategy {
  name: StrategyName;
  description: string;
  /** Who may carry it out; a decision for any other target is discarded. */
  targets: readonly FixTarget[];
  risk: RiskLevel;
  params: Readonly<Record<string, ParamSpec>>;
  /** How to undo it, or null when it cannot be undone (or needs no undoing). */
  rollback: string | null;
  budget: Budget;
  /** Least time between two runs for one fingerprint after a success. */
  cooldownMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The catalog, by name. */
export const STRATEGIES: Readonly<Record<StrategyName, Strategy>> = {
  retry_request: {
    name: 'retry_request',
    description:
      'Retry an idempotent request (GET, HEAD, OPTIONS, PUT, DELETE or one with an Idempotency-Key) with exponential backoff and jitter, honouring Retry-After.',
    targets: ['page'],
    risk: 'safe',
    params: {
      maxAttempts: { type: 'number', min: 1, max: 5, description: 'Retries after the first try.' },
      baseDelayMs: { type: 'number', min: 100, max: 30_000, description: 'First backoff delay.' },
    },
    rollback: null,
    budget: { max: 30, windowMs: 5 * MINUTE },
    cooldownMs: 0,
  },
  reload_page: {
    name: 'reload_page',
    description:
      'Reload the page once, for a stale chunk or module after a deploy; guarded per fingerprint so it never loops.',
    targets: ['page'],
    risk: 'moderate',
    params: {},
    rollback: null,
    budget: { max: 1, windowMs: 5 * MINUTE },
    cooldownMs: 5 * MINUTE,
  },
  reinject_resource: {
    name: 'reinject_resource',
    description: 'Insert a failed script or stylesheet again, once, with a cache-busting query.',
    targets: ['page'],
    risk: 'safe',
    params: { src: { type: 'string', max: 4_096, description: 'The resource to load again.' } },
    rollback: 'Remove the re-inserted element.',
    budget: { max: 1, windowMs: 5 * MINUTE },
    cooldownMs: 5 * MINUTE,
  },
  clear_cache: {
    name: 'clear_cache',
    description:
      "Clear the page's Cache Storage (all caches, or one by name) so stale files are fetched anew.",
    targets: ['page'],
    risk: 'moderate',
    params: { cacheName: { type: 'string', max: 256, description: 'Only this cache.' } },
    rollback: null,
    budget: { max: 1, windowMs: HOUR },
    cooldownMs: HOUR,
  },
  reconnect_database: {
    name: 'reconnect_database',
    description: "Close and reopen the service's database pool.",
    targets: ['service'],
    risk: 'safe',
    params: {},
    rollback: null,
    budget: { max: 5, windowMs: 10 * MINUTE },
    cooldownMs: 30_000,
  },
  reconnect_cache: {
    name: 'reconnect_cache',
    description: "Close and reopen the service's cache (Redis) client.",
    targets: ['service'],
    risk: 'safe',
    params: {},
    rollback: null,
    budget: { max: 5, windowMs: 10 * MINUTE },
    cooldownMs: 30_000,
  },
  garbage_collection: {
    name: 'garbage_collection',
    description: 'Run a full garbage collection in the service (needs node --expose-gc).',
    targets: ['service'],
    risk: 'safe',
    params: {},
    rollback: null,
    budget: { max: 6, windowMs: 10 * MINUTE },
    cooldownMs: MINUTE,
  },
  restart_service: {
    name: 'restart_service',
    description:
      'Restart the service gracefully: stop taking work, drain, exit with a code its supervisor restarts on. Backs off from 10 s doubling to 5 min.',
    targets: ['service'],
    risk: 'disruptive',
    params: {
      graceMs: { type: 'number', min: 0, max: 120_000, description: 'Longest drain before exit.' },
    },
    rollback: null,
    budget: { max: 5, windowMs: HOUR },
    cooldownMs: 10_000,
  },
  scale_out: {
    name: 'scale_out',
    description:
      'Add capacity through the command or URL the operator configured (kubectl scale, a platform API).',
    targets: ['service'],
    risk: 'moderate',
    params: { replicas: { type: 'number', min: 1, max: 100, description: 'Replicas to add.' } },
    rollback: 'Scale back in through the configured scale-in command.',
    budget: { max: 3, windowMs: HOUR },
    cooldownMs: 10 * MINUTE,
  },
  notify_admin: {
    name: 'notify_admin',
    description: 'Tell a person: dashboard, devtools panel and the escalation webhook.',
    targets: ['collector'],
    risk: 'safe',
    params: {},
    rollback: null,
    budget: { max: 1, windowMs: HOUR },
    cooldownMs: HOUR,
  },
  report_only: {
    name: 'report_only',
    description: 'Do nothing automatically; record the fault and the developer fix, if any.',
    targets: ['page', 'service', 'collector'],
    risk: 'safe',
    params: {},
    rollback: null,
    budget: { max: 1_000, windowMs: HOUR },
    cooldownMs: 0,
  },
  custom: {
    name: 'custom',
    description: 'Run a fix the operator configured in the agent under this name.',
    targets: ['service'],
    risk: 'moderate',
    params: {
      name: { type: 'string', required: true, max: 128, description: 'The configured fix.' },
    },
    rollback: null,
    budget: { max: 5, windowMs: HOUR },
    cooldownMs: MINUTE,
  },
};

/** True when `value` names a strategy in the catalog. */
export function isStrategyName(value: unknown): value is StrategyName {
  return typeof value === 'string' && (STRATEGY_NAMES as readonly string[]).includes(value);
}

/** True when `target` may carry out `strategy`. */
export function strategyFits(strategy: StrategyName, target: FixTarget): boolean {
  return STRATEGIES[strategy].targets.includes(target);
}

/** 0 for safe, 1 for moderate, 2 for disruptive: compare risks with `<=`. */
export function riskRank(risk: RiskLevel): number {
  return RISK_LEVELS.indexOf(risk);
}

/** What is wrong with `params` for `strategy`, or undefined when they fit its catalog entry. */
export function checkParams(strategy: StrategyName, params: unknown): string | undefined {
  if (params === undefined) params = {};
  if (params === null || typeof params !== 'object' || Array.isArray(params))
    return 'params must be an object';
  const specs = STRATEGIES[strategy].params;
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
