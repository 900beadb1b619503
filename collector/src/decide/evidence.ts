/**
 * Learned knowledge as evidence: a Beta posterior per strategy from verified outcomes for this
 * fingerprint and (discounted) for this kind, the credible lower bound that gates, and Thompson
 * sampling among the strategies still plausible.
 */
import { type FixTarget, isStrategyName, type StrategyName } from '@selfheal/shared';
import { type BetaParams, betaMean, betaQuantile, sampleBeta } from './beta.js';
import { targetFor } from './fit.js';
import type { KnowledgeRecord } from './types.js';

/** The quantile used as a credible lower bound (a one-sided 90 % bound). */
export const LOWER_QUANTILE = 0.1;
/** The quantile used as a credible upper bound. */
export const UPPER_QUANTILE = 0.9;
/** Knowledge decides on its own once some strategy's lower bound reaches this. */
export const KNOWLEDGE_DECIDES_AT = 0.5;
/** One outcome seen for the kind counts this much against one for the fingerprint... */
export const KIND_WEIGHT = 0.5;
/** ...and all outcomes for the kind together count as at most this many. */
export const KIND_CAP = 8;

/**
 * Strategies knowledge never picks: telling a person or recording is not a fix with an outcome
 * to verify, and a custom fix needs the name the operator gave it, which rows do not keep.
 */
const NOT_LEARNED: ReadonlySet<StrategyName> = new Set(['notify_admin', 'report_only', 'custom']);

/** The evidence for one strategy on one issue. */
export interface Evidence {
  strategy: StrategyName;
  fingerprint: { successes: number; failures: number };
  kind: { successes: number; failures: number };
  /** Beta(1, 1) prior plus fingerprint outcomes plus discounted kind outcomes. */
  posterior: BetaParams;
  mean: number;
  lower: number;
  upper: number;
}

/** What knowledge chose, with the evidence behind the choice. */
export interface KnowledgeChoice {
  chosen: Evidence;
  /** The strategies Thompson sampling chose among (the chosen one included). */
  plausible: Evidence[];
}

/** The evidence for `strategy` on the issue (no outcomes gives the flat prior). */
export function evidenceFor(
  records: readonly KnowledgeRecord[],
  issue: { fingerprint: string; kind: string },
  strategy: StrategyName,
): Evidence {
  const fingerprint = { successes: 0, failures: 0 };
  const kind = { successes: 0, failures: 0 };
  for (const record of records) {
    if (record.strategy !== strategy) continue;
    const bucket = bucketFor(record, issue, fingerprint, kind);
    if (!bucket) continue;
    bucket.successes += clean(record.successes);
    bucket.failures += clean(record.failures);
  }
  const kindTotal = kind.successes + kind.failures;
  const weight = kindTotal === 0 ? 0 : Math.min(KIND_WEIGHT, KIND_CAP / kindTotal);
  const posterior = {
    alpha: 1 + fingerprint.successes + weight * kind.successes,
    beta: 1 + fingerprint.failures + weight * kind.failures,
  };
  return {
    strategy,
    fingerprint,
    kind,
    posterior,
    mean: betaMean(posterior),
    lower: betaQuantile(LOWER_QUANTILE, posterior),
    upper: betaQuantile(UPPER_QUANTILE, posterior),
  };
}

/**
 * The strategy knowledge picks for the issue, or null when no strategy that fits the target and
 * is not blocked has a lower bound of at least KNOWLEDGE_DECIDES_AT. Among the strategies whose
 * upper bound reaches the best lower bound, one is picked by Thompson sampling.
 */
export function chooseFromKnowledge(
  records: readonly KnowledgeRecord[],
  issue: { fingerprint: string; kind: string; target: FixTarget },
  blocked: ReadonlySet<StrategyName>,
  random: () => number,
): KnowledgeChoice | null {
  const strategies = new Set<StrategyName>();
  for (const record of records) {
    if (!bucketFor(record, issue, { successes: 0, failures: 0 }, { successes: 0, failures: 0 }))
      continue;
    // A row naming a strategy the catalog no longer has is skipped, not trusted.
    if (!isStrategyName(record.strategy)) continue;
    if (blocked.has(record.strategy) || targetFor(record.strategy, issue.target) === null) continue;
    if (NOT_LEARNED.has(record.strategy)) continue;
    if (clean(record.successes) > 0) strategies.add(record.strategy);
  }
  const candidates = [...strategies].map((strategy) => evidenceFor(records, issue, strategy));
  let bestLower = 0;
  for (const candidate of candidates) bestLower = Math.max(bestLower, candidate.lower);
  if (bestLower < KNOWLEDGE_DECIDES_AT) return null;
  const plausible = candidates.filter((candidate) => candidate.upper >= bestLower);
  let chosen = plausible[0];
  let bestDraw = -1;
  for (const candidate of plausible) {
    const draw = sampleBeta(candidate.posterior, random);
    if (draw > bestDraw) {
      bestDraw = draw;
      chosen = candidate;
    }
  }
  return chosen ? { chosen, plausible } : null;
}

/**
 * The developer fix learned for this very fingerprint, else null. A model's advice is never
 * carried to other fingerprints of the kind: it came from error text anyone can write.
 */
export function learnedDeveloperFix(
  records: readonly KnowledgeRecord[],
  issue: { fingerprint: string },
): string | null {
  for (const record of records) {
    if (
      record.developerFix &&
      record.patternType === 'fingerprint' &&
      record.pattern === issue.fingerprint
    )
      return record.developerFix;
  }
  return null;
}

function bucketFor<T>(
  record: KnowledgeRecord,
  issue: { fingerprint: string; kind: string },
  fingerprint: T,
  kind: T,
): T | null {
  if (record.patternType === 'fingerprint' && record.pattern === issue.fingerprint)
    return fingerprint;
  if (record.patternType === 'kind' && record.pattern === issue.kind) return kind;
  return null;
}

// Counts come from a database; a negative or non-finite one must not bend the posterior.
function clean(count: number): number {
  return Number.isFinite(count) && count > 0 ? count : 0;
}
