import { isStrategyName, STRATEGY_UNDO } from '@selfheal/shared';
import { ConfigError } from './config.js';

/** An undo named on the command line: `scale_out` or a custom fix's name, and its shell command. */
export interface CliUndo {
  strategy: 'scale_out' | 'custom';
  name?: string;
  command: string;
}

/** The `--undo` lines of the sidecar's --help text. */
export const UNDO_USAGE = `  --undo STRATEGY="command"  undo an earlier run when the collector sends a rollback command;
                            STRATEGY is scale_out or custom:NAME (the fix's name). It sees the
                            fix's environment and SELFHEAL_ROLLBACK=1; others are refused`;

/**
 * Takes the `--undo` flags out of `argv` (`--undo KEY=command` or `--undo=KEY=command`), so the
 * rest goes to `parseArgs` as before.
 */
export function takeUndoArgs(argv: readonly string[]): { rest: string[]; undos: CliUndo[] } {
  const rest: string[] = [];
  const undos: CliUndo[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg !== '--undo' && !arg.startsWith('--undo=')) {
      rest.push(arg);
      continue;
    }
    const value = arg === '--undo' ? argv[++i] : arg.slice(7);
    if (value === undefined) throw new ConfigError('--undo needs a value');
    undos.push(parseUndo(value));
  }
  return { rest, undos };
}

/** `scale_out=command` or `custom:NAME=command`. */
export function parseUndo(value: string): CliUndo {
  const eq = value.indexOf('=');
  const key = eq > 0 ? value.slice(0, eq) : '';
  const command = eq > 0 ? value.slice(eq + 1) : '';
  if (!command.trim())
    throw new ConfigError(`--undo must be STRATEGY="command", got "${value.slice(0, 200)}"`);
  if (key.startsWith('custom:')) {
    const name = key.slice(7);
    if (!/^[\w.-]{1,128}$/.test(name))
      throw new ConfigError('--undo custom:NAME needs a NAME of letters, digits, . _ -');
    return { strategy: 'custom', name, command };
  }
  if (key === 'scale_out') return { strategy: key, command };
  const why =
    isStrategyName(key) && STRATEGY_UNDO[key] === 'none'
      ? `${key} cannot be undone`
      : 'must be scale_out or custom:NAME';
  throw new ConfigError(`--undo ${key.slice(0, 64) || '?'}: ${why}`);
}
