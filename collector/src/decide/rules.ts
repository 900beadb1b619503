/**
 * The built-in policy: what to do about each kind of fault when knowledge has too little
 * evidence and no model answered usably, walking the catalog's `FIX_PLAYBOOK` (which the backend
 * agent's local fixes read too) and ending with a person. Always returns a strategy that fits
 * the target.
 */
import { FIX_PLAYBOOK, type FixTarget, type StrategyName } from '@selfheal/shared';
import { targetFor } from './fit.js';
import type { DecisionInput, KnowledgeRecord } from './types.js';

/** What the rules chose, before gating. */
export interface RuleChoice {
  strategy: StrategyName;
  target: FixTarget;
  params: Record<string, unknown>;
  reasoning: string;
  estimatedImpact: string;
  developerFix: string | null;
  notes: string[];
}

interface Step {
  strategy: StrategyName;
  reasoning: string;
  impact: string;
}

type Tried = (strategy: StrategyName) => { successes: number; failures: number };

const DEVELOPER_FIX: Partial<Record<DecisionInput['kind'], string>> = {
  import_error:
    'A module failed to load: check the import path and that the file is deployed; load scripts that use import/export with type="module"; after a deploy, keep serving the previous build\'s chunks until clients have reloaded.',
  syntax_error:
    'The shipped code does not parse: fix the syntax error at the reported location, and check that the build targets the browsers and Node versions in use.',
};

const DEFAULT_PARAMS: Partial<Record<StrategyName, Record<string, unknown>>> = {
  retry_request: { maxAttempts: 3, baseDelayMs: 500 },
  restart_service: { graceMs: 10_000 },
};

/** The parameters the collector sends with `strategy` when nobody chose others. */
export function defaultParams(strategy: StrategyName): Record<string, unknown> {
  return { ...DEFAULT_PARAMS[strategy] };
}

const NOTIFY: Step = {
  strategy: 'notify_admin',
  reasoning: 'No automatic fix is known for this fault; a person should look at it.',
  impact: 'None on users; an operator is alerted.',
};

type Why = Omit<Step, 'strategy'>;

const RESTART: Why = {
  reasoning: 'The fault stays after the gentler fix: restart the service gracefully.',
  impact: 'The service drains and restarts; requests during the restart wait or fail over.',
};
const SCALE_OUT: Why = {
  reasoning:
    'The service is overloaded: add a replica through the scale-out its agent has configured.',
  impact: 'One more replica shares the load; an agent without a configured scale-out refuses.',
};
const REPORT: Why = {
  reasoning: 'Nothing at run time can fix this fault; a developer must.',
  impact: 'None; the fault and the developer fix are recorded.',
};

/** Why each step of `FIX_PLAYBOOK` is taken, said for the kind it is taken for. */
const WHY: Partial<Record<DecisionInput['kind'], Partial<Record<StrategyName, Why>>>> = {
  import_error: {
    reload_page: {
      reasoning: 'A module failed to load, typically a stale chunk after a deploy: reload once.',
      impact: 'The page reloads once; unsaved form input may be lost.',
    },
    report_only: {
      reasoning: 'A module failed to load and a reload did not help: the code must be fixed.',
      impact: 'None; the fault and the developer fix are recorded.',
    },
  },
  network_error: {
    retry_request: {
      reasoning: 'A request failed on the network: retry idempotent requests with backoff.',
      impact: 'Idempotent requests are retried up to 3 times; users may see a short delay.',
    },
  },
  db_down: {
    reconnect_database: {
      reasoning: 'The database is unreachable from the service: reopen its connection pool.',
      impact: 'Queries in flight may fail once while the pool reopens.',
    },
    restart_service: RESTART,
  },
  cache_down: {
    reconnect_cache: {
      reasoning: 'The cache is unreachable from the service: reopen its client.',
      impact: 'Cache reads fall through to the source while the client reconnects.',
    },
    restart_service: RESTART,
  },
  high_memory: {
    garbage_collection: {
      reasoning: 'Memory use is high: run a full garbage collection first.',
      impact: 'A short pause in the service while the collector runs.',
    },
    restart_service: {
      reasoning: 'Memory stays high after garbage collection: restart the service gracefully.',
      impact: RESTART.impact,
    },
  },
  api_down: {
    restart_service: {
      reasoning: 'The service stopped answering its health check: restart it gracefully.',
      impact: RESTART.impact,
    },
  },
  high_cpu: { scale_out: SCALE_OUT },
  event_loop_lag: { scale_out: SCALE_OUT },
  syntax_error: {
    report_only: {
      reasoning: 'The code does not parse: nothing at run time can fix it; a developer must.',
      impact: REPORT.impact,
    },
  },
};

