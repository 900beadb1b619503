import type { AgentConfig } from './types.js';

/** Each numeric setting as `[default, min, max]`: what it starts at and the range it is clamped to. */
const NUMBERS = {
  criticalSelectorDelayMs: [2_000, 0, 600_000],
  retryMaxAttempts: [3, 0, 5],
  retryBaseDelayMs: [1_000, 1, 30_000],
  retryMaxDelayMs: [30_000, 0, 300_000],
  batchSize: [20, 1, 500],
  flushIntervalMs: [5_000, 50, 600_000],
  maxBufferedEvents: [500, 1, 10_000],
  rateLimitPerFingerprint: [10, 1, 10_000],
  rateLimitWindowMs: [60_000, 1_000, 3_600_000],
  longTaskThresholdMs: [200, 50, 60_000],
  memoryGrowthBytes: [100 * 1024 * 1024, 1_048_576, 2 ** 40],
  memoryIntervalMs: [30_000, 1_000, 3_600_000],
  verifyWindowMs: [10_000, 100, 600_000],
  historySize: [50, 1, 1_000],
} satisfies { [K in keyof AgentConfig as AgentConfig[K] extends number ? K : never]: number[] };
const LIMITS: Record<string, number[] | undefined> = NUMBERS;

/** The configuration an agent starts with before its options are applied. */
export const DEFAULT_CONFIG: Readonly<AgentConfig> = {
  collectorUrl: '',
  projectKey: '',
  service: undefined,
  autoFixEnabled: true,
  reportingEnabled: true,
  criticalSelectors: [],
  captureConsole: true,
  ...(Object.fromEntries(Object.entries(NUMBERS).map(([key, [value]]) => [key, value])) as {
    [K in keyof typeof NUMBERS]: number;
  }),
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
    const limits = LIMITS[key];
    if (limits) {
      if (typeof value === 'number' && Number.isFinite(value)) {
        target[key] = Math.min(limits[2] as number, Math.max(limits[1] as number, value));
      }
    } else if (key === 'criticalSelectors') {
      if (Array.isArray(value)) {
        target[key] = value.filter((s): s is string => typeof s === 'string' && s.length > 0);
      }
    } else if (
      // `service` starts undefined; the others take the type of their default.
      typeof value ===
      (key === 'service' ? 'string' : typeof (DEFAULT_CONFIG as Record<string, unknown>)[key])
    ) {
      target[key] = value;
    }
  }
  return next;
}
