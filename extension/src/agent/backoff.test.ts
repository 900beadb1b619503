import { describe, expect, it } from 'vitest';
import { isIdempotent, parseRetryAfter, retryDelay } from './backoff.js';

describe('retry rules', () => {
  it('retries only idempotent methods or requests with an idempotency key', () => {
    for (const method of ['GET', 'head', 'OPTIONS', 'PUT', 'DELETE']) {
      expect(isIdempotent(method, false)).toBe(true);
    }
    expect(isIdempotent('POST', false)).toBe(false);
    expect(isIdempotent('PATCH', false)).toBe(false);
    expect(isIdempotent('POST', true)).toBe(true);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially with ±25 % jitter, never shorter than Retry-After', () => {
    expect(retryDelay(1, 1_000, undefined, () => 0)).toBe(750);
    expect(retryDelay(1, 1_000, undefined, () => 1)).toBe(1_250);
    expect(retryDelay(2, 1_000, undefined, () => 0.5)).toBe(2_000);
    expect(retryDelay(3, 1_000, undefined, () => 0.5)).toBe(4_000);
    expect(retryDelay(1, 1_000, 5_000, () => 0.5)).toBe(5_000);
  });
});
