import { STRATEGIES } from '@selfheal/shared';
import { describe, expect, it } from 'vitest';
import { createBudgets } from './budget.js';

describe('budgets', () => {
  it('allows a strategy its catalog budget per fingerprint per window', () => {
    let now = 0;
    const budgets = createBudgets(() => now);
    const { max, windowMs } = STRATEGIES.retry_request.budget;
    for (let i = 0; i < max; i++) expect(budgets.take('retry_request', 'a')).toBe(true);
    expect(budgets.take('retry_request', 'a')).toBe(false);
    expect(budgets.take('retry_request', 'b')).toBe(true);
    now += windowMs;
    expect(budgets.take('retry_request', 'a')).toBe(true);
  });

  it('allows one reload per fingerprint in five minutes', () => {
    let now = 0;
    const budgets = createBudgets(() => now);
    expect(budgets.take('reload_page', 'x')).toBe(true);
    now += 4 * 60_000;
    expect(budgets.take('reload_page', 'x')).toBe(false);
    now += 60_000;
    expect(budgets.take('reload_page', 'x')).toBe(true);
  });
});
