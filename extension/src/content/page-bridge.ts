import {
  BRIDGE_CHANNEL,
  BRIDGE_EVENTS,
  type BridgeEnvelope,
  EXTENSION_PROTOCOL_VERSION,
  hasBridgeEnvelope,
  type PageConfig,
  toPageBody,
} from '@selfheal/shared';
import type { FromPage, Report } from '@selfheal/shared/protocol';
import { createHooklessJson } from './hookless-json.js';

/** Most messages held while the relay has not answered the handshake yet. */
const MAX_QUEUED = 200;
/** How long a report may wait for the extension's answer before the agent keeps it for later. */
const REPORT_TIMEOUT_MS = 30_000;

/** A message to the content script as the agent writes it; the bridge adds the envelope. */
type Outgoing = FromPage extends infer M ? (M extends FromPage ? Omit<M, 'v'> : never) : never;

/** The page end of the bridge to the extension's content script. */
export interface PageBridge {
  /** Sends a report through the extension; resolves with the collector's recommendations. */
  sendReport(report: Report): Promise<{ commands?: unknown[] } | undefined>;
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
 * the document, so no page script can listen to it or dispatch on it. Nothing a page script can
 * hook (a getter or `toJSON` on a prototype, a replaced `JSON` or `Function.prototype.call`)
 * ever runs with a message that holds the nonce, or with the node.
 */
export function createPageBridge(win: Window): PageBridge {
  const json = createHooklessJson();
  const nativeParse = JSON.parse;
  const { bind, call } = Function.prototype;
  const uncurry = <A extends unknown[], R>(fn: (...args: A) => R) =>
    bind.call(call, fn) as (self: unknown, ...args: A) => R;
  const dispatch = uncurry(EventTarget.prototype.dispatchEvent);
  const listen = uncurry(EventTarget.prototype.addEventListener);
  const unlisten = uncurry(EventTarget.prototype.removeEventListener);
  const detailGetter = Object.getOwnPropertyDescriptor(CustomEvent.prototype, 'detail')?.get;
  if (!detailGetter) throw new Error('CustomEvent has no detail');
  const detailOf = uncurry(detailGetter as () => unknown);
  const { assign, create } = Object;
  // Event init dictionaries are read member by member, inherited ones too: without a prototype
  // no getter on Object.prototype sees the detail or the node.
  const dict = <T extends object>(fields: T): T => assign(create(null), fields);
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

  /** A checked body as ordinary objects, which the agent needs; it never held the nonce. */
  const release = <T>(value: T): T => nativeParse(json.stringify(value)) as T;

  const send = (message: Outgoing) => {
    if (nonce === undefined) {
      if (queue.length < MAX_QUEUED) queue.push(message);
      return;
    }
    const wire = { ...message, channel: BRIDGE_CHANNEL, v: EXTENSION_PROTOCOL_VERSION, nonce };
    const detail = json.stringify(wire);
    dispatch(node, new NativeCustomEvent(BRIDGE_EVENTS.fromPage, dict({ detail })));
  };

  const onMessage = (event: Event) => {
    const detail = detailOf(event);
    if (typeof detail !== 'string') return;
    const value = json.parse(detail);
    if (nonce === undefined) {
      adoptNonce(value);
      return;
    }
    if (!hasBridgeEnvelope(value, nonce)) return;
    delete (value as Partial<BridgeEnvelope>).nonce;
    const message = toPageBody(value);
    if (!message) return;
    if (message.type === 'config') {
      const config = release(message.config);
      for (let i = 0; i < configListeners.length; i += 1) configListeners[i]?.(config);
    } else if (message.type === 'report_result') {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.ok) waiting.resolve({ commands: release(message.commands ?? []) });
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
    unlisten(win, BRIDGE_EVENTS.relayReady, announce, true);
    for (let i = 0; i < queue.length; i += 1) send(queue[i] as Outgoing);
    queue.length = 0;
  };

  const announce = () => {
    if (nonce !== undefined) return;
    const ready = new NativeMouseEvent(BRIDGE_EVENTS.mainReady, dict({ relatedTarget: node }));
    dispatch(win, ready);
  };

  listen(node, BRIDGE_EVENTS.toPage, onMessage);
  // Whichever side runs second completes the handshake, synchronously, before page scripts run.
  listen(win, BRIDGE_EVENTS.relayReady, announce, true);
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
