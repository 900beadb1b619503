import { describe, expect, it } from 'vitest';
import { answer } from './fixtures.js';
import { createModelGuard, ModelBudgetError } from './guard.js';
import type { ModelAnswer, ModelPort, ModelRequest } from './types.js';

/** A model that counts calls and answers when told to. */
function countingModel() {
  const calls: ModelRequest[] = [];
  let fail = false;
  const pending: Array<() => void> = [];
  let hold = false;
  const model: ModelPort = {
    model: 'gpt-4o',
    async suggest(request) {
      calls.push(request);
      if (hold) await new Promise<void>((resolve) => pending.push(resolve));
      if (fail) throw new Error('upstream failed');
      return {
        content: answer(),
        model: 'gpt-4o',
        promptTokens: 100,
        completionTokens: 10,
        cached: false,
      } satisfies ModelAnswer;
    },
  };
  return {
    model,
    calls,
    failing(value: boolean) {
      fail = value;
    },
    holding(value: boolean) {
      hold = value;
    },
    release() {
      for (const resolve of pending.splice(0)) resolve();
    },
  };
}

const request = (fingerprint: string, project = 'default'): ModelRequest => ({
  project,
  fingerprint,
  system: 's',
  user: 'u',
});

describe('the model guard', () => {
  it('keeps each project to its calls a minute, leaving other projects their own', async () => {
    let now = 1_000;
    const inner = countingModel();
    const guard = createModelGuard(inner.model, {
      maxCallsPerHour: 1_000,
      maxCallsPerMinutePerProject: 3,
      cacheTtlMs: 0,
      clock: () => now,
    });
    for (const fp of ['a', 'b', 'c']) await guard.suggest(request(fp, 'noisy'));
    await expect(guard.suggest(request('d', 'noisy'))).rejects.toBeInstanceOf(ModelBudgetError);
    await guard.suggest(request('a', 'quiet'));
    expect(inner.calls).toHaveLength(4);
    now += 60_001;
    await guard.suggest(request('d', 'noisy'));
    expect(inner.calls).toHaveLength(5);
    expect(guard.stats().refused).toBe(1);
  });

  it('answers one issue from its cache until the TTL passes', async () => {
    let now = 1_000;
    const inner = countingModel();
    const guard = createModelGuard(inner.model, {
      maxCallsPerHour: 100,
      cacheTtlMs: 60_000,
      clock: () => now,
    });
    expect((await guard.suggest(request('a'))).cached).toBe(false);
    now += 59_999;
    expect((await guard.suggest(request('a'))).cached).toBe(true);
    expect(inner.calls).toHaveLength(1);
    now += 1;
    expect((await guard.suggest(request('a'))).cached).toBe(false);
    expect(inner.calls).toHaveLength(2);
    // Another fingerprint, or the same one in another project, is another issue.
    await guard.suggest(request('b'));
    await guard.suggest(request('a', 'other'));
    expect(inner.calls).toHaveLength(4);
    expect(guard.stats()).toMatchObject({ calls: 4, cacheHits: 1 });
  });

  it('joins concurrent calls for one issue into one', async () => {
    const inner = countingModel();
    inner.holding(true);
    const guard = createModelGuard(inner.model, { maxCallsPerHour: 5, cacheTtlMs: 60_000 });
    const answers = Promise.all(Array.from({ length: 1_000 }, () => guard.suggest(request('a'))));
    await new Promise((resolve) => setImmediate(resolve));
    inner.release();
    const all = await answers;
    expect(inner.calls).toHaveLength(1);
    expect(all.filter((item) => !item.cached)).toHaveLength(1);
    expect(guard.stats()).toMatchObject({ calls: 1, joined: 999 });
  });

  it('refuses calls past the hourly budget, and allows them again an hour later', async () => {
    let now = 0;
    const inner = countingModel();
    const guard = createModelGuard(inner.model, {
      maxCallsPerHour: 2,
      cacheTtlMs: 0,
      clock: () => now,
    });
    await guard.suggest(request('a'));
    now += 10 * 60_000;
    await guard.suggest(request('b'));
    expect(guard.remaining()).toBe(0);
    await expect(guard.suggest(request('c'))).rejects.toBeInstanceOf(ModelBudgetError);
    expect(inner.calls).toHaveLength(2);
    now = 3_600_000;
    expect(guard.remaining()).toBe(1);
    await guard.suggest(request('c'));
    expect(inner.calls).toHaveLength(3);
    expect(guard.stats().refused).toBe(1);
  });

  it('does not cache failures, and joined callers see the same failure', async () => {
    const inner = countingModel();
    inner.failing(true);
    const guard = createModelGuard(inner.model, { maxCallsPerHour: 10, cacheTtlMs: 60_000 });
    const results = await Promise.allSettled([
      guard.suggest(request('a')),
      guard.suggest(request('a')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(inner.calls).toHaveLength(1);
    inner.failing(false);
    expect((await guard.suggest(request('a'))).cached).toBe(false);
    expect(inner.calls).toHaveLength(2);
    expect(guard.stats().failures).toBe(1);
  });
});
