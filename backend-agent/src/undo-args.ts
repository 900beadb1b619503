import { isStrategyName, STRATEGY_UNDO } from '@selfheal/shared';
import { ConfigError } from './config.js';

/** An undo named on the command line: `scale_out` or a custom fix's name, and its shell command. */
export interface CliUndo {
  strategy: 'scale_out' | 'custom';
  name?: string;
  command: string;
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
