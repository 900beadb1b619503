import type { Check } from '../check.js';

/** Limits for the CPU check. */
export interface CpuCheckOptions {
  /** Fail when the process uses more than this share of one core between two runs; default 0.9. */
  maxCoreRatio?: number;
}

/** The process's CPU use since the previous run, as a share of one core (`high_cpu`). */
export function cpuCheck(options: CpuCheckOptions = {}): Check {
  const max = options.maxCoreRatio ?? 0.9;
  let lastUsage = process.cpuUsage();
  let lastAt = performance.now();
  return {
    name: 'cpu',
    kind: 'high_cpu',
    run() {
      const usage = process.cpuUsage(lastUsage);
      const now = performance.now();
      const elapsedMs = now - lastAt;
      lastUsage = process.cpuUsage();
      lastAt = now;
      if (elapsedMs <= 0) return { status: 'pass' };
      const ratio = (usage.user + usage.system) / 1000 / elapsedMs;
      const value = Math.round(ratio * 1000) / 1000;
      return ratio > max
        ? {
            status: 'fail',
            value,
            threshold: max,
            message: `${Math.round(ratio * 100)}% of a core`,
          }
        : { status: 'pass', value, threshold: max };
    },
  };
}
