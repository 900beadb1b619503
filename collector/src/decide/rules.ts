/**
 * The built-in policy: what to do about each kind of fault when knowledge has too little
 * evidence and no model answered usably. Always returns a strategy that fits the target.
 */
import type { FixTarget, StrategyName } from '@selfheal/shared';
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
  /** False when this step has already been tried for the issue and the next one should run. */
  usable?: (input: DecisionInput, tried: Tried) => boolean;
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

const POLICY: Partial<Record<DecisionInput['kind'], Step[]>> = {
  import_error: [
    {
      strategy: 'reload_page',
      reasoning: 'A module failed to load, typically a stale chunk after a deploy: reload once.',
      impact: 'The page reloads once; unsaved form input may be lost.',
      // Once: a reload already tried for this fingerprint is not tried again.
      usable: (_input, tried) => isUntried(tried('reload_page')),
    },
    {
      strategy: 'report_only',
      reasoning: 'A module failed to load and a reload did not help: the code must be fixed.',
      impact: 'None; the fault and the developer fix are recorded.',
    },
  ],
  network_error: [
    {
      strategy: 'retry_request',
      reasoning: 'A request failed on the network: retry idempotent requests with backoff.',
      impact: 'Idempotent requests are retried up to 3 times; users may see a short delay.',
    },
  ],
  db_down: [
    {
      strategy: 'reconnect_database',
      reasoning: 'The database is unreachable from the service: reopen its connection pool.',
      impact: 'Queries in flight may fail once while the pool reopens.',
    },
  ],
  cache_down: [
    {
      strategy: 'reconnect_cache',
      reasoning: 'The cache is unreachable from the service: reopen its client.',
      impact: 'Cache reads fall through to the source while the client reconnects.',
    },
  ],
  high_memory: [
    {
      strategy: 'garbage_collection',
      reasoning: 'Memory use is high: run a full garbage collection first.',
      impact: 'A short pause in the service while the collector runs.',
      usable: (input, tried) =>
        !(input.trigger === 'fix_failed' && tried('garbage_collection').failures > 0),
    },
    {
      strategy: 'restart_service',
      reasoning: 'Memory stays high after garbage collection: restart the service gracefully.',
      impact: 'The service drains and restarts; requests during the restart wait or fail over.',
    },
  ],
  api_down: [
    {
      strategy: 'restart_service',
      reasoning: 'The service stopped answering its health check: restart it gracefully.',
      impact: 'The service drains and restarts; requests during the restart wait or fail over.',
    },
  ],
  syntax_error: [
    {
      strategy: 'report_only',
      reasoning: 'The code does not parse: nothing at run time can fix it; a developer must.',
      impact: 'None; the fault and the developer fix are recorded.',
    },
  ],
};

/** The rules' choice for the issue, skipping strategies that are blocked or do not fit. */
export function chooseByRules(
  input: DecisionInput,
  knowledge: readonly KnowledgeRecord[],
  blocked: ReadonlySet<StrategyName>,
): RuleChoice {
  const notes: string[] = [];
  const tried: Tried = (strategy) => triedOnFingerprint(knowledge, input.fingerprint, strategy);
  const steps = [...(POLICY[input.kind] ?? []), NOTIFY];
  for (const step of steps) {
    const target = targetFor(step.strategy, input.target);
    if (!target) {
      notes.push(`rules: ${step.strategy} does not fit a ${input.target} issue`);
      continue;
    }
    if (blocked.has(step.strategy)) {
      notes.push(`rules: ${step.strategy} is blocked for this fingerprint`);
      continue;
    }
    if (step.usable && !step.usable(input, tried)) {
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

function isUntried(counts: { successes: number; failures: number }): boolean {
  return counts.successes + counts.failures === 0;
}
