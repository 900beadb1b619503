import { replace, wrapMethod } from '../native.js';

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
  hidden?: boolean;
  /** The agent is re-opening and re-sending: the events that causes are hidden too. */
  replaying?: boolean;
  pageAborted?: boolean;
  result?: XhrResult | undefined;
  /** Wait before the hidden attempt is sent again. */
  delay?: number;
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
 * Wraps the `XMLHttpRequest` constructor, so each request gets the agent's listeners before any
 * the page adds, and `open`, `setRequestHeader`, `send` and `abort` on its prototype, so a failed
 * attempt the agent retries never reaches the page: it sees only the final attempt. Instances
 * keep the native prototype, so `instanceof` holds both ways with references saved before.
 */
export function instrumentXhr(
  win: Window,
  hooks: XhrHooks,
  setTimer: (fn: () => void, ms: number) => unknown,
): () => void {
  const target = win as unknown as { XMLHttpRequest: typeof XMLHttpRequest };
  const Native = target.XMLHttpRequest;
  if (typeof Native !== 'function') return () => {};
  const states = new WeakMap<XMLHttpRequest, State>();
  let active = true;
  const proto = Native.prototype;
  const { open, send, setRequestHeader } = proto;

  const resultOf = (xhr: XMLHttpRequest, state: State, timedOut = false): XhrResult => {
    const status = xhr.status;
    return {
      status,
      durationMs: Date.now() - state.request.started,
      errorText: status || timedOut ? undefined : 'XMLHttpRequest network error',
      timedOut,
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
    const { type } = event;
    if (!state || state.request.started === 0) return;
    if (state.replaying || (state.hidden && !state.pageAborted)) {
      event.stopImmediatePropagation();
      if (type === 'loadend' && state.hidden && !state.replaying) {
        setTimer(() => resend(xhr, state), state.delay as number);
      }
      return;
    }
    if (!active || state.pageAborted) return;
    // Decide at the first moment the page could learn how this attempt went.
    const ready = type === 'readystatechange' && xhr.readyState;
    if (
      ((ready === 2 && xhr.status >= 400) || (ready === 4 && !xhr.status) || type === 'timeout') &&
      !state.result
    ) {
      const elapsed = Date.now() - state.request.started;
      state.result = resultOf(
        xhr,
        state,
        type === 'timeout' || (xhr.timeout > 0 && elapsed >= xhr.timeout),
      );
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
    if (type === 'loadend') {
      try {
        hooks.onEnd(state.request, state.result ?? resultOf(xhr, state), state.attempt);
      } catch {}
    }
  };

  // Each method records what the agent needs to send the request again, then runs the one it found.
  const hook = (
    key: 'open' | 'setRequestHeader' | 'send' | 'abort',
    before: (state: State | undefined, xhr: XMLHttpRequest, args: unknown[]) => void,
  ) =>
    wrapMethod(proto, key, (original, xhr, args) => {
      try {
        const state = states.get(xhr);
        if (!state?.replaying) before(state, xhr, args);
      } catch {}
      return Reflect.apply(original, xhr, args);
    });
  const uninstalls = [
    wrapMethod(
      target,
      'XMLHttpRequest',
      (original, args, newTarget) => {
        const xhr = Reflect.construct(original, args, newTarget);
        try {
          const listener = listen(xhr);
          for (const type of EVENTS) xhr.addEventListener(type, listener);
        } catch {}
        return xhr;
      },
      'construct',
    ),
    // As natively, the prototype's `constructor` is the global.
    target.XMLHttpRequest === Native
      ? () => {}
      : replace(proto as { constructor: unknown }, 'constructor', target.XMLHttpRequest, Native),
    hook('open', (_, xhr, args) => {
      states.set(xhr, {
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
      });
    }),
    hook('setRequestHeader', (state, _, [name, value]) => {
      state?.headers.push([name as string, value as string]);
      state?.request.headerNames.push(String(name).toLowerCase());
    }),
    hook('send', (state, _, [body]) => {
      if (!state) return;
      state.body = body ?? null;
      state.request.started = Date.now();
    }),
    hook('abort', (state) => {
      if (state) state.pageAborted = true;
    }),
  ];
  return () => {
    active = false;
    for (const uninstall of uninstalls) uninstall();
  };
}

function header(xhr: XMLHttpRequest, name: string): string | null {
  try {
    return xhr.getResponseHeader(name);
  } catch {
    return null;
  }
}
