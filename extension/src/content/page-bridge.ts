import {
  BRIDGE_CHANNEL,
  BRIDGE_EVENTS,
  EXTENSION_PROTOCOL_VERSION,
  type FromPageMessage,
  type PageConfig,
  toPageMessage,
} from '@selfheal/shared';

/** Most messages held while the relay has not answered the handshake yet. */
const MAX_QUEUED = 200;
/** How long a report may wait for the extension's answer before the agent keeps it for later. */
const REPORT_TIMEOUT_MS = 30_000;

type Outgoing = FromPageMessage extends infer M
  ? M extends FromPageMessage
    ? Omit<M, 'channel' | 'v' | 'nonce'>
    : never
  : never;

/** The page end of the bridge to the extension's content script. */
export interface PageBridge {
  /** Sends a report through the extension; resolves with the collector's recommendations. */
  sendReport(report: Record<string, unknown>): Promise<{ commands?: unknown[] } | undefined>;
  /** Sends a message that needs no answer (activity, status, ready). */
  post(message: Outgoing): void;
  /** Calls `listener` with each new configuration from the extension. */
  onConfig(listener: (config: PageConfig) => void): void;
  /** True once the content script has answered the handshake. */
  readonly connected: boolean;
}

/**
 * Opens the bridge. Must run before any page script: it keeps the natives it uses, and the node
 * the two sides talk on is handed to the content script by the handshake and never attached to
 * the document, so no page script can listen to it or dispatch on it.
 */
export function createPageBridge(win: Window): PageBridge {
  const { stringify, parse } = JSON;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const listen = EventTarget.prototype.addEventListener;
  const unlisten = EventTarget.prototype.removeEventListener;
  const NativeCustomEvent = CustomEvent;
  const NativeMouseEvent = MouseEvent;
  const setTimer = win.setTimeout.bind(win);
  const clearTimer = win.clearTimeout.bind(win);

  const node = win.document.createElement('selfheal-bridge');
  let nonce: string | undefined;
  let sequence = 0;
  const queue: Outgoing[] = [];
  const pending = new Map<
    string,
    { resolve: (v: { commands?: unknown[] } | undefined) => void; reject: (e: Error) => void }
  >();
  const configListeners: Array<(config: PageConfig) => void> = [];

  const send = (message: Outgoing) => {
    if (nonce === undefined) {
      if (queue.length < MAX_QUEUED) queue.push(message);
      return;
    }
    const wire = { ...message, channel: BRIDGE_CHANNEL, v: EXTENSION_PROTOCOL_VERSION, nonce };
    dispatch.call(node, new NativeCustomEvent(BRIDGE_EVENTS.fromPage, { detail: stringify(wire) }));
  };

  const onMessage = (event: Event) => {
    const detail = (event as CustomEvent).detail;
    if (typeof detail !== 'string') return;
    let value: unknown;
    try {
      value = parse(detail);
    } catch {
      return;
    }
    if (nonce === undefined) {
      adoptNonce(value);
      return;
    }
    const message = toPageMessage(value, nonce);
    if (!message) return;
    if (message.type === 'config') {
      for (const listener of configListeners) listener(message.config);
    } else if (message.type === 'report_result') {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.ok) waiting.resolve({ commands: message.commands ?? [] });
      else if (message.retry) waiting.reject(new Error(message.error ?? 'report not delivered'));
      else waiting.resolve(undefined);
    }
  };

  const adoptNonce = (value: unknown) => {
    const hello = value as Record<string, unknown> | null;
    if (
      typeof hello !== 'object' ||
      hello === null ||
      hello.channel !== BRIDGE_CHANNEL ||
      hello.v !== EXTENSION_PROTOCOL_VERSION ||
      hello.type !== 'hello' ||
      typeof hello.nonce !== 'string' ||
      hello.nonce.length < 16
    ) {
      return;
    }
    nonce = hello.nonce;
    unlisten.call(win, BRIDGE_EVENTS.relayReady, announce, true);
    for (const message of queue.splice(0)) send(message);
  };

  const announce = () => {
    if (nonce !== undefined) return;
    dispatch.call(win, new NativeMouseEvent(BRIDGE_EVENTS.mainReady, { relatedTarget: node }));
  };

  listen.call(node, BRIDGE_EVENTS.toPage, onMessage);
  // Whichever side runs second completes the handshake, synchronously, before page scripts run.
  listen.call(win, BRIDGE_EVENTS.relayReady, announce, true);
  announce();

  return {
    get connected() {
      return nonce !== undefined;
    },
    post: send,
    onConfig(listener) {
      configListeners.push(listener);
    },
    sendReport(report) {
      sequence += 1;
      const id = `r${sequence}`;
      return new Promise((resolve, reject) => {
        const timer = setTimer(() => {
          pending.delete(id);
          reject(new Error('the extension did not answer'));
        }, REPORT_TIMEOUT_MS);
        pending.set(id, {
          resolve: (v) => {
            clearTimer(timer);
            resolve(v);
          },
          reject: (e) => {
            clearTimer(timer);
            reject(e);
          },
        });
        send({ type: 'report', id, report });
      });
    },
  };
}
