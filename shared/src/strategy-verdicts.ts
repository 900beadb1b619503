/**
 * What each strategy promises, and so how its fix is verified: the one table the collector's
 * verdicts, the panel and the docs read. Zod-free, like the rest of the catalog.
 */
import type { StrategyName } from './strategy-rules.js';

/**
 * What a fix promises:
 * - `request_answered`: the request it retried got a good answer; the agent that retried saw
 *   it, so its own report is the verdict (the API failing on a later request is another fault).
 * - `fault_stays_away`: the fault's fingerprint stays away from the service that ran the fix
 *   (a passing check under it is not a return) through the verification window.
 * - `page_loads_clean`: the page the fix reloaded or repaired loads without the fault: its
 *   fingerprint does not come back in that same page session through the window.
 * - `nothing`: the strategy fixes nothing (telling a person, recording); the agent's word stands.
 */
export const VERDICT_PROMISES = [
  'request_answered',
  'fault_stays_away',
  'page_loads_clean',
  'nothing',
] as const;
/** What a fix promises, and so what its verdict checks. */
export type VerdictPromise = (typeof VERDICT_PROMISES)[number];

/** Where a promise is checked: the service that ran the fix, the page session, or nowhere. */
export type VerdictScope = 'service' | 'session' | 'none';

/** The scope each promise watches for its fingerprint's return and for faults the fix caused. */
export const PROMISE_SCOPE: Readonly<Record<VerdictPromise, VerdictScope>> = {
  request_answered: 'none',
  fault_stays_away: 'service',
  page_loads_clean: 'session',
  nothing: 'none',
};

/** What each strategy promises. */
export const STRATEGY_PROMISES: Readonly<Record<StrategyName, VerdictPromise>> = {
  retry_request: 'request_answered',
  reload_page: 'page_loads_clean',
  reinject_resource: 'page_loads_clean',
  clear_cache: 'page_loads_clean',
  reconnect_database: 'fault_stays_away',
  reconnect_cache: 'fault_stays_away',
  garbage_collection: 'fault_stays_away',
  restart_service: 'fault_stays_away',
  scale_out: 'fault_stays_away',
  notify_admin: 'nothing',
  report_only: 'nothing',
  custom: 'fault_stays_away',
};
