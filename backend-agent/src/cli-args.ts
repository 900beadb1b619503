import { type ErrorKind, isStrategyName, type StrategyName } from '@selfheal/shared';
import type { BudgetOverrides } from './budget.js';
import { ConfigError, parseSeconds } from './config.js';
import { type CliUndo, parseUndo } from './undo-args.js';

/** A check named on the command line. */
export type CliCheck =
  | { type: 'http'; name: string; kind: ErrorKind; url: string }
  | { type: 'tcp'; name: string; kind: ErrorKind; host: string; port: number };

/** A fix named on the command line: a strategy (or custom:NAME) and its shell command. */
export interface CliFix {
  strategy: StrategyName;
  name?: string;
  command: string;
}

/** Everything the sidecar's flags say. */
export interface CliOptions {
  help: boolean;
  service?: string;
  collector?: string;
  agentKeyFile?: string;
  interval?: number;
  autoFix?: boolean;
  checks: CliCheck[];
  fixes: CliFix[];
  undos: CliUndo[];
  spawn?: string;
  threshold?: number;
  timeoutMs?: number;
  verifyTimeoutMs?: number;
  graceMs?: number;
  startPeriodMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  bufferFile?: string;
  budgets: BudgetOverrides;
}

/** The sidecar's --help text: every flag. */
export const USAGE = `selfheal-agent: health checks, local fixes and collector commands for a service in any language

Usage: selfheal-agent --service NAME --check http=URL [--check NAME:tcp=HOST:PORT ...]
                      [--fix restart_service="shell command"] [--spawn "command"] [options]

  --service NAME            the service's name (env SERVICE_NAME)
  --collector URL           the collector's base URL (env ORCHESTRATOR_URL or COLLECTOR_URL);
                            without one, nothing is reported
  --agent-key-file PATH     a file holding the service's key (env SELFHEAL_AGENT_KEY_FILE), read
                            once at start; or give the key itself as SELFHEAL_AGENT_KEY. Never on
                            the command line, where ps shows it. The admin makes it:
                            curl -X POST -H "Authorization: Bearer $ADMIN_TOKEN" \\
                              COLLECTOR/api/services/NAME/keys
  --check [NAME:]http=URL   GET URL; a network error, timeout or status >= 400 fails (api_down)
  --check [NAME:]tcp=HOST:PORT
                            open a TCP connection; refused or timed out fails. The kind comes from
                            NAME: db/postgres/mysql → db_down, cache/redis → cache_down, else api_down
  --fix STRATEGY="command"  run a shell command as a fix; STRATEGY is restart_service, scale_out,
                            reconnect_database, reconnect_cache or custom:NAME. The command sees
                            SELFHEAL_STRATEGY, SELFHEAL_FINGERPRINT, SELFHEAL_KIND, SELFHEAL_CHECK
  --undo STRATEGY="command" undo an earlier run when the collector sends a rollback command;
                            STRATEGY is scale_out or custom:NAME (the fix's name). It sees the
                            fix's environment and SELFHEAL_ROLLBACK=1; others are refused
  --spawn "command"         run the service as a child and supervise it: restart_service restarts
                            it (SIGTERM, then SIGKILL after --grace), and it is started again when
                            it exits on its own, with the same backoff
  --interval SECONDS        seconds between checks (env CHECK_INTERVAL, default 30)
  --auto-fix, --no-auto-fix fix failing checks on the spot (env AUTO_FIX_ENABLED, default on)
  --threshold N             failures in a row before a fault is reported and fixed (default 3)
  --timeout MS              longest a check may take (default 5000)
  --verify-timeout MS       how long a fix has to make the check pass again (default 30000)
  --grace MS                how long a restarted child may take to stop (default 10000)
  --start-period MS         failures do not count this long after the sidecar or the child
                            starts, while the service comes up (default 0)
  --backoff-initial MS      first wait between two restarts (default 10000)
  --backoff-max MS          longest wait between two restarts (default 300000)
  --budget STRATEGY=MAX/SECONDS
                            runs of a strategy allowed per fault per window (default: the catalog's)
  --buffer-file PATH        keep unsent events in this file through outages and restarts
  --help                    this text

Exit codes: 0 after SIGINT/SIGTERM, 2 for a bad flag or setting.`;

const VALUE_FLAGS = new Set([
  '--service',
  '--collector',
  '--agent-key-file',
  '--check',
  '--fix',
  '--undo',
  '--spawn',
  '--interval',
  '--threshold',
  '--timeout',
  '--verify-timeout',
  '--grace',
  '--start-period',
  '--backoff-initial',
  '--backoff-max',
  '--budget',
  '--buffer-file',
]);

/** Flags that would put the key in argv, where `ps` shows it to everyone on the machine. */
const KEY_ON_ARGV = new Set(['--project-key', '--agent-key', '--key']);

