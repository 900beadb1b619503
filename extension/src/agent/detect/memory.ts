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
 * grew by more than `growthBytes()` since the first sample or is above 90 % of its limit.
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
  let timer: unknown;
  const tick = () => {
    const now = read();
    if (now) {
      const growthBytes = now.usedJSHeapSize - baseline;
      if (growthBytes > options.growthBytes() || now.usedJSHeapSize > now.jsHeapSizeLimit * 0.9) {
        handler({ usedBytes: now.usedJSHeapSize, growthBytes, limitBytes: now.jsHeapSizeLimit });
      }
    }
    timer = options.setTimer(tick, options.intervalMs);
  };
  timer = options.setTimer(tick, options.intervalMs);
  return () => options.clearTimer(timer);
}
