import type { AgentContext } from '../context.js';

interface MemoryInfo {
  usedJSHeapSize: number;
  jsHeapSizeLimit: number;
}

/**
 * Samples `performance.memory` (Chromium only) every `memoryIntervalMs` and reports a `performance`
 * fault when the heap grew by more than `memoryGrowthBytes` since the first sample, and again each
 * time it grows that much more; or when it first goes above 90 % of its limit.
 */
export function detectMemory(ctx: AgentContext): () => void {
  const read = () => (ctx.win.performance as Performance & { memory?: MemoryInfo }).memory;
  const first = read();
  if (!first || typeof first.usedJSHeapSize !== 'number') return () => {};
  const baseline = first.usedJSHeapSize;
  let reportAbove = ctx.config().memoryGrowthBytes;
  let nearLimit = false;
  let timer: unknown;
  const tick = () => {
    const now = read();
    if (now) {
      const threshold = ctx.config().memoryGrowthBytes;
      const growth = now.usedJSHeapSize - baseline;
      const near = now.usedJSHeapSize > now.jsHeapSizeLimit * 0.9;
      if (growth > reportAbove || (near && !nearLimit)) {
        reportAbove = growth + threshold;
        ctx.fault({
          type: 'performance',
          message: `JS heap grew by ${Math.round(growth / 1_048_576)} MB`,
          data: { metric: 'memory', value: now.usedJSHeapSize, threshold },
        });
      }
      nearLimit = near;
    }
    timer = ctx.setTimer(tick, ctx.config().memoryIntervalMs);
  };
  timer = ctx.setTimer(tick, ctx.config().memoryIntervalMs);
  return () => ctx.clearTimer(timer);
}
