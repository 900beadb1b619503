import { describe, expect, it } from 'vitest';
import { createBudgets } from './budget.js';

describe('budgets', () => {
  it("allows a strategy as often as the catalog's budget per fault per window", () => {
    let now = 0;
    const budgets = createBudgets({}, undefined, () => now);
    for (let i = 0; i < 5; i++) {
      expect(budgets.refusal('reconnect_database', 'f1')).toBeUndefined();
      budgets.recordRun('reconnect_database', 'f1');
    }
    expect(budgets.refusal('reconnect_database', 'f1')).toMatch(/budget spent/);
    expect(budgets.refusal('reconnect_database', 'f2')).toBeUndefined();
    now += 10 * 60_000;
    expect(budgets.refusal('reconnect_database', 'f1')).toBeUndefined();
  });

  it('holds a strategy off for its cooldown after a verified success', () => {
    let now = 0;
    const budgets = createBudgets({}, undefined, () => now);
    budgets.recordRun('reconnect_cache', 'f');
    budgets.recordSuccess('reconnect_cache', 'f');
    now += 29_000;
    expect(budgets.refusal('reconnect_cache', 'f')).toMatch(/cooling down/);
    now += 2_000;
    expect(budgets.refusal('reconnect_cache', 'f')).toBeUndefined();
  });

  it('backs restarts off from 10 s doubling to 5 min, and starts over after a long quiet spell', () => {
    let now = 1_000_000;
    const budgets = createBudgets({ restart_service: { max: 100 } }, undefined, () => now);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      expect(budgets.refusal('restart_service', 'f')).toBeUndefined();
      budgets.recordRun('restart_service', 'f');
      const next = budgets.nextRestartAt();
      waits.push(next - now);
      now = next - 1;
      expect(budgets.refusal('restart_service', 'f')).toMatch(/restart backoff/);
      now = next;
    }
    expect(waits).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    now += 600_001;
    expect(budgets.nextRestartAt()).toBe(0);
  });

  it('keeps restart history across processes', () => {
    let now = 0;
    const first = createBudgets({}, { initialMs: 1_000, maxMs: 8_000 }, () => now);
    first.recordRun('restart_service', 'f');
    first.recordRun('restart_service', 'f');
    const second = createBudgets({}, { initialMs: 1_000, maxMs: 8_000 }, () => now);
    second.loadRestartState(first.restartState());
    expect(second.nextRestartAt()).toBe(2_000);
    now = 500;
    expect(second.refusal('restart_service', 'g')).toMatch(/restart backoff/);
  });
});
