import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from './config.js';

describe('mergeConfig', () => {
  it('takes fields of the right type and clamps numbers to their range', () => {
    const config = mergeConfig(
      { ...DEFAULT_CONFIG },
      { autoFixEnabled: false, retryMaxAttempts: 99, batchSize: 0, criticalSelectors: ['#app'] },
    );
    expect(config.autoFixEnabled).toBe(false);
    expect(config.retryMaxAttempts).toBe(5);
    expect(config.batchSize).toBe(1);
    expect(config.criticalSelectors).toEqual(['#app']);
  });

  it('ignores unknown keys, wrong types and non-finite numbers', () => {
    const bad = JSON.parse(
      '{"autoFixEnabled":"yes","criticalSelectors":"nav","__proto__":{"polluted":true},"nonsense":1}',
    );
    bad.retryBaseDelayMs = Number.NaN;
    const config = mergeConfig({ ...DEFAULT_CONFIG }, bad);
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
