import { markWrapper } from '../native.js';

/** One page request made through `XMLHttpRequest`. */
export interface XhrRequest {
  method: string;
  url: string;
  /** Header names the page set, lower-cased. */
  headerNames: string[];
  async: boolean;
  started: number;
}

/** How one attempt of a request ended. */
export interface XhrResult {
  /** 0 when no answer came back. */
  status: number;
  durationMs: number;
  errorText: string | undefined;
  timedOut: boolean;
  retryAfter: string | null;
}

/** What the agent does with XHR attempts. */
export interface XhrHooks {
  /**
   * An attempt failed (status ≥ 400 or no answer). Returns the delay before the agent sends the
   * request again (the page does not see this attempt), or undefined to hand it to the page.
   */
  onFailure(request: XhrRequest, result: XhrResult, attempt: number): number | undefined;
  /** The page saw the request end with `result` after `attempt` attempts. */
  onEnd(request: XhrRequest, result: XhrResult, attempt: number): void;
}

interface State {
  request: XhrRequest;
  openArgs: unknown[];
  headers: Array<[string, string]>;
  body: unknown;
  attempt: number;
  /** This attempt failed and will be retried: its events are hidden from the page. */
  hidden: boolean;
  /** The agent is re-opening and re-sending: the events that causes are hidden too. */
  replaying: boolean;
  pageAborted: boolean;
  result: XhrResult | undefined;
  /** Wait before the hidden attempt is sent again. */
  delay: number;
}

const EVENTS = [
  'readystatechange',
  'loadstart',
  'progress',
  'load',
  'error',
  'timeout',
  'abort',
  'loadend',
];

/**
 * Replaces `XMLHttpRequest` with a subclass whose own listeners run before any the page adds, so
 * a failed attempt the agent retries never reaches the page: it sees only the final attempt.
 */
export function instrumentXhr(
  win: Window,
  hooks: XhrHooks,
  setTimer: (fn: () => void, ms: number) => unknown,
): () => void {
  const Native = (win as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
  if (typeof Native !== 'function') return () => {};
  const states = new WeakMap<XMLHttpRequest, State>();
  let active = true;
  const { open, send, setRequestHeader, abort } = Native.prototype;

  const resultOf = (xhr: XMLHttpRequest, state: State, type: string): XhrResult => {
    const status = xhr.status;
    return {
      status,
      durationMs: Date.now() - state.request.started,
      errorText: status === 0 && type !== 'timeout' ? 'XMLHttpRequest network error' : undefined,
      timedOut: type === 'timeout',
      retryAfter: status >= 400 ? header(xhr, 'retry-after') : null,
    };
  };

  const resend = (xhr: XMLHttpRequest, state: State) => {
    // The page gave up on it, or reused the object for another request, while the agent waited.
    if (state.pageAborted || states.get(xhr) !== state) return;
    state.replaying = true;
    try {
      open.apply(xhr, state.openArgs as Parameters<typeof open>);
      for (const [name, value] of state.headers) setRequestHeader.call(xhr, name, value);
      state.hidden = false;
      state.attempt += 1;
      state.result = undefined;
      send.call(xhr, state.body as XMLHttpRequestBodyInit);
    } catch {
      state.hidden = false;
    } finally {
      state.replaying = false;
    }
  };

  const listen = (xhr: XMLHttpRequest) => (event: Event) => {
    const state = states.get(xhr);
    if (!state || state.request.started === 0) return;
    if (state.replaying || (state.hidden && !state.pageAborted)) {
      event.stopImmediatePropagation();
      if (event.type === 'loadend' && state.hidden && !state.replaying) {
        setTimer(() => resend(xhr, state), state.delay);
      }
      return;
    }
    if (!active || state.pageAborted) return;
    // Decide at the first moment the page could learn how this attempt went.
    const decisive =
      (event.type === 'readystatechange' && xhr.readyState === 2 && xhr.status >= 400) ||
      (event.type === 'readystatechange' && xhr.readyState === 4 && xhr.status === 0) ||
      event.type === 'timeout';
    if (decisive && !state.result) {
      const elapsed = Date.now() - state.request.started;
      const timedOut = event.type === 'timeout' || (xhr.timeout > 0 && elapsed >= xhr.timeout);
      state.result = resultOf(xhr, state, timedOut ? 'timeout' : event.type);
      let delay: number | undefined;
      try {
        if (state.request.async)
          delay = hooks.onFailure(state.request, state.result, state.attempt);
      } catch {}
      if (delay !== undefined) {
        state.hidden = true;
        state.delay = delay;
        event.stopImmediatePropagation();
        return;
      }
    }
    if (event.type === 'loadend') {
      try {
        hooks.onEnd(state.request, state.result ?? resultOf(xhr, state, 'load'), state.attempt);
      } catch {}
    }
  };

  class PatchedXhr extends Native {
    constructor() {
      super();
      try {
        const listener = listen(this);
        for (const type of EVENTS) this.addEventListener(type, listener);
      } catch {}
    }
  }
  const proto = PatchedXhr.prototype as XMLHttpRequest;
  proto.open = markWrapper(function (this: XMLHttpRequest, ...args: unknown[]) {
    const state = states.get(this);
    if (!state?.replaying) {
      states.set(this, {
        request: {
          method: String(args[0] ?? 'GET').toUpperCase(),
          url: String(args[1] ?? ''),
          headerNames: [],
          async: args[2] !== false,
          started: 0,
        },
        openArgs: args,
        headers: [],
        body: null,
        attempt: 1,
        hidden: false,
        replaying: false,
        pageAborted: false,
        result: undefined,
        delay: 0,
      });
    }
    return (open as (...a: unknown[]) => void).apply(this, args);
  }, open) as typeof open;
  proto.setRequestHeader = markWrapper(function (
    this: XMLHttpRequest,
    name: string,
    value: string,
  ) {
    const state = states.get(this);
    if (state && !state.replaying) {
      state.headers.push([name, value]);
      state.request.headerNames.push(String(name).toLowerCase());
    }
    return setRequestHeader.call(this, name, value);
  }, setRequestHeader);
  proto.send = markWrapper(function (
    this: XMLHttpRequest,
    body?: Document | XMLHttpRequestBodyInit | null,
  ) {
    const state = states.get(this);
    if (state && !state.replaying) {
      state.body = body ?? null;
      state.request.started = Date.now();
    }
    return send.call(this, body);
  }, send);
  proto.abort = markWrapper(function (this: XMLHttpRequest) {
    const state = states.get(this);
    if (state) state.pageAborted = true;
    return abort.call(this);
  }, abort);

  const target = win as { XMLHttpRequest?: typeof XMLHttpRequest };
  target.XMLHttpRequest = markWrapper(PatchedXhr, Native);
  return () => {
    active = false;
    if (target.XMLHttpRequest === PatchedXhr) target.XMLHttpRequest = Native;
  };
}

function header(xhr: XMLHttpRequest, name: string): string | null {
  try {
    return xhr.getResponseHeader(name);
  } catch {
    return null;
  }
}
