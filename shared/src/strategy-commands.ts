import type { StrategyName } from './strategy-rules.js';

const MINUTE = 60_000;

/**
 * How long a command of each strategy waits for an agent to take it before it expires (and its
 * decision with it, saying why). A page command waits for a page of the site to load and report
 * the fault again; a service command for the service's agent to poll.
 */
export const COMMAND_TTL_MS: Readonly<Record<StrategyName, number>> = {
  retry_request: 30 * MINUTE,
  reload_page: 30 * MINUTE,
  reinject_resource: 30 * MINUTE,
  clear_cache: 30 * MINUTE,
  reconnect_database: 5 * MINUTE,
  reconnect_cache: 5 * MINUTE,
  garbage_collection: 5 * MINUTE,
  restart_service: 10 * MINUTE,
  scale_out: 15 * MINUTE,
  notify_admin: 10 * MINUTE,
  report_only: 10 * MINUTE,
  custom: 10 * MINUTE,
};
