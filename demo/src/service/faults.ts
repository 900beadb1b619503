import { readFileSync, writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

/**
 * A leak the way services grow one: every request adds to a cache nothing ever trims. Grows
 * 0.5 MB every 20 ms until the heap holds `targetRatio` of its limit, then stops, so that the
 * demo shows the fault without crashing the process on an out-of-memory error. Small steps keep
 * the event loop free: larger ones blocked it long enough to be taken for a blocked loop.
 */
export function createMemoryLeak(targetRatio: number) {
  const retained: number[][] = [];
  let timer: NodeJS.Timeout | undefined;
  return {
    get retainedMb() {
      return retained.length / 2;
    },
    start(): boolean {
      if (timer) return false;
      timer = setInterval(() => {
        const { used_heap_size, heap_size_limit } = getHeapStatistics();
        if (used_heap_size >= heap_size_limit * targetRatio) return;
        // 0.5 MB of doubles on the JS heap (a typed array would sit outside it).
        retained.push(Array.from({ length: 65_536 }, Math.random));
      }, 20);
      timer.unref();
      return true;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/**
 * A report job run on the event loop: every `everyMs` it computes for `blockMs` without yielding,
 * so every request waiting behind it waits that long too.
 */
export function createBlockingJob(blockMs: number, everyMs: number) {
  let timer: NodeJS.Timeout | undefined;
  return {
    get running() {
      return timer !== undefined;
    },
    start(): boolean {
      if (timer) return false;
      timer = setInterval(() => {
        const until = performance.now() + blockMs;
        while (performance.now() < until) {
          // Busy on purpose: this is the blocked event loop.
        }
      }, everyMs);
      timer.unref();
      return true;
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/** Counts requests per id: the first `failures` of each fail. */
export function createFlakyCounter(failures: number) {
  const seen = new Map<string, number>();
  return (id: string): boolean => {
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (seen.size > 1_000) seen.delete(seen.keys().next().value as string);
    return n <= failures;
  };
}

/**
 * An upstream outage kept in a file, so that restarting this service does not end it: the
 * recommendations upstream is down until the time written there.
 */
export function createOutage(file: string) {
  const read = (): number => {
    try {
      return Number(readFileSync(file, 'utf8')) || 0;
    } catch {
      return 0;
    }
  };
  return {
    isDown: () => Date.now() < read(),
    downFor(ms: number) {
      writeFileSync(file, String(Date.now() + ms));
    },
  };
}
