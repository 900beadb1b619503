import type { Check } from '../check.js';
import type { RequestFigures } from '../requests.js';

/** When the request rate counts as more than this instance should carry. */
export interface RequestLoadCheckOptions {
  /** Fail when the last minute averaged more requests a second than this. */
  maxRequestsPerSecond: number;
}

/**
 * The request rate over the last minute, from the middleware. Its failure is `high_cpu` (the
 * taxonomy's kind for an overloaded instance), so sustained load leads to scale_out.
 */
export function requestLoadCheck(
  figures: () => RequestFigures,
  options: RequestLoadCheckOptions,
): Check {
  const max = options.maxRequestsPerSecond;
  return {
    name: 'request_load',
    kind: 'high_cpu',
    run() {
      const perSecond = Math.round((figures().requests / 60) * 10) / 10;
      return perSecond > max
        ? {
            status: 'fail',
            value: perSecond,
            threshold: max,
            message: `${perSecond} requests/s over the last minute`,
          }
        : { status: 'pass', value: perSecond, threshold: max };
    },
  };
}
