import type { StrategyName } from '@selfheal/shared';
import { describe, expect, it } from 'vitest';
import { decide } from './engine.js';
import { answer, DEFAULT_POLICY, issueInput, record, seededRandom } from './fixtures.js';
import { createModelGuard } from './guard.js';
import type { ModelAnswer, ModelPort, ModelRequest } from './types.js';

const none = new Set<StrategyName>();

/** A model port answering `content`, counting its calls. */
function scripted(content: string | (() => Promise<string>), model = 'gpt-4o') {
  const calls: ModelRequest[] = [];
  const port: ModelPort = {
    model,
    async suggest(request): Promise<ModelAnswer> {
      calls.push(request);
      const text = typeof content === 'string' ? content : await content();
      return { content: text, model, promptTokens: 1_000, completionTokens: 100, cached: false };
    },
  };
  return { port, calls };
}

describe('decide()', () => {
  it('asks no model when knowledge decides, and says what it sampled among', async () => {
    const { port, calls } = scripted(answer());
    const draft = await decide(issueInput(), {
      knowledge: [
        record('fingerprint', 'fp-1', 'retry_request', 20),
        record('fingerprint', 'fp-1', 'reinject_resource', 20),
      ],
      blocked: none,
      policy: DEFAULT_POLICY,
      model: port,
      random: seededRandom(5),
    });
    expect(draft.source).toBe('knowledge');
    expect(draft.autoApply).toBe(true);
    expect(draft.reasoning).toMatch(/succeeded 20 and failed 0 times/);
    expect(draft.notes.join('\n')).toMatch(/sampled among/);
    expect(calls).toHaveLength(0);
  });

  it('lets knowledge decide but not auto-apply a strategy proven only a little', async () => {
    const draft = await decide(issueInput({ kind: 'api_down', target: 'service' }), {
      knowledge: [record('fingerprint', 'fp-1', 'restart_service', 4)],
      blocked: none,
      policy: { ...DEFAULT_POLICY, maxRisk: 'disruptive' },
    });
    expect(draft).toMatchObject({
      source: 'knowledge',
      strategy: 'restart_service',
      autoApply: false,
    });
    expect(draft.confidence).toBeLessThan(0.8);
  });

  it("prefers the developer fix the model gives, else the one learned for this fingerprint, never the kind's", async () => {
    const advice = 'Load sse-client.js with type="module".';
    const input = issueInput({ kind: 'reference_error' });
    const forKind = await decide(input, {
      knowledge: [record('kind', 'reference_error', 'reload_page', 0, 0, advice)],
      blocked: none,
      policy: DEFAULT_POLICY,
    });
    expect(forKind.developerFix).not.toBe(advice);
    const rules = await decide(input, {
      knowledge: [record('fingerprint', input.fingerprint, 'reload_page', 0, 0, advice)],
      blocked: none,
      policy: DEFAULT_POLICY,
    });
    expect(rules.developerFix).toBe(advice);
    const { port } = scripted(answer({ developerFix: 'Guard the null.' }));
    const llm = await decide(issueInput(), {
      knowledge: [],
      blocked: none,
      policy: DEFAULT_POLICY,
      model: port,
    });
    expect(llm.developerFix).toBe('Guard the null.');
  });

  it('discards a model answer naming a blocked strategy', async () => {
    const { port } = scripted(answer());
    const draft = await decide(issueInput(), {
      knowledge: [],
      blocked: new Set(['retry_request']),
      policy: DEFAULT_POLICY,
      model: port,
    });
    expect(draft).toMatchObject({ source: 'rules', strategy: 'notify_admin', autoApply: false });
    expect(draft.notes.join('\n')).toMatch(/retry_request is blocked/);
  });

  it('never dispatches in a dry run, and says so', async () => {
    const { port } = scripted(answer({ confidence: 0.95 }));
    const draft = await decide(issueInput(), {
      knowledge: [],
      blocked: none,
      policy: { ...DEFAULT_POLICY, dryRun: true },
      model: port,
    });
    expect(draft).toMatchObject({ source: 'llm', confidence: 0.9, autoApply: false });
    expect(draft.notes).toContain(
      'not auto-applied: dry run: decided and recorded, never dispatched',
    );
  });

  it('survives a port that throws synchronously or returns garbage', async () => {
    const throwing: ModelPort = {
      model: 'x',
      suggest() {
        throw new TypeError('boom');
      },
    };
    const thrown = await decide(issueInput(), {
      knowledge: [],
      blocked: none,
      policy: DEFAULT_POLICY,
      model: throwing,
    });
    expect(thrown).toMatchObject({ source: 'rules', strategy: 'retry_request' });
    expect(thrown.notes.join('\n')).toMatch(/TypeError: boom/);
    const { port } = scripted('null');
    const garbage = await decide(issueInput(), {
      knowledge: [],
      blocked: none,
      policy: DEFAULT_POLICY,
      model: port,
    });
    expect(garbage.source).toBe('rules');
  });

  it('survives stale knowledge rows and a port returning nonsense', async () => {
    const stale = { ...record('fingerprint', 'fp-1', 'retry_request', 50), strategy: 'teleport' };
    const broken: ModelPort = {
      model: 'x',
      suggest: async () =>
        ({ content: 42, model: null, promptTokens: -3, completionTokens: Number.NaN }) as never,
    };
    const draft = await decide(issueInput(), {
      knowledge: [stale as never],
      blocked: none,
      policy: DEFAULT_POLICY,
      model: broken,
    });
    expect(draft).toMatchObject({ source: 'rules', strategy: 'retry_request' });
    expect(draft.llm).toMatchObject({ model: 'unknown', promptTokens: 0, completionTokens: 0 });
    expect(draft.notes.join('\n')).toMatch(/returned no text/);
  });

  it('holds its own deadline over a port that ignores the abort signal', async () => {
    const { port } = scripted(() => new Promise<string>(() => {}));
    const draft = await decide(issueInput(), {
      knowledge: [],
      blocked: none,
      policy: DEFAULT_POLICY,
      model: port,
      modelTimeoutMs: 50,
    });
    expect(draft.source).toBe('rules');
    expect(draft.notes.join('\n')).toMatch(/no answer within 50 ms/);
  });

  it('falls back to the rules when the budget is spent, and says so', async () => {
    const { port, calls } = scripted(answer());
    const guard = createModelGuard(port, { maxCallsPerHour: 1, cacheTtlMs: 0 });
    const deps = { knowledge: [], blocked: none, policy: DEFAULT_POLICY, model: guard };
    expect((await decide(issueInput({ fingerprint: 'a' }), deps)).source).toBe('llm');
    const second = await decide(issueInput({ fingerprint: 'b' }), deps);
    expect(second.source).toBe('rules');
    expect(second.notes.join('\n')).toMatch(
      /ModelBudgetError: LLM budget of 1 calls an hour is spent/,
    );
    expect(calls).toHaveLength(1);
  });

  it('reports tokens of a model missing from the price table with an unknown cost', async () => {
    const { port } = scripted(answer(), 'llama-3-70b');
    const draft = await decide(issueInput(), {
      knowledge: [],
      blocked: none,
      policy: DEFAULT_POLICY,
      model: port,
    });
    expect(draft.llm).toEqual({
      model: 'llama-3-70b',
      promptTokens: 1_000,
      completionTokens: 100,
      costUsd: 0,
      costKnown: false,
      cached: false,
    });
  });
});
