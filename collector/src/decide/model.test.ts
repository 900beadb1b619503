import { STRATEGY_NAMES } from '@selfheal/shared';
import { describe, expect, it } from 'vitest';
import { estimateCost, priceOf } from './cost.js';
import { answer } from './fixtures.js';
import { answerJsonSchema, validateAnswer } from './model.js';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  enum?: string[];
  anyOf?: Schema[];
};

function* objects(schema: Schema): Generator<Schema> {
  if (schema.type === 'object') yield schema;
  for (const child of Object.values(schema.properties ?? {})) yield* objects(child);
  for (const child of schema.anyOf ?? []) yield* objects(child);
}

describe('the answer schema', () => {
  it('is strict-structured-output compatible: every key required, no extra keys, no $schema', () => {
    const schema = answerJsonSchema as Schema;
    expect(answerJsonSchema).not.toHaveProperty('$schema');
    let count = 0;
    for (const object of objects(schema)) {
      count++;
      expect(object.additionalProperties).toBe(false);
      expect([...(object.required ?? [])].sort()).toEqual(
        Object.keys(object.properties ?? {}).sort(),
      );
    }
    expect(count).toBe(2);
    expect(schema.properties?.strategy?.enum).toEqual([...STRATEGY_NAMES]);
  });
});

describe('answer validation', () => {
  it('accepts a valid answer and keeps only the strategy own params', () => {
    const checked = validateAnswer(answer(), 'page');
    expect(checked).toMatchObject({
      ok: true,
      answer: {
        strategy: 'retry_request',
        target: 'page',
        params: { maxAttempts: 3, baseDelayMs: 500 },
      },
    });
    const extra = validateAnswer(
      answer({ params: { ...JSON.parse(answer()).params, graceMs: 10 } }),
      'page',
    );
    expect(extra).toMatchObject({ ok: true, answer: { dropped: ['graceMs'] } });
  });

  it.each([
    ['not JSON', '{"strategy": "retry_request",', /not JSON/],
    ['not an object', '[1,2]', /not a JSON object/],
    [
      'an unknown strategy',
      answer({ strategy: 'delete_database' }),
      /unknown strategy "delete_database"/,
    ],
    ['a missing field', answer({ reasoning: undefined }), /malformed answer: reasoning/],
    ['an extra field', answer({ autoApply: true }), /malformed answer/],
    ['a wrong type', answer({ confidence: 'very' }), /malformed answer: confidence/],
    ['confidence above 1', answer({ confidence: 1.5 }), /outside 0..1/],
    [
      'a service fix for a page',
      answer({ strategy: 'restart_service', target: 'service' }),
      /restart_service does not fit a page issue/,
    ],
    ['a page fix aimed at a service', answer({ target: 'service' }), /names target service/],
    [
      'params out of range',
      answer({ params: { ...JSON.parse(answer()).params, maxAttempts: 50 } }),
      /invalid params: maxAttempts must be at most 5/,
    ],
  ])('refuses %s', (_name, content, reason) => {
    const checked = validateAnswer(content, 'page');
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.reason).toMatch(reason);
  });

  it('accepts notify_admin for the collector on any issue', () => {
    const checked = validateAnswer(
      answer({
        strategy: 'notify_admin',
        target: 'collector',
        params: { ...JSON.parse(answer()).params, maxAttempts: null, baseDelayMs: null },
      }),
      'service',
    );
    expect(checked).toMatchObject({ ok: true, answer: { target: 'collector', params: {} } });
  });
});

describe('cost', () => {
  it('prices every GPT-4-class model in the table, dated snapshots as their family', () => {
    expect(estimateCost('gpt-4o', 1_000_000, 1_000_000).usd).toBeCloseTo(12.5, 9);
    expect(estimateCost('gpt-4o-2024-08-06', 1000, 100).usd).toBeCloseTo(0.0035, 9);
    expect(priceOf('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf('gpt-4.1')).toEqual({ input: 2, output: 8 });
    expect(priceOf('gpt-4.1-mini')).toEqual({ input: 0.4, output: 1.6 });
    expect(priceOf('gpt-4-turbo-2024-04-09')).toEqual({ input: 10, output: 30 });
    expect(priceOf('gpt-4-0613')).toEqual({ input: 30, output: 60 });
  });

  it('says "unknown" instead of guessing for a model not in the table', () => {
    expect(estimateCost('llama-3-70b', 1000, 1000).usd).toBeNull();
    expect(priceOf('gpt-4.5-preview')).toBeNull();
    expect(estimateCost('gpt-4o', -5, Number.NaN).usd).toBe(0);
  });
});
