import { wrapMethod } from '../native.js';

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
  return wrapMethod(win, 'fetch', (original, self, args) => {
    const [input, init] = args as [RequestInfo | URL, RequestInit | undefined];
    let call: FetchCall;
    let attempt: () => Promise<Response>;
    try {
      const request =
        typeof Request !== 'undefined' && input instanceof Request ? input : undefined;
      call = describe(input, init, request);
      // A Request's body is read by the first send; a clone kept aside serves the retries.
      const spare = call.replayable && request && !request.bodyUsed ? request.clone() : undefined;
      let sent = 0;
      attempt = () =>
        (sent++ && spare
          ? original.call(self, spare.clone(), init)
          : Reflect.apply(original, self, args)) as Promise<Response>;
    } catch {
      return Reflect.apply(original, self, args);
    }
    return handler(call, attempt);
  });
}

function describe(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  request: Request | undefined,
): FetchCall {
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
