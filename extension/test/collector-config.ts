import type { CollectorConfig } from '../../collector/src/config.js';

/** The decision loop's settings as the tests set them (ignored by a collector without one). */
export interface TestDecisionConfig {
  autoApplyThreshold: number;
  autoApplyMaxRisk: 'safe' | 'moderate' | 'disruptive';
  dryRun: boolean;
  verifyWindowMs: number;
  llmMaxCallsPerHour: number;
  persistentThreshold: number;
  persistentWindowMs: number;
  decisionTtlMs: number;
}

/**
 * Collector overrides with the decision loop's defaults changed by `changes`: a short verification
 * window, so a fix counts as verified within a test, and no model calls.
 */
export function withDecisions(changes: Partial<TestDecisionConfig> = {}): Partial<CollectorConfig> {
  const decisions: TestDecisionConfig = {
    autoApplyThreshold: 0.8,
    autoApplyMaxRisk: 'moderate',
    dryRun: false,
    verifyWindowMs: 2_000,
    llmMaxCallsPerHour: 0,
    persistentThreshold: 5,
    persistentWindowMs: 300_000,
    decisionTtlMs: 1_800_000,
    ...changes,
  };
  return { decisions } as unknown as Partial<CollectorConfig>;
}
