import type { Check } from '../check.js';
import type { RequestFigures } from '../requests.js';

/** When the API's error rate counts as down. */
export interface ErrorRateCheckOptions {
  /** Fail when this share of the last minute's requests answered 5xx; default 0.5. */
  maxErrorRate?: number;
  /** Fewer requests than this in the last minute never fail the check; default 20. */
  minRequests?: number;
}

/** The API's 5xx rate over the last minute, from the middleware (`api_down`). */
export function errorRateCheck(
  figures: () => RequestFigures,
  options: ErrorRateCheckOptions = {},
): Check {
  const max = options.maxErrorRate ?? 0.5;
  const min = options.minRequests ?? 20;
  return {
    name: 'error_rate',
    kind: 'api_down',
    run() {
      const { requests, errorRate } = figures();
      const value = Math.round(errorRate * 1000) / 1000;
      if (requests >= min && errorRate >= max) {
        return {
          status: 'fail',
          value,
          threshold: max,
          message: `${Math.round(errorRate * 100)}% of ${requests} requests failed in the last minute`,
        };
      }
      return { status: 'pass', value, threshold: max };
    },
  };
}
