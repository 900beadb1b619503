import { hostname as osHostname } from 'node:os';
import { type AgentKeyInput, keyCommand, resolveAgentKey } from './agent-key.js';
import { ConfigError } from './config-error.js';

export { ConfigError };

/** What the agent reads from its options or, when absent, from the environment. */
export interface AgentSettings {
  serviceName: string;
  /** The collector's base URL; `DEFAULT_COLLECTOR_URL` when none is given. */
  collectorUrl: string;
  /** The service key sent to the collector. */
  agentKey: string | null;
  /** Said once at start: there is no key, or it cannot work for a backend agent, and how to make one that does. */
  keyWarning: string | null;
  /** Seconds between two rounds of checks. */
  checkInterval: number;
  autoFix: boolean;
  hostname: string;
}

/** The options that `AgentSettings` come from. */
export interface SettingsInput extends AgentKeyInput {
  serviceName?: string;
  collectorUrl?: string;
  checkInterval?: number;
  autoFix?: boolean;
  hostname?: string;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** Parses a boolean environment value, or throws naming the variable. */
export function parseBoolean(name: string, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw.slice(0, 64)}"`);
}

/** Parses a positive number of seconds, or throws naming the setting. */
export function parseSeconds(name: string, raw: string | number): number {
  const value = typeof raw === 'number' ? raw : Number(raw.trim());
  if ((typeof raw === 'string' && raw.trim() === '') || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive number of seconds, got "${String(raw)}"`);
  }
  if (value > 86_400) throw new ConfigError(`${name} must be at most 86400 seconds`);
  return value;
}

/** Checks that `raw` is an http(s) URL and returns it without a trailing slash. */
export function parseUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw.slice(0, 200)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw.slice(0, 200)}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

/** Where a collector started with its defaults listens. */
export const DEFAULT_COLLECTOR_URL = 'http://127.0.0.1:8787';

const SERVICE_NAME = /^[\w.:@/-]{1,256}$/;

/**
 * Options first, then SERVICE_NAME, ORCHESTRATOR_URL or COLLECTOR_URL, SELFHEAL_AGENT_KEY or
 * SELFHEAL_AGENT_KEY_FILE, CHECK_INTERVAL, AUTO_FIX_ENABLED.
 */
export function resolveSettings(
  input: SettingsInput,
  env: Record<string, string | undefined> = process.env,
): AgentSettings {
  const serviceName = input.serviceName ?? env.SERVICE_NAME;
  if (!serviceName) {
    throw new ConfigError(
      'serviceName is required (the option, or SERVICE_NAME in the environment)',
    );
  }
  if (!SERVICE_NAME.test(serviceName)) {
    throw new ConfigError(
      'serviceName must be 1-256 characters of letters, digits and . _ - : @ /',
    );
  }
  const rawUrl = input.collectorUrl ?? env.ORCHESTRATOR_URL ?? env.COLLECTOR_URL;
  const collectorUrl = rawUrl
    ? parseUrl(
        input.collectorUrl
          ? 'collectorUrl'
          : env.ORCHESTRATOR_URL
            ? 'ORCHESTRATOR_URL'
            : 'COLLECTOR_URL',
        rawUrl,
      )
    : DEFAULT_COLLECTOR_URL;
  if ('projectKey' in input) {
    throw new ConfigError(
      'projectKey is gone: a backend agent sends its service key (the agentKey or agentKeyFile option, or SELFHEAL_AGENT_KEY)',
    );
  }
  const { key: agentKey, warning: keyWarning } = resolveAgentKey(
    input,
    env,
    serviceName,
    collectorUrl,
  );
  if (rawUrl && !agentKey) {
    throw new ConfigError(
      `a service key is required to report (SELFHEAL_AGENT_KEY, SELFHEAL_AGENT_KEY_FILE or the agentKey option); make one with ${keyCommand(serviceName, collectorUrl)}`,
    );
  }
  // With no collector given and no key, nothing can be sent; the agent still checks and fixes,
  // and says so once.
  const warning =
    keyWarning ??
    (agentKey
      ? null
      : `no service key, so nothing is sent to ${collectorUrl} (events are kept in a bounded buffer): make one with ${keyCommand(serviceName, collectorUrl)} and give it as SELFHEAL_AGENT_KEY`);
  const checkInterval =
    input.checkInterval !== undefined
      ? parseSeconds('checkInterval', input.checkInterval)
      : env.CHECK_INTERVAL !== undefined
        ? parseSeconds('CHECK_INTERVAL', env.CHECK_INTERVAL)
        : 30;
  const autoFix =
    input.autoFix !== undefined
      ? input.autoFix
      : env.AUTO_FIX_ENABLED !== undefined
        ? parseBoolean('AUTO_FIX_ENABLED', env.AUTO_FIX_ENABLED)
        : true;
  if (typeof autoFix !== 'boolean') throw new ConfigError('autoFix must be a boolean');
  return {
    serviceName,
    collectorUrl,
    agentKey,
    keyWarning: warning,
    checkInterval,
    autoFix,
    hostname: input.hostname ?? osHostname(),
  };
}
