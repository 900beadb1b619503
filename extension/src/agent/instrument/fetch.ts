import { markWrapper } from '../native.js';

/** What the agent knows about one `fetch` call before it runs. */
export interface FetchCall {
  method: string;
  url: string;
  /** The request carries an `Idempotency-Key` header. */
  idempotencyKey: boolean;
  /** The request can be sent again (its body is not a one-shot stream). */
  replayable: boolean;
  /** The page's own abort signal, if any. */
  signal: AbortSignal | undefined;
}

/**
 * Decides what the page's call resolves with. `attempt()` sends the request once more through the
 * fetch the agent found (the first call sends it as the page gave it).
 */
export type FetchHandler = (call: FetchCall, attempt: () => Promise<Response>) => Promise<Response>;

/** Replaces `win.fetch` with a wrapper that hands each call to `handler`; returns the uninstall. */
export function instrumentFetch(win: Window, handler: FetchHandler): () => void {
  const original = win.fetch;
  if (typeof original !== 'function') return () => {};
  let active = true;
  const wrapper = markWrapper(function fetch(
    this: unknown,
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<Response> {
    if (!active) return original.call(win, input, init);
    let call: FetchCall;
    let attempt: () => Promise<Response>;
    try {
      call = describe(input, init);
      attempt = attempts(win, original, input, init, call.replayable);
    } catch {
      return original.call(win, input, init);
    }
    return handler(call, attempt);
  }, original);
  win.fetch = wrapper;
  return () => {
    active = false;
    if (win.fetch === wrapper) win.fetch = original;
  };
}

function describe(input: RequestInfo | URL, init: RequestInit | undefined): FetchCall {
  const request = typeof Request !== 'undefined' && input instanceof Request ? input : undefined;
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const url = request ? request.url : String(input);
  const headers = init?.headers ?? request?.headers;
  const idempotencyKey = headers ? new Headers(headers).has('idempotency-key') : false;
  const body = init?.body;
  const streamBody =
    typeof ReadableStream !== 'undefined' && body instanceof ReadableStream
      ? true
      : request?.body != null && body === undefined && request.bodyUsed;
  return {
    method,
    url,
    idempotencyKey,
    replayable: !streamBody,
    signal: init?.signal ?? request?.signal ?? undefined,
  };
}

function attempts(
  win: Window,
  original: typeof fetch,
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  replayable: boolean,
): () => Promise<Response> {
  // A Request's body is read by the first send; a clone kept aside serves the retries.
  const spare =
    replayable && typeof Request !== 'undefined' && input instanceof Request && !input.bodyUsed
      ? input.clone()
      : undefined;
  let sent = 0;
  return () => {
    sent += 1;
    if (sent === 1) return original.call(win, input, init);
    return original.call(win, spare ? spare.clone() : input, init);
  };
}
