import type { PageCommand } from '@selfheal/shared';
import { isIdempotent, isRetryableStatus, parseRetryAfter, retryDelay } from '../backoff.js';
import type { AgentContext, FixHandle } from '../context.js';
import type { FetchCall, FetchHandler } from '../instrument/fetch.js';
import type { AgentEvent } from '../types.js';

type Settled = { response: Response; error?: undefined } | { response?: undefined; error: unknown };

/** What a failed request looked like, as a `network` event reports it. */
export interface NetworkFailure {
  method: string;
  url: string;
  status: number;
  durationMs: number;
  errorText?: string | undefined;
  timedOut?: boolean | undefined;
  retryAfter?: string | null | undefined;
}

/** Records a failed request (network error, timeout, 4xx or 5xx) as a `network` fault. */
export function reportNetworkFault(
  ctx: AgentContext,
  failure: NetworkFailure,
): AgentEvent | undefined {
  const data: Record<string, unknown> = {
    method: failure.method,
    url: failure.url,
    status: failure.status,
    durationMs: Math.round(failure.durationMs),
  };
  if (failure.errorText) data.errorText = failure.errorText;
  if (failure.timedOut) data.timedOut = true;
  const retryAfter = parseRetryAfter(failure.retryAfter, ctx.now());
  if (retryAfter !== undefined) data.retryAfter = Math.round(retryAfter / 1_000);
  const what = failure.status ? `HTTP ${failure.status}` : (failure.errorText ?? 'network error');
  return ctx.fault({
    type: 'network',
    message: `${failure.method} ${failure.url} failed: ${what}`,
    url: failure.url,
    data,
  });
}

/** A retry under way: its fix and its parameters (the catalog's, or a recommendation's). */
export interface RetryPlan {
  fix: FixHandle;
  retries: number;
  base: number;
}

/**
 * Reports a failed request and, when auto-fix is on, it may be retried and the strategy's budget
 * allows, starts the retry fix. Undefined when the request is left as it failed.
 */
export function beginRetry(
  ctx: AgentContext,
  recommendation: (fingerprint: string) => PageCommand | undefined,
  failure: NetworkFailure,
  retryable: boolean,
): RetryPlan | undefined {
  const fault = reportNetworkFault(ctx, failure);
  const config = ctx.config();
  const fingerprint = fault?.fingerprint;
  if (!fingerprint || !config.autoFixEnabled || !retryable) return undefined;
  const command = recommendation(fingerprint);
  const retries = Number(command?.params.maxAttempts ?? config.retryMaxAttempts);
  const base = Number(command?.params.baseDelayMs ?? config.retryBaseDelayMs);
  if (retries < 1 || !ctx.budgets.take('retry_request', fingerprint)) return undefined;
  const fix = ctx.startFix({ strategy: 'retry_request', fingerprint, kind: fault?.kind, command });
  return { fix, retries, base };
}

/**
 * Ends the retry fix when the server asks for a longer wait than `retryMaxDelayMs`: the page then
 * gets the failure as it came. True when it did.
 */
export function waitTooLong(
  ctx: AgentContext,
  plan: RetryPlan,
  retryAfter: number | undefined,
): boolean {
  if (retryAfter === undefined || retryAfter <= ctx.config().retryMaxDelayMs) return false;
  plan.fix.finish(
    false,
    'request',
    `Retry-After of ${Math.round(retryAfter / 1000)} s is too long`,
  );
  return true;
}

/** Ends the retry fix as failed: the last attempt answered `status` (0: no answer). */
export function stillFailing(plan: RetryPlan, status: number): void {
  const last = status ? `HTTP ${status}` : 'a network error';
  plan.fix.finish(false, 'request', `still failing after the retries: ${last}`);
}

/** Ends the retry fix as verified: retry number `retry` succeeded. */
export function succeeded(plan: RetryPlan, retry: number): void {
  plan.fix.finish(true, 'request', `succeeded on retry ${retry} of ${plan.retries}`);
}

/**
 * The fetch handler that reports failed requests and retries idempotent ones with backoff, so
 * the page's call resolves with the eventual success. `recommendation` finds a collector command
 * for the fingerprint, whose parameters then apply.
 */
export function createRetryHandler(
  ctx: AgentContext,
  recommendation: (fingerprint: string) => PageCommand | undefined,
): FetchHandler {
  return async (call, attempt) => {
    const started = ctx.now();
    let outcome = await settle(attempt());
    if (!isFailure(call, outcome)) return give(outcome);

    let plan: RetryPlan | undefined;
    try {
      const failure = failureOf(call, outcome, ctx.now() - started);
      plan = beginRetry(ctx, recommendation, failure, shouldRetry(call, outcome));
    } catch {
      ctx.book.metrics.internalErrors += 1;
    }
    if (!plan) return give(outcome);

    for (let retry = 1; retry <= plan.retries; retry++) {
      const retryAfter = parseRetryAfter(outcome.response?.headers.get('retry-after'), ctx.now());
      if (waitTooLong(ctx, plan, retryAfter)) return give(outcome);
      discard(outcome);
      if (!(await sleep(ctx, retryDelay(retry, plan.base, retryAfter, ctx.random), call.signal))) {
        plan.fix.finish(false, 'request', 'the page aborted the request');
        return Promise.reject(call.signal?.reason ?? new DOMException('Aborted', 'AbortError'));
      }
      outcome = await settle(attempt());
      if (!isFailure(call, outcome)) {
        succeeded(plan, retry);
        return give(outcome);
      }
      if (!shouldRetry(call, outcome)) break;
    }
    stillFailing(plan, outcome.response?.status ?? 0);
    return give(outcome);
  };
}

function settle(promise: Promise<Response>): Promise<Settled> {
  return promise.then(
    (response) => ({ response }),
    (error: unknown) => ({ error }),
  );
}

function give(outcome: Settled): Promise<Response> {
  return outcome.response ? Promise.resolve(outcome.response) : Promise.reject(outcome.error);
}

function pageAborted(call: FetchCall, outcome: Settled): boolean {
  return outcome.error !== undefined && call.signal?.aborted === true;
}

function isFailure(call: FetchCall, outcome: Settled): boolean {
  if (outcome.response) return outcome.response.status >= 400;
  return !pageAborted(call, outcome);
}

function shouldRetry(call: FetchCall, outcome: Settled): boolean {
  if (!call.replayable || !isIdempotent(call.method, call.idempotencyKey)) return false;
  if (outcome.response) return isRetryableStatus(outcome.response.status);
  return !pageAborted(call, outcome);
}

function failureOf(call: FetchCall, outcome: Settled, durationMs: number): NetworkFailure {
  if (outcome.response) {
    return {
      method: call.method,
      url: call.url,
      status: outcome.response.status,
      durationMs,
      retryAfter: outcome.response.headers.get('retry-after'),
    };
  }
  const error = outcome.error as { name?: unknown; message?: unknown } | undefined;
  const name = typeof error?.name === 'string' ? error.name : 'Error';
  const message = typeof error?.message === 'string' ? error.message : String(outcome.error);
  return {
    method: call.method,
    url: call.url,
    status: 0,
    durationMs,
    errorText: `${name}: ${message}`,
    timedOut: name === 'TimeoutError',
  };
}

function discard(outcome: Settled): void {
  // Free the connection of an answer the page will never read.
  outcome.response?.body?.cancel().catch(() => {});
}

/** Waits `ms`; false when the page's signal aborted meanwhile. */
function sleep(ctx: AgentContext, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      ctx.clearTimer(timer);
      resolve(false);
    };
    const timer = ctx.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
