import type { PageCommand } from '@selfheal/shared';
import { isIdempotent, isRetryableStatus, parseRetryAfter, retryDelay } from '../backoff.js';
import type { AgentContext } from '../context.js';
import type { XhrHooks, XhrRequest, XhrResult } from '../instrument/xhr.js';
import {
  beginRetry,
  type RetryPlan,
  stillFailing,
  succeeded,
  waitTooLong,
} from './retry-request.js';

/** The XHR side of the retry fix: same rules, budgets and reports as for fetch. */
export function createXhrRetry(
  ctx: AgentContext,
  recommendation: (fingerprint: string) => PageCommand | undefined,
): XhrHooks {
  const plans = new WeakMap<XhrRequest, RetryPlan>();
  const retryable = (request: XhrRequest, result: XhrResult) =>
    isIdempotent(request.method, request.headerNames.includes('idempotency-key')) &&
    (result.status === 0 || isRetryableStatus(result.status));

  return {
    onFailure(request, result, attempt) {
      if (attempt === 1) {
        const plan = beginRetry(
          ctx,
          recommendation,
          { ...result, method: request.method, url: request.url },
          retryable(request, result),
        );
        if (plan) plans.set(request, plan);
      }
      const plan = plans.get(request);
      if (!plan) return undefined;
      if (!retryable(request, result) || attempt > plan.retries) {
        stillFailing(plan, result.status);
        return undefined;
      }
      const retryAfter = parseRetryAfter(result.retryAfter, ctx.now());
      if (waitTooLong(ctx, plan, retryAfter)) return undefined;
      return retryDelay(attempt, plan.base, retryAfter, ctx.random);
    },
    onEnd(request, result, attempt) {
      const plan = plans.get(request);
      if (!plan || result.status === 0 || result.status >= 400) return;
      succeeded(plan, attempt - 1);
    },
  };
}
