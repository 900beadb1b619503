import { describe, expect, it } from 'vitest';
import { detectMemory, type MemorySignal } from './memory.js';

describe('detectMemory', () => {
  it('reports growth past the threshold once per step, and a heap near its limit once', () => {
    const memory = { usedJSHeapSize: 100, jsHeapSizeLimit: 10_000 };
    const win = { performance: { memory } } as unknown as Window;
    const ticks: Array<() => void> = [];
    const signals: MemorySignal[] = [];
    const stop = detectMemory(
      win,
      {
        intervalMs: 1_000,
        growthBytes: () => 1_000,
        setTimer: (fn) => ticks.push(fn),
        clearTimer: () => {},
      },
      (signal) => signals.push(signal),
    );
    const tick = (used: number) => {
      memory.usedJSHeapSize = used;
      ticks.shift()?.();
    };
    tick(900);
    tick(1_200);
    tick(1_500);
    tick(2_300);
    expect(signals.map((s) => s.growthBytes)).toEqual([1_100, 2_200]);
    tick(9_500);
    tick(9_600);
    expect(signals).toHaveLength(3);
    stop();
  });

  it('does nothing where the browser exposes no memory figures', () => {
    const win = { performance: {} } as unknown as Window;
    let scheduled = 0;
    detectMemory(
      win,
      { intervalMs: 1, growthBytes: () => 1, setTimer: () => scheduled++, clearTimer: () => {} },
      () => {},
    );
    expect(scheduled).toBe(0);
  });
});
