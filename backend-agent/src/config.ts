import { hostname as osHostname } from 'node:os';

/** A configuration value the agent cannot use; thrown at construction, never defaulted silently. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What the agent reads from its options or, when absent, from the environment. */
export interface AgentSettings {
  serviceName: string;
  /** The collector's base URL, or null to keep events in the buffer only (nothing is sent). */
  collectorUrl: string | null;
  projectKey: string | null;
  /** Seconds between two rounds of checks. */
  checkInterval: number;
  autoFix: boolean;
  hostname: string;
}

/** The options that `AgentSettings` come from. */
export interface SettingsInput {
  serviceName?: string;
  collectorUrl?: string;
  projectKey?: string;
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

const SERVICE_NAME = /^[\w.:@/-]{1,256}$/;

/** Options first, then SERVICE_NAME, ORCHESTRATOR_URL or COLLECTOR_URL, PROJECT_KEY, CHECK_INTERVAL, AUTO_FIX_ENABLED. */
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
    : null;
  const projectKey = input.projectKey ?? env.PROJECT_KEY ?? null;
  if (collectorUrl && !projectKey) {
    throw new ConfigError('projectKey is required to report (the option, or PROJECT_KEY)');
  }
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
    projectKey,
    checkInterval,
    autoFix,
    hostname: input.hostname ?? osHostname(),
  };
}
