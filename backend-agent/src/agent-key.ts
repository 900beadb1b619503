import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';

/** Where the agent's key may come from, besides the environment. */
export interface AgentKeyInput {
  /** The service's key (`shs_…`), made by the admin for this service. */
  agentKey?: string;
  /** A file holding the service's key, read once at construction. */
  agentKeyFile?: string;
}

/** The key the agent sends, and what to tell the user once when it starts. */
export interface AgentKey {
  key: string | null;
  /** Why the key cannot work for a backend agent, with how to make one that does. */
  warning: string | null;
}

const KEY = /^[\x21-\x7e]{1,1024}$/;

/** The command that makes a service key, for the messages that ask for one. */
export function keyCommand(service: string, collectorUrl: string | null): string {
  const base = collectorUrl ?? 'http://127.0.0.1:8787';
  return `curl -X POST -H "Authorization: Bearer $ADMIN_TOKEN" ${base}/api/services/${encodeURIComponent(service)}/keys`;
}

/** The key in the file at `path`, trimmed; a missing, unreadable or empty file throws naming `name`. */
export function readKeyFile(name: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(`${name}: cannot read ${path.slice(0, 300)} (${code})`);
  }
  const key = text.trim();
  if (!key) throw new ConfigError(`${name}: ${path.slice(0, 300)} is empty`);
  return checked(name, key);
}

function checked(name: string, key: string): string {
  // Never echo the value: it is a secret.
  if (!KEY.test(key)) throw new ConfigError(`${name} must be one key without spaces`);
  return key;
}

/**
 * The agent key: the `agentKey` option, the `agentKeyFile` option, SELFHEAL_AGENT_KEY or
 * SELFHEAL_AGENT_KEY_FILE, first given wins. A project key (PROJECT_KEY, or a `shp_` key) is
 * still sent, so the collector's refusal says why, but it comes with a warning.
 */
export function resolveAgentKey(
  input: AgentKeyInput,
  env: Record<string, string | undefined>,
  service: string,
  collectorUrl: string | null,
): AgentKey {
  const make = `make one with ${keyCommand(service, collectorUrl)} and give it as SELFHEAL_AGENT_KEY or in a file named by SELFHEAL_AGENT_KEY_FILE (--agent-key-file)`;
  let key: string | null = null;
  if (input.agentKey !== undefined) key = checked('agentKey', input.agentKey.trim());
  else if (input.agentKeyFile !== undefined) key = readKeyFile('agentKeyFile', input.agentKeyFile);
  else if (env.SELFHEAL_AGENT_KEY)
    key = checked('SELFHEAL_AGENT_KEY', env.SELFHEAL_AGENT_KEY.trim());
  else if (env.SELFHEAL_AGENT_KEY_FILE)
    key = readKeyFile('SELFHEAL_AGENT_KEY_FILE', env.SELFHEAL_AGENT_KEY_FILE);
  if (key) {
    const warning = key.startsWith('shp_')
      ? `the agent key is the project key (shp_…), which may only send page reports; a backend agent needs its service's key (shs_…): ${make}`
      : null;
    return { key, warning };
  }
  const legacy = env.PROJECT_KEY?.trim();
  if (legacy) {
    return {
      key: legacy,
      warning: `PROJECT_KEY is set but a backend agent needs its service's key (shs_…); the collector will refuse what it sends with the project key: ${make}`,
    };
  }
  return { key: null, warning: null };
}
