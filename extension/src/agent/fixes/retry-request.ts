import { isRetryableStatus, type PageCommand } from '@selfheal/shared';
import { isIdempotent, parseRetryAfter, retryDelay } from '../backoff.js';
import type { AgentContext, FixHandle } from '../context.js';
import type { FetchCall, FetchHandler } from '../instrument/fetch.js';
import { listen } from '../native.js';

type Settled = { response: Response; error?: undefined } | { response?: undefined; error: unknown };

/** A request as the retry fix sees it, from fetch or XHR. */
export interface RetryRequest {
  method: string;
  url: string;
}

/** How one attempt of a request ended, as a `network` event reports it. */
export interface AttemptResult {
  /** 0 when no answer came back. */
  status: number;
  durationMs: number;
  errorText?: string | undefined;
  timedOut?: boolean | undefined;
  retryAfter?: string | null | undefined;
}

/** What the agent does with the attempts of a request (fetch and XHR alike). */
export interface RetryHooks<R extends RetryRequest> {
  /**
   * An attempt failed (status ≥ 400 or no answer). Returns the delay before the agent sends the
   * request again (the page does not see this attempt), or undefined to hand it to the page.
   */
  onFailure(request: R, result: AttemptResult, attempt: number): number | undefined;
  /** The page saw the request end with `result` after `attempt` attempts. */
  onEnd(request: R, result: AttemptResult, attempt: number): void;
}

/**
 * The retry fix: the first failure of a request is reported as a `network` fault; when auto-fix
 * is on, `canRepeat(request)` (idempotent, and its body can be sent again) and the strategy's
 * budget allows, the request is retried with backoff. `recommendation` finds a collector command
 * for the fingerprint, whose parameters then apply.
 */
export function createRetryHooks<R extends RetryRequest>(
  ctx: AgentContext,
  recommendation: (fingerprint: string) => PageCommand | undefined,
  canRepeat: (request: R) => boolean,
): RetryHooks<R> {
  const plans = new WeakMap<R, { fix: FixHandle; retries: number; base: number }>();
  const retryable = (request: R, result: AttemptResult) =>
    canRepeat(request) && (result.status === 0 || isRetryableStatus(result.status));
  const finish = (request: R, success: boolean, detail: string) =>
    plans.get(request)?.fix.finish(success, 'request', detail);

  return {
    onFailure(request, result, attempt) {
      const config = ctx.config();
      const { method, url } = request;
      const { status, errorText } = result;
      const what = status ? `HTTP ${status}` : (errorText ?? 'network error');
      const retryAfter = parseRetryAfter(result.retryAfter, ctx.now());
      if (attempt === 1) {
        const fault = ctx.fault({
          type: 'network',
          message: `${method} ${url} failed: ${what}`,
          url,
          data: {
            method,
            url,
            status,
            durationMs: Math.round(result.durationMs),
            ...(errorText && { errorText }),
            ...(result.timedOut && { timedOut: true }),
            ...(retryAfter !== undefined && { retryAfter: Math.round(retryAfter / 1_000) }),
          },
        });
        const fingerprint = fault?.fingerprint;
        if (!fingerprint || !retryable(request, result)) return undefined;
        const command = recommendation(fingerprint);
        const retries = Number(command?.params.maxAttempts ?? config.retryMaxAttempts);
        const base = Number(command?.params.baseDelayMs ?? config.retryBaseDelayMs);
        if (retries < 1 || !ctx.budgets.take('retry_request', fingerprint)) return undefined;
        const fix = ctx.startFix({
          strategy: 'retry_request',
          fingerprint,
          kind: fault.kind,
          command,
        });
        plans.set(request, { fix, retries, base });
      }
      const plan = plans.get(request);
      if (!plan) return undefined;
      if (!retryable(request, result) || attempt > plan.retries) {
        finish(request, false, `still failing: ${what}`);
        return undefined;
      }
      // A server asking for a longer wait than `retryMaxDelayMs` gets its failure to the page.
      if (retryAfter !== undefined && retryAfter > config.retryMaxDelayMs) {
        finish(request, false, `Retry-After ${Math.round(retryAfter / 1_000)} s too long`);
        return undefined;
      }
      return retryDelay(attempt, plan.base, retryAfter, ctx.random);
    },
    onEnd(request, result, attempt) {
      if (result.status && result.status < 400) {
        finish(request, true, `ok on retry ${attempt - 1}/${plans.get(request)?.retries}`);
      } else finish(request, false, 'page aborted');
    },
  };
}

/**
 * The fetch handler that reports failed requests and retries idempotent ones with backoff, so
 * the page's call resolves with the eventual success.
 */
export function createRetryHandler(
  ctx: AgentContext,
  recommendation: (fingerprint: string) => PageCommand | undefined,
): FetchHandler {
  const hooks = createRetryHooks<FetchCall>(
    ctx,
    recommendation,
    (call) => call.replayable && isIdempotent(call.method, call.idempotencyKey),
  );
  return async (call, attempt) => {
    const started = ctx.now();
    for (let n = 1; ; n++) {
      const outcome: Settled = await attempt().then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      );
      const { response, error } = outcome;
      const give = () => (response ? response : Promise.reject(error));
      // An error after the page aborted is the page's own doing, not a failure.
      if (response ? response.status < 400 : call.signal?.aborted) {
        if (n > 1) hooks.onEnd(call, { status: response?.status ?? 0, durationMs: 0 }, n);
        return give();
      }
      let delay: number | undefined;
      try {
        delay = hooks.onFailure(call, failureOf(outcome, ctx.now() - started), n);
      } catch {
        ctx.book.metrics.internalErrors += 1;
      }
      if (delay === undefined) return give();
      // Free the connection of an answer the page will never read.
      response?.body?.cancel().catch(() => {});
      if (!(await sleep(ctx, delay, call.signal))) {
        hooks.onEnd(call, { status: 0, durationMs: 0 }, n);
        return Promise.reject(call.signal?.reason ?? new DOMException('Aborted', 'AbortError'));
      }
    }
  };
}

function failureOf({ response, error }: Settled, durationMs: number): AttemptResult {
  if (response) {
    return { status: response.status, durationMs, retryAfter: response.headers.get('retry-after') };
  }
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  const type = typeof name === 'string' ? name : 'Error';
  return {
    status: 0,
    durationMs,
    errorText: `${type}: ${typeof message === 'string' ? message : String(error)}`,
    timedOut: type === 'TimeoutError',
  };
}

/** Waits `ms`; false when the page's signal aborted meanwhile. */
function sleep(ctx: AgentContext, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = ctx.setTimer(() => {
      stop?.();
      resolve(true);
    }, ms);
    const stop =
      signal &&
      listen(
        signal,
        'abort',
        () => {
          ctx.clearTimer(timer);
          resolve(false);
        },
        { once: true },
      );
  });
}
