import type { StrategyName } from './strategy-rules.js';

/** The prose of one strategy: for people, the LLM prompt and the panel, never for the page bundle. */
export interface StrategyDescription {
  description: string;
  /** How to undo it, or null when it cannot be undone (or needs no undoing). */
  rollback: string | null;
  /** What each parameter means, by name. */
  params: Readonly<Record<string, string>>;
}

/** What each strategy does, how to undo it and what its parameters mean. */
export const STRATEGY_DESCRIPTIONS: Readonly<Record<StrategyName, StrategyDescription>> = {
  retry_request: {
    description:
      'Retry an idempotent request (GET, HEAD, OPTIONS, PUT, DELETE or one with an Idempotency-Key) with exponential backoff and jitter, honouring Retry-After.',
    rollback: null,
    params: { maxAttempts: 'Retries after the first try.', baseDelayMs: 'First backoff delay.' },
  },
  reload_page: {
    description:
      'Reload the page once, for a stale chunk or module after a deploy; guarded per fingerprint so it never loops.',
    rollback: null,
    params: {},
  },
  reinject_resource: {
    description: 'Insert a failed script or stylesheet again, once, with a cache-busting query.',
    // The page has run the resource's code by then; removing the element undoes nothing.
    rollback: null,
    params: { src: 'The resource to load again.' },
  },
  clear_cache: {
    description:
      "Clear the page's Cache Storage (all caches, or one by name) so stale files are fetched anew.",
    rollback: null,
    params: { cacheName: 'Only this cache.' },
  },
  reconnect_database: {
    description: "Close and reopen the service's database pool.",
    rollback: null,
    params: {},
  },
  reconnect_cache: {
    description: "Close and reopen the service's cache (Redis) client.",
    rollback: null,
    params: {},
  },
  garbage_collection: {
    description: 'Run a full garbage collection in the service (needs node --expose-gc).',
    rollback: null,
    params: {},
  },
  restart_service: {
    description:
      'Restart the service gracefully: stop taking work, drain, exit with a code its supervisor restarts on. Backs off from 10 s doubling to 5 min.',
    rollback: null,
    params: { graceMs: 'Longest drain before exit.' },
  },
  scale_out: {
    description:
      'Add capacity through the command or URL the operator configured (kubectl scale, a platform API).',
    rollback: 'Scale back in through the undo configured beside scale_out in the agent.',
    params: { replicas: 'Replicas to add.' },
  },
  notify_admin: {
    description: 'Tell a person: dashboard, devtools panel and the escalation webhook.',
    rollback: null,
    params: {},
  },
  report_only: {
    description: 'Do nothing automatically; record the fault and the developer fix, if any.',
    rollback: null,
    params: {},
  },
  custom: {
    description: 'Run a fix the operator configured in the agent under this name.',
    rollback: 'Run the undo configured beside that fix in the agent, if any.',
    params: { name: 'The configured fix.' },
  },
};
