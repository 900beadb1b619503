import type { StrategyName } from '@selfheal/shared';
import { describe, expect, it } from 'vitest';
import { betaCdf, betaMean, betaQuantile, sampleBeta } from './beta.js';
import { chooseFromKnowledge, evidenceFor, KNOWLEDGE_DECIDES_AT } from './evidence.js';
import { record, seededRandom } from './fixtures.js';

const issue = { fingerprint: 'fp-1', kind: 'network_error', target: 'page' as const };
const none = new Set<StrategyName>();

describe('the Beta distribution', () => {
  it('matches closed forms: Beta(a,1) has CDF x^a, Beta(1,b) has CDF 1-(1-x)^b', () => {
    for (const a of [1, 2, 5, 13.5]) {
      for (const x of [0.05, 0.3, 0.77, 0.95]) {
        expect(betaCdf(x, { alpha: a, beta: 1 })).toBeCloseTo(x ** a, 9);
        expect(betaCdf(x, { alpha: 1, beta: a })).toBeCloseTo(1 - (1 - x) ** a, 9);
      }
      expect(betaQuantile(0.1, { alpha: a, beta: 1 })).toBeCloseTo(0.1 ** (1 / a), 8);
    }
  });

  it('is symmetric and matches a known quantile of Beta(2,3)', () => {
    expect(betaCdf(0.5, { alpha: 4, beta: 4 })).toBeCloseTo(0.5, 9);
    // I_0.3(2,3) = 0.3483 (textbook value).
    expect(betaCdf(0.3, { alpha: 2, beta: 3 })).toBeCloseTo(0.3483, 4);
    const q = betaQuantile(0.1, { alpha: 2, beta: 3 });
    expect(betaCdf(q, { alpha: 2, beta: 3 })).toBeCloseTo(0.1, 9);
  });

  it('samples with the right mean and spread from an injected random source', () => {
    const random = seededRandom(7);
    for (const params of [
      { alpha: 2, beta: 5 },
      { alpha: 0.5, beta: 0.5 },
      { alpha: 30, beta: 3 },
    ]) {
      let sum = 0;
      let below = 0;
      const median = betaQuantile(0.5, params);
      for (let i = 0; i < 20_000; i++) {
        const draw = sampleBeta(params, random);
        expect(draw).toBeGreaterThanOrEqual(0);
        expect(draw).toBeLessThanOrEqual(1);
        sum += draw;
        if (draw < median) below++;
      }
      expect(sum / 20_000).toBeCloseTo(betaMean(params), 2);
      expect(below / 20_000).toBeCloseTo(0.5, 1);
    }
  });

  it('survives a broken random source', () => {
    expect(sampleBeta({ alpha: 3, beta: 2 }, () => 0)).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(sampleBeta({ alpha: 3, beta: 2 }, () => 1))).toBe(true);
  });
});

describe('knowledge as evidence', () => {
  it('starts from the flat prior and grows with verified successes', () => {
    const flat = evidenceFor([], issue, 'retry_request');
    expect(flat.posterior).toEqual({ alpha: 1, beta: 1 });
    expect(flat.lower).toBeCloseTo(0.1, 6);
    const proven = evidenceFor(
      [record('fingerprint', 'fp-1', 'retry_request', 12)],
      issue,
      'retry_request',
    );
    expect(proven.lower).toBeCloseTo(0.1 ** (1 / 13), 6);
    expect(proven.mean).toBeCloseTo(13 / 14, 6);
  });

  it('lets fingerprint evidence outweigh any amount of kind evidence', () => {
    const records = [
      record('kind', 'network_error', 'retry_request', 5_000, 0),
      record('fingerprint', 'fp-1', 'retry_request', 0, 10),
      record('fingerprint', 'fp-1', 'reload_page', 6, 0),
    ];
    const retry = evidenceFor(records, issue, 'retry_request');
    // 5,000 kind successes count as at most 8 observations; 10 fingerprint failures beat them.
    expect(retry.posterior.alpha).toBeCloseTo(9, 6);
    expect(retry.mean).toBeLessThan(0.5);
    const choice = chooseFromKnowledge(records, issue, none, seededRandom(1));
    expect(choice?.chosen.strategy).toBe('reload_page');
  });

  it('ignores rows for other fingerprints and kinds, and bad counts', () => {
    const records = [
      record('fingerprint', 'fp-other', 'retry_request', 50),
      record('kind', 'db_down', 'retry_request', 50),
      record('fingerprint', 'fp-1', 'retry_request', Number.NaN, -4),
    ];
    expect(evidenceFor(records, issue, 'retry_request').posterior).toEqual({ alpha: 1, beta: 1 });
    expect(chooseFromKnowledge(records, issue, none, Math.random)).toBeNull();
  });

  it('decides only once the lower bound reaches the bar', () => {
    const few = [record('fingerprint', 'fp-1', 'retry_request', 2)];
    expect(evidenceFor(few, issue, 'retry_request').lower).toBeLessThan(KNOWLEDGE_DECIDES_AT);
    expect(chooseFromKnowledge(few, issue, none, Math.random)).toBeNull();
    const enough = [record('fingerprint', 'fp-1', 'retry_request', 3)];
    expect(chooseFromKnowledge(enough, issue, none, Math.random)?.chosen.strategy).toBe(
      'retry_request',
    );
  });

  it('never offers a blocked strategy or one that does not fit the target', () => {
    const records = [
      record('fingerprint', 'fp-1', 'restart_service', 40),
      record('fingerprint', 'fp-1', 'retry_request', 40),
    ];
    const blocked = new Set<StrategyName>(['retry_request']);
    expect(chooseFromKnowledge(records, issue, blocked, Math.random)).toBeNull();
  });

  it('never picks a custom fix, a notification or a mere record from knowledge', () => {
    const records = [
      record('fingerprint', 'fp-1', 'custom', 40),
      record('fingerprint', 'fp-1', 'notify_admin', 40),
      record('fingerprint', 'fp-1', 'report_only', 40),
    ];
    expect(chooseFromKnowledge(records, issue, none, Math.random)).toBeNull();
  });

  it('explores among plausible strategies by Thompson sampling, mostly exploiting the best', () => {
    const records = [
      record('fingerprint', 'fp-1', 'retry_request', 30, 2),
      record('fingerprint', 'fp-1', 'reinject_resource', 4, 0),
      record('fingerprint', 'fp-1', 'clear_cache', 2, 30),
    ];
    const random = seededRandom(42);
    const picks = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      const choice = chooseFromKnowledge(records, issue, none, random);
      const name = choice?.chosen.strategy ?? 'none';
      picks.set(name, (picks.get(name) ?? 0) + 1);
      expect(choice?.plausible.map((item) => item.strategy).sort()).toEqual([
        'reinject_resource',
        'retry_request',
      ]);
    }
    expect(picks.get('clear_cache')).toBeUndefined();
    expect(picks.get('retry_request') ?? 0).toBeGreaterThan(1_000);
    expect(picks.get('reinject_resource') ?? 0).toBeGreaterThan(20);
  });

  it('is reproducible with the same random source', () => {
    const records = [
      record('fingerprint', 'fp-1', 'retry_request', 5),
      record('fingerprint', 'fp-1', 'reinject_resource', 5),
    ];
    const run = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from(
        { length: 50 },
        () => chooseFromKnowledge(records, issue, none, random)?.chosen.strategy,
      );
    };
    expect(run(3)).toEqual(run(3));
    expect(new Set(run(3)).size).toBe(2);
  });
});
