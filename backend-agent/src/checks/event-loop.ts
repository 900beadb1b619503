import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Check } from '../check.js';

/** Limits for the event-loop check. */
export interface EventLoopCheckOptions {
  /** Fail when the 99th percentile delay since the previous run exceeds this; default 200 ms. */
  maxDelayMs?: number;
}

/** Event-loop delay from `monitorEventLoopDelay`, p99 since the previous run (`event_loop_lag`). */
export function eventLoopCheck(options: EventLoopCheckOptions = {}): Check {
  const max = options.maxDelayMs ?? 200;
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  return {
    name: 'event_loop',
    kind: 'event_loop_lag',
    run() {
      const p99 = histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0;
      histogram.reset();
      const value = Math.round(p99 * 10) / 10;
      return p99 > max
        ? { status: 'fail', value, threshold: max, message: `event loop p99 delay ${value} ms` }
        : { status: 'pass', value, threshold: max };
    },
    dispose() {
      histogram.disable();
    },
  };
}
