import type { AgentConfig } from './types.js';

/** The configuration an agent starts with before its options are applied. */
export const DEFAULT_CONFIG: Readonly<AgentConfig> = {
  collectorUrl: '',
  projectKey: '',
  service: undefined,
  autoFixEnabled: true,
  reportingEnabled: true,
  criticalSelectors: [],
  criticalSelectorDelayMs: 2_000,
  captureConsole: true,
  retryMaxAttempts: 3,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 30_000,
  batchSize: 20,
  flushIntervalMs: 5_000,
  maxBufferedEvents: 500,
  rateLimitPerFingerprint: 10,
  rateLimitWindowMs: 60_000,
  longTaskThresholdMs: 200,
  memoryGrowthBytes: 100 * 1024 * 1024,
  memoryIntervalMs: 30_000,
  verifyWindowMs: 10_000,
  historySize: 50,
};

const NUMBER_LIMITS: Partial<Record<keyof AgentConfig, readonly [number, number]>> = {
  criticalSelectorDelayMs: [0, 600_000],
  retryMaxAttempts: [0, 5],
  retryBaseDelayMs: [1, 30_000],
  retryMaxDelayMs: [0, 300_000],
  batchSize: [1, 500],
  flushIntervalMs: [50, 600_000],
  maxBufferedEvents: [1, 10_000],
  rateLimitPerFingerprint: [1, 10_000],
  rateLimitWindowMs: [1_000, 3_600_000],
  longTaskThresholdMs: [50, 60_000],
  memoryGrowthBytes: [1_048_576, 2 ** 40],
  memoryIntervalMs: [1_000, 3_600_000],
  verifyWindowMs: [100, 600_000],
  historySize: [1, 1_000],
};

/**
 * `base` with the fields of `partial` that have the right type; numbers are clamped to their range
 * and anything else is ignored, so a bad setting never breaks the agent.
 */
export function mergeConfig(base: AgentConfig, partial: Partial<AgentConfig>): AgentConfig {
  const next: AgentConfig = { ...base };
  const target = next as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (!Object.hasOwn(DEFAULT_CONFIG, key) || value === undefined) continue;
    const current = (DEFAULT_CONFIG as unknown as Record<string, unknown>)[key];
    const limits = NUMBER_LIMITS[key as keyof AgentConfig];
    if (limits && typeof value === 'number' && Number.isFinite(value)) {
      target[key] = Math.min(limits[1], Math.max(limits[0], value));
    } else if (key === 'criticalSelectors' && Array.isArray(value)) {
      target[key] = value.filter((s): s is string => typeof s === 'string' && s.length > 0);
    } else if (key === 'service' && (typeof value === 'string' || value === undefined)) {
      target[key] = value;
    } else if (typeof value === typeof current && typeof value !== 'number') {
      target[key] = value;
    }
  }
  return next;
}