/** Parses the sidecar's arguments; a bad flag or value throws a `ConfigError` naming it. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { help: false, checks: [], fixes: [], undos: [], budgets: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === '--help' || flag === '-h') {
      options.help = true;
      continue;
    }
    if (flag === '--auto-fix' || flag === '--no-auto-fix') {
      options.autoFix = flag === '--auto-fix';
      continue;
    }
    if (KEY_ON_ARGV.has(flag)) {
      throw new ConfigError(
        `${flag} is not taken: a key on the command line is visible to anyone running ps. Give the service's key (shs_…) as SELFHEAL_AGENT_KEY in the environment or in a file with --agent-key-file PATH`,
      );
    }
    if (!VALUE_FLAGS.has(flag))
      throw new ConfigError(`unknown flag ${arg.slice(0, 64)} (see --help)`);
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new ConfigError(`${flag} needs a value`);
      value = next;
      i += 1;
    }
    apply(options, flag, value);
  }
  return options;
}

function apply(options: CliOptions, flag: string, value: string): void {
  switch (flag) {
    case '--service':
      options.service = value;
      break;
    case '--collector':
      options.collector = value;
      break;
    case '--agent-key-file':
      if (!value.trim()) throw new ConfigError('--agent-key-file needs a path');
      options.agentKeyFile = value;
      break;
    case '--check':
      options.checks.push(parseCheck(value));
      break;
    case '--fix':
      options.fixes.push(parseFix(value));
      break;
    case '--undo':
      options.undos.push(parseUndo(value));
      break;
    case '--spawn':
      if (!value.trim()) throw new ConfigError('--spawn needs a command');
      options.spawn = value;
      break;
    case '--interval':
      options.interval = parseSeconds('--interval', value);
      break;
    case '--threshold':
      options.threshold = integer(flag, value, 1, 100);
      break;
    case '--timeout':
      options.timeoutMs = integer(flag, value, 1, 600_000);
      break;
    case '--verify-timeout':
      options.verifyTimeoutMs = integer(flag, value, 1, 3_600_000);
      break;
    case '--grace':
      options.graceMs = integer(flag, value, 0, 600_000);
      break;
    case '--start-period':
      options.startPeriodMs = integer(flag, value, 0, 3_600_000);
      break;
    case '--backoff-initial':
      options.backoffInitialMs = integer(flag, value, 1, 3_600_000);
      break;
    case '--backoff-max':
      options.backoffMaxMs = integer(flag, value, 1, 86_400_000);
      break;
    case '--budget': {
      const match = /^([a-z_]+)=(\d+)\/(\d+(?:\.\d+)?)$/.exec(value);
      if (!match || !isStrategyName(match[1])) {
        throw new ConfigError(`--budget must be STRATEGY=MAX/SECONDS, got "${value.slice(0, 64)}"`);
      }
      options.budgets[match[1]] = { max: Number(match[2]), windowMs: Number(match[3]) * 1000 };
      break;
    }
    case '--buffer-file':
      options.bufferFile = value;
      break;
  }
}

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new ConfigError(
      `${flag} must be a whole number from ${min} to ${max}, got "${value.slice(0, 64)}"`,
    );
  }
  return n;
}

function kindFor(name: string): ErrorKind {
  if (/^(db|database|postgres|pg|mysql)/i.test(name)) return 'db_down';
  if (/^(cache|redis|memcached?)/i.test(name)) return 'cache_down';
  return 'api_down';
}

/** `[NAME:]http=URL` or `[NAME:]tcp=HOST:PORT`. */
export function parseCheck(value: string): CliCheck {
  const match = /^(?:([\w.-]+):)?(http|tcp)=(.+)$/.exec(value);
  if (!match)
    throw new ConfigError(
      `--check must be [NAME:]http=URL or [NAME:]tcp=HOST:PORT, got "${value.slice(0, 200)}"`,
    );
  const [, givenName, type, target = ''] = match;
  if (type === 'http') {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new ConfigError(`--check http= needs an http(s) URL, got "${target.slice(0, 200)}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigError(`--check http= needs an http(s) URL, got "${target.slice(0, 200)}"`);
    }
    const name = givenName ?? 'api';
    return { type: 'http', name, kind: kindFor(name), url: url.toString() };
  }
  const hostPort = /^(.+):(\d{1,5})$/.exec(target);
  const port = Number(hostPort?.[2]);
  if (!hostPort?.[1] || port < 1 || port > 65_535) {
    throw new ConfigError(`--check tcp= needs HOST:PORT, got "${target.slice(0, 200)}"`);
  }
  const host = hostPort[1].replace(/^\[|\]$/g, '');
  const name = givenName ?? `tcp:${host}:${port}`;
  return { type: 'tcp', name, kind: kindFor(name), host, port };
}

/** `STRATEGY=command` or `custom:NAME=command`. */
export function parseFix(value: string): CliFix {
  const eq = value.indexOf('=');
  const key = eq > 0 ? value.slice(0, eq) : '';
  const command = eq > 0 ? value.slice(eq + 1) : '';
  if (!command.trim())
    throw new ConfigError(`--fix must be STRATEGY="command", got "${value.slice(0, 200)}"`);
  if (key.startsWith('custom:')) {
    const name = key.slice(7);
    if (!/^[\w.-]{1,128}$/.test(name))
      throw new ConfigError(`--fix custom:NAME needs a NAME of letters, digits, . _ -`);
    return { strategy: 'custom', name, command };
  }
  const shellable: StrategyName[] = [
    'restart_service',
    'scale_out',
    'reconnect_database',
    'reconnect_cache',
    'garbage_collection',
  ];
  if (!isStrategyName(key) || !shellable.includes(key)) {
    throw new ConfigError(
      `--fix ${key.slice(0, 64) || '?'}: must be one of ${shellable.join(', ')} or custom:NAME`,
    );
  }
  return { strategy: key, command };
}
