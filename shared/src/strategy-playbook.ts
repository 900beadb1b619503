/**
 * Which fix to try for each kind of fault, in order, before anything has been learned: the one
 * table the backend agent's local autonomy and the collector's rules both read. Zod-free.
 */
import type { StrategyName } from './strategy-rules.js';
import type { ErrorKind } from './taxonomy.js';

/**
 * The fixes for each kind, first choice first. An empty list means no automatic fix: the
 * collector asks a person (notify_admin) and an agent does nothing on its own. A service agent
 * skips a strategy it has not been given (scale_out runs only with the operator's command, url or
 * hook), and the collector never applies a moderate or disruptive one unproven without a person.
 * The page agent's own fixes follow the same lines on narrower signals: it reloads for a stale
 * chunk (`import_error`), retries idempotent requests (`network_error`), and reinjects a script or
 * stylesheet that failed to load (a `file_not_found` that a 404 API answer also is, so not here).
 */
export const FIX_PLAYBOOK: Readonly<Record<ErrorKind, readonly StrategyName[]>> = {
  import_error: ['reload_page', 'report_only'],
  syntax_error: ['report_only'],
  reference_error: [],
  type_error: [],
  network_error: ['retry_request'],
  file_not_found: [],
  ui_missing: [],
  memory_leak: [],
  long_task: [],
  api_down: ['restart_service'],
  db_down: ['reconnect_database', 'restart_service'],
  cache_down: ['reconnect_cache', 'restart_service'],
  high_cpu: ['scale_out'],
  high_memory: ['garbage_collection', 'restart_service'],
  event_loop_lag: ['scale_out'],
  unknown: [],
};
