import { describe, expect, it } from 'vitest';
import {
  checkParams,
  isStrategyName,
  PAGE_STRATEGY_RULES,
  PROMISE_SCOPE,
  RISK_LEVELS,
  riskRank,
  STRATEGIES,
  STRATEGY_DESCRIPTIONS,
  STRATEGY_NAMES,
  STRATEGY_PROMISES,
  STRATEGY_RULES,
  STRATEGY_UNDO,
  strategyFits,
} from './index.js';

describe('the strategy catalog', () => {
  it('describes every strategy under its own name, with a budget and a target', () => {
    for (const name of STRATEGY_NAMES) {
      const strategy = STRATEGIES[name];
      expect(strategy.name).toBe(name);
      expect(strategy.targets.length).toBeGreaterThan(0);
      expect(RISK_LEVELS).toContain(strategy.risk);
      expect(strategy.budget.max).toBeGreaterThan(0);
      expect(strategy.budget.windowMs).toBeGreaterThan(0);
    }
    expect(Object.keys(STRATEGIES).sort()).toEqual([...STRATEGY_NAMES].sort());
  });

  it('joins every rule with its prose, and describes every parameter', () => {
    for (const name of STRATEGY_NAMES) {
      const { name: own, description, rollback, undo, promise, params, ...rule } = STRATEGIES[name];
      expect(undo).toBe(STRATEGY_UNDO[name]);
      expect(promise).toBe(STRATEGY_PROMISES[name]);
      expect(own).toBe(name);
      const { params: _rules, ...machine } = STRATEGY_RULES[name];
      expect(rule).toEqual(machine);
      expect(description).toBe(STRATEGY_DESCRIPTIONS[name].description);
      expect(description.length).toBeGreaterThan(10);
      expect(rollback).toBe(STRATEGY_DESCRIPTIONS[name].rollback);
      expect(Object.keys(STRATEGY_DESCRIPTIONS[name].params)).toEqual(
        Object.keys(STRATEGY_RULES[name].params),
      );
      for (const [key, spec] of Object.entries(params)) {
        expect(spec).toEqual({
          ...STRATEGY_RULES[name].params[key],
          description: STRATEGY_DESCRIPTIONS[name].params[key],
        });
        expect(spec.description.length).toBeGreaterThan(0);
      }
    }
  });

  it('says how to undo exactly the strategies an agent can undo', () => {
    const undoable = STRATEGY_NAMES.filter((name) => STRATEGY_UNDO[name] !== 'none');
    expect(undoable).toEqual(['scale_out', 'custom']);
    for (const name of STRATEGY_NAMES) {
      expect(STRATEGIES[name].rollback === null, name).toBe(STRATEGY_UNDO[name] === 'none');
    }
    // A page cannot undo what it did: no page strategy has an undo.
    for (const name of Object.keys(PAGE_STRATEGY_RULES)) {
      expect(STRATEGY_UNDO[name as keyof typeof STRATEGY_UNDO]).toBe('none');
    }
  });

  it('checks each fix where it ran: a service fix on its service, a page fix in its session', () => {
    for (const name of STRATEGY_NAMES) {
      const scope = PROMISE_SCOPE[STRATEGY_PROMISES[name]];
      if (scope === 'service') expect(strategyFits(name, 'service'), name).toBe(true);
      if (scope === 'session') expect(strategyFits(name, 'page'), name).toBe(true);
    }
    expect(STRATEGY_PROMISES.retry_request).toBe('request_answered');
    expect(PROMISE_SCOPE.request_answered).toBe('none');
  });

  it('keeps apart exactly the rules of the strategies a page may run', () => {
    const forPage = STRATEGY_NAMES.filter((name) => strategyFits(name, 'page'));
    expect(Object.keys(PAGE_STRATEGY_RULES).sort()).toEqual([...forPage].sort());
    for (const name of Object.keys(PAGE_STRATEGY_RULES) as (keyof typeof PAGE_STRATEGY_RULES)[])
      expect(STRATEGY_RULES[name]).toMatchObject(PAGE_STRATEGY_RULES[name]);
  });

  it('knows its names and nothing else', () => {
    expect(isStrategyName('restart_service')).toBe(true);
    expect(isStrategyName('rm_rf')).toBe(false);
    expect(isStrategyName('__proto__')).toBe(false);
    expect(isStrategyName(undefined)).toBe(false);
  });

  it.each([
    ['restart_service', 'service', true],
    ['restart_service', 'page', false],
    ['reload_page', 'page', true],
    ['reload_page', 'service', false],
    ['notify_admin', 'collector', true],
    ['report_only', 'page', true],
  ] as const)('%s fits %s: %s', (strategy, target, fits) => {
    expect(strategyFits(strategy, target)).toBe(fits);
  });

  it('orders risks', () => {
    expect(riskRank('safe')).toBeLessThan(riskRank('moderate'));
    expect(riskRank('moderate')).toBeLessThan(riskRank('disruptive'));
    expect(riskRank(STRATEGIES.restart_service.risk)).toBe(2);
  });

  it.each([
    ['retry_request', { maxAttempts: 3 }, undefined],
    ['retry_request', undefined, undefined],
    ['custom', { name: 'flush-queue' }, undefined],
    ['custom', {}, 'custom needs "name"'],
    ['retry_request', { maxAttempts: 50 }, 'maxAttempts must be at most 5'],
    ['retry_request', { maxAttempts: '3' }, 'maxAttempts must be a number'],
    ['reload_page', { url: 'https://evil.example' }, 'reload_page takes no parameter "url"'],
    ['reload_page', [], 'params must be an object'],
    ['scale_out', { replicas: Number.NaN }, 'replicas must be finite'],
  ] as const)('checks %s params %j', (strategy, params, problem) => {
    expect(checkParams(strategy, params)).toBe(problem);
  });
});
