import { EXTENSION_PROTOCOL_VERSION } from '@selfheal/shared';
import {
  type PanelToWorker,
  type WorkerToPanel,
  workerToPanelSchema,
} from '@selfheal/shared/protocol';
import browser, { type Runtime } from 'webextension-polyfill';
import { PANEL_PORT } from '../background/ports.js';

type Outgoing = PanelToWorker extends infer M
  ? M extends PanelToWorker
    ? Omit<M, 'v'>
    : never
  : never;

/** The panel's pipe to the service worker, reopened with backoff whenever the worker goes away. */
export interface Connection {
  send(message: Outgoing): void;
  close(): void;
}

/** Backoff before the n-th reconnection: 100 ms doubling to 5 s, with jitter. */
export function backoffMs(attempt: number): number {
  const base = Math.min(5_000, 100 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

/**
 * Connects to the worker; `onOpen` runs on every (re)connection, so the panel subscribes again and
 * gets the stored state of its tab; `onMessage` gets each valid message.
 */
export function connect(handlers: {
  onOpen(connection: Connection): void;
  onMessage(message: WorkerToPanel): void;
  onStatus(status: 'connected' | 'reconnecting'): void;
}): Connection {
  let port: Runtime.Port | undefined;
  let attempt = 0;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connection: Connection = {
    send(message) {
      try {
        port?.postMessage({ ...message, v: EXTENSION_PROTOCOL_VERSION });
      } catch {
        // Disconnected: the reconnection sends a fresh subscription.
      }
    },
    close() {
      closed = true;
      clearTimeout(timer);
      port?.disconnect();
    },
  };

  const open = () => {
    if (closed) return;
    try {
      port = browser.runtime.connect({ name: PANEL_PORT });
    } catch {
      retry();
      return;
    }
    port.onMessage.addListener((raw: unknown) => {
      const parsed = workerToPanelSchema.safeParse(raw);
      if (!parsed.success) return;
      attempt = 0;
      handlers.onMessage(parsed.data);
    });
    port.onDisconnect.addListener(() => {
      port = undefined;
      retry();
    });
    handlers.onStatus('connected');
    handlers.onOpen(connection);
  };

  const retry = () => {
    if (closed) return;
    handlers.onStatus('reconnecting');
    timer = setTimeout(open, backoffMs(attempt));
    attempt += 1;
  };

  open();
  return connection;
}
