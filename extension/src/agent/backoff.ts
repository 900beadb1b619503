const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** True when sending the request again cannot do anything twice: RFC 9110's idempotent methods, or a key. */
export function isIdempotent(method: string, idempotencyKey: boolean): boolean {
  return IDEMPOTENT.has(method.toUpperCase()) || idempotencyKey;
}

/** `Retry-After` (seconds or an HTTP date) in milliseconds from `now`, or undefined. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * The wait before retry number `retry` (1-based): `base·2^(retry-1)` with ±25 % jitter, or the
 * server's `Retry-After` when that is longer.
 */
export function retryDelay(
  retry: number,
  baseMs: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  const exponential = baseMs * 2 ** (retry - 1);
  const jittered = exponential * (0.75 + random() * 0.5);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
