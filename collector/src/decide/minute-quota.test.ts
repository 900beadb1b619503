import { describe, expect, it } from 'vitest';
import { createMinuteQuota } from './minute-quota.js';

describe('a per-minute quota', () => {
  it('allows the cap per key in a rolling minute, then again once the minute has passed', () => {
    const quota = createMinuteQuota(2);
    expect([quota.take('a', 0), quota.take('a', 10), quota.take('a', 20)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(quota.take('b', 20)).toBe(true);
    expect(quota.take('a', 60_001)).toBe(true);
    expect(quota.take('a', 60_011)).toBe(true);
    expect(quota.take('a', 60_012)).toBe(false);
  });

  it('allows everything at 0', () => {
    const quota = createMinuteQuota(0);
    expect(Array.from({ length: 100 }, () => quota.take('a', 0)).every(Boolean)).toBe(true);
  });
});
