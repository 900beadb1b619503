// @vitest-environment happy-dom

import type { Event as AgentEvent } from '@selfheal/shared/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBudgets } from '../budget.js';
import { DEFAULT_CONFIG } from '../config.js';
import type { AgentContext, FixSpec } from '../context.js';
import { createReloadFix, isStaleChunk } from './reload-page.js';

const stale: AgentEvent = {
  id: 'e1',
  type: 'error',
  timestamp: 0,
  kind: 'import_error',
  fingerprint: 'f00d',
  message:
    'TypeError: Failed to fetch dynamically imported module: https://x.test/assets/a-1b2c3d4e.js',
};

/** A context over a fake window whose reloads are counted; `now` is moved by the test. */
function harness(storage: Storage | null = sessionStorage) {
  let now = 1_000_000;
  const reloads: number[] = [];
  const fixes: Array<{ spec: FixSpec; outcome?: boolean }> = [];
  const listeners = new Set<(e: AgentEvent) => void>();
  const timers: Array<() => void> = [];
  const win = {
    get sessionStorage() {
      if (!storage) throw new DOMException('denied', 'SecurityError');
      return storage;
    },
    location: { reload: () => reloads.push(now) },
  };
  const ctx = {
    win,
    config: () => ({ ...DEFAULT_CONFIG, verifyWindowMs: 100 }),
    budgets: createBudgets(() => now),
    now: () => now,
    startFix(spec: FixSpec) {
      const entry: { spec: FixSpec; outcome?: boolean } = { spec };
      fixes.push(entry);
      return { finish: (success: boolean) => (entry.outcome = success) };
    },
    onFault(listener: (e: AgentEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setTimer: (fn: () => void) => timers.push(fn),
    clearTimer: () => {},
    flush: () => Promise.resolve(),
  } as unknown as AgentContext;
  return {
    ctx,
    reloads,
    fixes,
    advance: (ms: number) => (now += ms),
    fault: (e: AgentEvent) => {
      for (const l of [...listeners]) l(e);
    },
    runTimers: () => {
      for (const fn of timers.splice(0)) fn();
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the reload fix', () => {
  beforeEach(() => sessionStorage.clear());

  it('knows a stale chunk from other import errors', () => {
    expect(isStaleChunk(stale)).toBe(true);
    expect(
      isStaleChunk({
        ...stale,
        message: 'SyntaxError: Cannot use import statement outside a module',
      }),
    ).toBe(false);
    expect(isStaleChunk({ ...stale, kind: 'network_error' })).toBe(false);
  });

  it('reloads once, then not again for the same fingerprint within 5 minutes, even in a new page', async () => {
    const first = harness();
    createReloadFix(first.ctx).onFault(stale);
    await settle();
    expect(first.reloads).toHaveLength(1);

    // The reloaded page: a fresh agent, the same sessionStorage.
    const second = harness();
    const fix = createReloadFix(second.ctx);
    fix.resume();
    second.fault(stale);
    fix.onFault(stale);
    await settle();
    expect(second.reloads).toHaveLength(0);
    expect(second.fixes[0]).toMatchObject({ spec: { strategy: 'reload_page' }, outcome: false });

    const later = harness();
    later.advance(5 * 60_000 + 1);
    createReloadFix(later.ctx).onFault(stale);
    await settle();
    expect(later.reloads).toHaveLength(1);
  });

  it('reports the reload verified when the fault stays away for the window', async () => {
    const first = harness();
    createReloadFix(first.ctx).onFault(stale);
    const second = harness();
    createReloadFix(second.ctx).resume();
    second.runTimers();
    await settle();
    expect(second.fixes[0]?.outcome).toBe(true);
    expect(second.fixes[0]?.spec.resumed).toBeDefined();
  });

  it('never reloads where it cannot remember having done so', async () => {
    const blocked = harness(null);
    expect(createReloadFix(blocked.ctx).run('f00d')).toBe(false);
    await settle();
    expect(blocked.reloads).toHaveLength(0);
  });
});
