import { describe, expect, it } from 'vitest';
import type { AgentContext } from '../context.js';
import type { FaultInput } from '../events.js';
import { detectMemory } from './memory.js';

/** A context over `win` whose timers are queued in `ticks` and whose faults land in `faults`. */
function fakeContext(win: unknown, ticks: Array<() => void>, faults: FaultInput[]): AgentContext {
  return {
    win,
    config: () => ({ memoryIntervalMs: 1_000, memoryGrowthBytes: 1_000 }),
    setTimer: (fn: () => void) => ticks.push(fn),
    clearTimer: () => {},
    fault: (input: FaultInput) => {
      faults.push(input);
      return undefined;
    },
  } as unknown as AgentContext;
}

describe('detectMemory', () => {
  it('reports growth past the threshold once per step, and a heap near its limit once', () => {
    const memory = { usedJSHeapSize: 100, jsHeapSizeLimit: 10_000 };
    const win = { performance: { memory } } as unknown as Window;
    const ticks: Array<() => void> = [];
    const signals: FaultInput[] = [];
    const stop = detectMemory(fakeContext(win, ticks, signals));
    const tick = (used: number) => {
      memory.usedJSHeapSize = used;
      ticks.shift()?.();
    };
    tick(900);
    tick(1_200);
    tick(1_500);
    tick(2_300);
    expect(signals.map((s) => s.data?.value)).toEqual([1_200, 2_300]);
    expect(signals[0]?.data).toEqual({ metric: 'memory', value: 1_200, threshold: 1_000 });
    tick(9_500);
    tick(9_600);
    expect(signals).toHaveLength(3);
    stop();
  });

  it('does nothing where the browser exposes no memory figures', () => {
    const win = { performance: {} } as unknown as Window;
    const ticks: Array<() => void> = [];
    detectMemory(fakeContext(win, ticks, []));
    expect(ticks).toHaveLength(0);
  });
});
