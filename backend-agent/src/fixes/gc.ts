import { type Fix, FixUnavailableError } from '../fix.js';

/** A full collection through `global.gc`; reported as unavailable unless node ran with --expose-gc. */
export function gcFix(): Fix {
  return {
    strategy: 'garbage_collection',
    run() {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (typeof gc !== 'function') {
        throw new FixUnavailableError('global.gc is not exposed (start node with --expose-gc)');
      }
      const before = process.memoryUsage().heapUsed;
      gc();
      const after = process.memoryUsage().heapUsed;
      return {
        detail: `heap ${(before / 1_048_576).toFixed(1)} MB → ${(after / 1_048_576).toFixed(1)} MB`,
        settleMs: 0,
      };
    },
  };
}
