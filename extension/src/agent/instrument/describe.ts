import type { AgentContext } from '../context.js';

const MAX_TEXT = 2_048;

/** A thrown or logged value as an error fault reports it. */
export interface Described {
  message: string;
  name: string | undefined;
  stack: string | undefined;
}

/** Reports an `error` fault seen by `source` (onerror, console, …), with `extra` data. */
export function errorFault(
  ctx: AgentContext,
  source: string,
  { message, name, stack }: Described,
  extra: Record<string, unknown> = {},
): void {
  ctx.fault({ type: 'error', message, stack, data: { name, source, ...extra } });
}

/** The message, name and stack of a thrown or logged value, whatever it is. */
export function describeValue(value: unknown): Described {
  if (value && typeof value === 'object' && 'message' in value) {
    const error = value as { message?: unknown; name?: unknown; stack?: unknown };
    const name = typeof error.name === 'string' ? error.name : undefined;
    const message = typeof error.message === 'string' ? error.message : textOf(error.message);
    return {
      message: name ? `${name}: ${message}` : message,
      name,
      stack: typeof error.stack === 'string' ? error.stack : undefined,
    };
  }
  return { message: textOf(value), name: undefined, stack: undefined };
}

/** A short text for any value; never throws (getters and toString may). */
export function textOf(value: unknown): string {
  try {
    const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
    return text.slice(0, MAX_TEXT);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
