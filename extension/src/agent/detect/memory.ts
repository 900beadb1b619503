interface MemoryInfo {
  usedJSHeapSize: number;
  jsHeapSizeLimit: number;
}

/** A heap sample that looks like a leak: growth since the first sample, or a heap near its limit. */
export interface MemorySignal {
  usedBytes: number;
  growthBytes: number;
  limitBytes: number;
}

/**
 * Samples `performance.memory` (Chromium only) every `intervalMs` and calls `handler` when the heap
 * grew by more than `growthBytes()` since the first sample, and again each time it grows that much
 * more; or when it first goes above 90 % of its limit.
 */
export function detectMemory(
  win: Window,
  options: {
    intervalMs: number;
    growthBytes: () => number;
    setTimer: (fn: () => void, ms: number) => unknown;
    clearTimer: (timer: unknown) => void;
  },
  handler: (signal: MemorySignal) => void,
): () => void {
  const read = () => (win.performance as Performance & { memory?: MemoryInfo }).memory;
  const first = read();
  if (!first || typeof first.usedJSHeapSize !== 'number') return () => {};
  const baseline = first.usedJSHeapSize;
  let reportAbove = options.growthBytes();
  let nearLimit = false;
  let timer: unknown;
  const tick = () => {
    const now = read();
    if (now) {
      const growthBytes = now.usedJSHeapSize - baseline;
      const near = now.usedJSHeapSize > now.jsHeapSizeLimit * 0.9;
      if (growthBytes > reportAbove || (near && !nearLimit)) {
        reportAbove = growthBytes + options.growthBytes();
        handler({ usedBytes: now.usedJSHeapSize, growthBytes, limitBytes: now.jsHeapSizeLimit });
      }
      nearLimit = near;
    }
    timer = options.setTimer(tick, options.intervalMs);
  };
  timer = options.setTimer(tick, options.intervalMs);
  return () => options.clearTimer(timer);
}
