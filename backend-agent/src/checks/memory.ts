import { getHeapStatistics } from 'node:v8';
import type { Check, CheckResult } from '../check.js';

/** Limits for the memory check. */
export interface MemoryCheckOptions {
  /** Fail when the heap uses more than this share of its limit; default 0.9. */
  maxHeapRatio?: number;
  /** Fail when RSS exceeds this many bytes; unset, RSS is not limited. */
  maxRssBytes?: number;
  /** Warn when the heap's trend reaches its limit within this time; default 10 minutes. */
  horizonMs?: number;
  /** Samples the trend is fitted over; default 10. */
  samples?: number;
  /** Reads memory; for tests. */
  read?: () => { heapUsed: number; rss: number; heapLimit: number };
}

/** The value a memory check reads, for fixes that want to compare before and after. */
export function readMemory(): { heapUsed: number; rss: number; heapLimit: number } {
  const usage = process.memoryUsage();
  return {
    heapUsed: usage.heapUsed,
    rss: usage.rss,
    heapLimit: getHeapStatistics().heap_size_limit,
  };
}

/**
 * Heap and RSS against their limits (`high_memory`), plus a least-squares trend of heap use
 * that warns when the limit would be reached within the horizon: predictive healing.
 */
export function memoryCheck(options: MemoryCheckOptions = {}): Check {
  const maxRatio = options.maxHeapRatio ?? 0.9;
  const horizonMs = options.horizonMs ?? 10 * 60_000;
  const keep = Math.max(3, options.samples ?? 10);
  const read = options.read ?? readMemory;
  const history: Array<{ at: number; heap: number }> = [];
  return {
    name: 'memory',
    kind: 'high_memory',
    run(): CheckResult {
      const { heapUsed, rss, heapLimit } = read();
      const at = Date.now();
      history.push({ at, heap: heapUsed });
      if (history.length > keep) history.shift();
      const limit = heapLimit * maxRatio;
      if (heapUsed >= limit) {
        return {
          status: 'fail',
          value: heapUsed,
          threshold: limit,
          message: `heap ${mb(heapUsed)} of ${mb(limit)}`,
        };
      }
      if (options.maxRssBytes !== undefined && rss >= options.maxRssBytes) {
        return {
          status: 'fail',
          value: rss,
          threshold: options.maxRssBytes,
          message: `rss ${mb(rss)} over ${mb(options.maxRssBytes)}`,
        };
      }
      const slope = slopePerMs(history);
      if (history.length >= keep && slope > 0) {
        const etaMs = (limit - heapUsed) / slope;
        if (etaMs <= horizonMs) {
          // Fewer samples than asked would make one spike look like a leak.
          history.splice(0, history.length - 1);
          return {
            status: 'warn',
            value: heapUsed,
            threshold: limit,
            message: `heap grows ${mb(slope * 60_000)}/min; at this rate it reaches ${mb(limit)} in ${Math.round(etaMs / 1000)} s`,
          };
        }
      }
      return { status: 'pass', value: heapUsed, threshold: limit };
    },
  };
}

function slopePerMs(points: ReadonlyArray<{ at: number; heap: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const first = points[0]?.at ?? 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const { at, heap } of points) {
    const x = at - first;
    sx += x;
    sy += heap;
    sxx += x * x;
    sxy += x * heap;
  }
  const denominator = n * sxx - sx * sx;
  return denominator === 0 ? 0 : (n * sxy - sx * sy) / denominator;
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
