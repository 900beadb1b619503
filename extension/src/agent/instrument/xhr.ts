import { markWrapper } from '../native.js';

/** One finished `XMLHttpRequest`: what it asked for and how it ended. */
export interface XhrResult {
  method: string;
  url: string;
  /** 0 when no answer came back. */
  status: number;
  durationMs: number;
  errorText: string | undefined;
  timedOut: boolean;
  retryAfter: string | null;
}

interface Pending {
  method: string;
  url: string;
  started: number;
  failure: 'error' | 'timeout' | 'abort' | undefined;
}

/** Wraps `open` and `send` of `XMLHttpRequest` so `handler` sees each request end; returns the uninstall. */
export function instrumentXhr(win: Window, handler: (result: XhrResult) => void): () => void {
  const Xhr = (win as Window & { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
  if (typeof Xhr !== 'function') return () => {};
  const proto = Xhr.prototype;
  const { open, send } = proto;
  const pending = new WeakMap<XMLHttpRequest, Pending>();
  let active = true;

  const onEnd = function (this: XMLHttpRequest, event: Event) {
    const info = pending.get(this);
    if (!info) return;
    if (event.type !== 'loadend') {
      info.failure = event.type as Pending['failure'];
      return;
    }
    pending.delete(this);
    if (!active || info.failure === 'abort') return;
    const status = this.status;
    handler({
      method: info.method,
      url: info.url,
      status,
      durationMs: Date.now() - info.started,
      errorText: info.failure === 'error' ? 'XMLHttpRequest network error' : undefined,
      timedOut: info.failure === 'timeout',
      retryAfter: status >= 400 ? safeHeader(this, 'retry-after') : null,
    });
  };

  const patchedOpen = markWrapper(function (this: XMLHttpRequest, ...args: unknown[]) {
    try {
      pending.set(this, {
        method: String(args[0] ?? 'GET').toUpperCase(),
        url: String(args[1] ?? ''),
        started: 0,
        failure: undefined,
      });
    } catch {}
    return (open as (...a: unknown[]) => void).apply(this, args);
  }, open);
  const patchedSend = markWrapper(function (
    this: XMLHttpRequest,
    body?: Document | XMLHttpRequestBodyInit | null,
  ) {
    const info = pending.get(this);
    if (info && info.started === 0) {
      info.started = Date.now();
      for (const type of ['error', 'timeout', 'abort', 'loadend']) {
        this.addEventListener(type, onEnd);
      }
    }
    return send.call(this, body);
  }, send);

  proto.open = patchedOpen as typeof open;
  proto.send = patchedSend;
  return () => {
    active = false;
    if (proto.open === patchedOpen) proto.open = open;
    if (proto.send === patchedSend) proto.send = send;
  };
}

function safeHeader(xhr: XMLHttpRequest, name: string): string | null {
  try {
    return xhr.getResponseHeader(name);
  } catch {
    return null;
  }
}
