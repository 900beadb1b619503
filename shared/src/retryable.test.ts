import { describe, expect, it } from 'vitest';
import { isRetryableStatus } from './index.js';

describe('retryable statuses', () => {
  it('retries 5xx, 429 and 408 but no other 4xx', () => {
    expect([500, 502, 503, 504, 429, 408].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});