/** The catalog's playbook for `kind`, each step with why it is taken. */
function stepsFor(kind: DecisionInput['kind']): Step[] {
  return FIX_PLAYBOOK[kind].map((strategy) => ({
    strategy,
    ...(WHY[kind]?.[strategy] ?? (strategy === 'report_only' ? REPORT : NOTIFY)),
  }));
}

/**
 * False when a step was already tried and the next should run: a reload only once per
 * fingerprint; any other step but the last once it failed and the fault came back after it.
 */
function usable(step: Step, last: boolean, input: DecisionInput, tried: Tried): boolean {
  const counts = tried(step.strategy);
  if (step.strategy === 'reload_page') return counts.successes + counts.failures === 0;
  return last || !(input.trigger === 'fix_failed' && counts.failures > 0);
}

/** The rules' choice for the issue, skipping strategies that are blocked or do not fit. */
export function chooseByRules(
  input: DecisionInput,
  knowledge: readonly KnowledgeRecord[],
  blocked: ReadonlySet<StrategyName>,
): RuleChoice {
  const notes: string[] = [];
  const tried: Tried = (strategy) => triedOnFingerprint(knowledge, input.fingerprint, strategy);
  const playbook = stepsFor(input.kind);
  for (const [index, step] of [...playbook, NOTIFY].entries()) {
    const target = targetFor(step.strategy, input.target);
    if (!target) {
      notes.push(`rules: ${step.strategy} does not fit a ${input.target} issue`);
      continue;
    }
    if (blocked.has(step.strategy)) {
      notes.push(`rules: ${step.strategy} is blocked for this fingerprint`);
      continue;
    }
    if (!usable(step, index >= playbook.length - 1, input, tried)) {
      notes.push(`rules: ${step.strategy} was already tried for this fingerprint`);
      continue;
    }
    return choice(step, target, input, notes);
  }
  // Even notify_admin can be cooling down; recording is always possible.
  notes.push('rules: every step is blocked, recording only');
  return choice(
    {
      strategy: 'report_only',
      reasoning: 'Every fix the rules know for this fault is blocked or already tried.',
      impact: 'None; the fault is recorded.',
    },
    input.target,
    input,
    notes,
  );
}

function choice(step: Step, target: FixTarget, input: DecisionInput, notes: string[]): RuleChoice {
  return {
    strategy: step.strategy,
    target,
    params: defaultParams(step.strategy),
    reasoning: step.reasoning,
    estimatedImpact: step.impact,
    developerFix: DEVELOPER_FIX[input.kind] ?? null,
    notes,
  };
}

function triedOnFingerprint(
  knowledge: readonly KnowledgeRecord[],
  fingerprint: string,
  strategy: StrategyName,
): { successes: number; failures: number } {
  const counts = { successes: 0, failures: 0 };
  for (const record of knowledge) {
    if (record.patternType !== 'fingerprint' || record.pattern !== fingerprint) continue;
    if (record.strategy !== strategy) continue;
    if (record.successes > 0) counts.successes += record.successes;
    if (record.failures > 0) counts.failures += record.failures;
  }
  return counts;
}
