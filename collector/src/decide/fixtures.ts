/**
 * Issues, knowledge and policies for the decision engine's tests and benchmark.
 */
import type { StrategyName } from '@selfheal/shared';
import type { DecisionInput, DecisionPolicy, KnowledgeRecord } from './types.js';

/** The default policy: threshold 0.8, up to moderate risk, dispatching. */
export const DEFAULT_POLICY: DecisionPolicy = {
  autoApplyThreshold: 0.8,
  maxRisk: 'moderate',
  dryRun: false,
};

/** A decision input with sensible defaults, overridden by `patch`. */
export function issueInput(patch: Partial<DecisionInput> = {}): DecisionInput {
  return {
    project: 'default',
    fingerprint: 'fp-1',
    kind: 'network_error',
    severity: 'high',
    target: 'page',
    service: null,
    title: 'TypeError: Failed to fetch',
    sample: { message: 'Failed to fetch', url: 'https://shop.example/api/cart' },
    count: 12,
    firstSeen: '2026-01-01T10:00:00.000Z',
    lastSeen: '2026-01-01T10:05:00.000Z',
    trigger: 'persistent',
    similar: [],
    systemState: { agentsOnline: 3, unhealthyServices: 0, errorRatePerMinute: 4 },
    ...patch,
  };
}

/** One knowledge row. */
export function record(
  patternType: KnowledgeRecord['patternType'],
  pattern: string,
  strategy: StrategyName,
  successes: number,
  failures = 0,
  developerFix: string | null = null,
): KnowledgeRecord {
  return { patternType, pattern, strategy, successes, failures, developerFix };
}

/** A seeded uniform random source (mulberry32), so sampling is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A valid model answer (retry_request for a page), as JSON text, overridden by `patch`. */
export function answer(patch: Record<string, unknown> = {}): string {
  return JSON.stringify({
    strategy: 'retry_request',
    target: 'page',
    params: {
      baseDelayMs: 500,
      cacheName: null,
      graceMs: null,
      maxAttempts: 3,
      name: null,
      replicas: null,
      src: null,
    },
    confidence: 0.9,
    reasoning: 'The request failed on the network.',
    estimatedImpact: 'A short delay.',
    rollbackPlan: 'Nothing to undo.',
    developerFix: null,
    ...patch,
  });
}
