const MAX_TEXT = 2_048;

/** The message, name and stack of a thrown or logged value, whatever it is. */
export function describeValue(value: unknown): {
  message: string;
  name: string | undefined;
  stack: string | undefined;
} {
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
    if (typeof value === 'string') return value.slice(0, MAX_TEXT);
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol')
      return String(value);
    return (JSON.stringify(value) ?? String(value)).slice(0, MAX_TEXT);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
