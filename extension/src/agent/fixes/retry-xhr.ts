import type { PageCommand } from '@selfheal/shared';
import { isIdempotent } from '../backoff.js';
import type { AgentContext } from '../context.js';
import type { XhrHooks, XhrRequest } from '../instrument/xhr.js';
import { createRetryHooks } from './retry-request.js';

/** The XHR side of the retry fix: same rules, budgets and reports as for fetch. */
export function createXhrRetry(
  ctx: AgentContext,
  recommendation: (fingerprint: string) => PageCommand | undefined,
): XhrHooks {
  return createRetryHooks<XhrRequest>(ctx, recommendation, (request) =>
    isIdempotent(request.method, request.headerNames.includes('idempotency-key')),
  );
}
