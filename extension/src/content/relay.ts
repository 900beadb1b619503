import {
  BRIDGE_CHANNEL,
  BRIDGE_EVENTS,
  EXTENSION_PROTOCOL_VERSION,
  hasBridgeEnvelope,
} from '@selfheal/shared';
import { fromPageSchema, type ToPage, toPageSchema } from '@selfheal/shared/protocol';
import browser, { type Runtime } from 'webextension-polyfill';
import { TAB_PORT } from '../background/ports.js';

/**
 * The content script (isolated world): it only relays. It checks that each message from the page
 * came on the private node with this page's nonce and has the protocol's shape, and forwards it to
 * the service worker; it forwards the worker's answers back. It holds no settings.
 */

const nonce = `${crypto.randomUUID()}${crypto.randomUUID()}`.replaceAll('-', '');
let node: EventTarget | undefined;
let port: Runtime.Port | undefined;
/** Reports sent to the worker and not answered yet, so a worker restart can answer them. */
const inFlight = new Set<string>();

function toPage(message: ToPage | { v: number; type: 'hello' }) {
  if (!node) return;
  const wire = { ...message, channel: BRIDGE_CHANNEL, nonce };
  node.dispatchEvent(new CustomEvent(BRIDGE_EVENTS.toPage, { detail: JSON.stringify(wire) }));
}

function connect(): Runtime.Port {
  if (port) return port;
  const opened = browser.runtime.connect({ name: TAB_PORT });
  opened.onMessage.addListener((raw: unknown) => {
    const parsed = toPageSchema.safeParse(raw);
    if (!parsed.success) return;
    if (parsed.data.type === 'report_result') inFlight.delete(parsed.data.id);
    toPage(parsed.data);
  });
  opened.onDisconnect.addListener(() => {
    port = undefined;
    // The worker was stopped mid-report: let the agent keep those events and send them again.
    for (const id of inFlight) {
      toPage({
        v: EXTENSION_PROTOCOL_VERSION,
        type: 'report_result',
        id,
        ok: false,
        retry: true,
        error: 'the extension restarted',
      });
    }
    inFlight.clear();
  });
  port = opened;
  return opened;
}

function onFromPage(event: Event) {
  const detail = (event as CustomEvent).detail;
  if (typeof detail !== 'string' || detail.length > 2_000_000) return;
  let value: unknown;
  try {
    value = JSON.parse(detail);
  } catch {
    return;
  }
  if (!hasBridgeEnvelope(value, nonce)) return;
  const {
    channel: _channel,
    nonce: _nonce,
    ...message
  } = value as unknown as Record<string, unknown>;
  const parsed = fromPageSchema.safeParse(message);
  if (!parsed.success) {
    if (message.type === 'report' && typeof message.id === 'string') {
      const error = parsed.error.issues[0];
      toPage({
        v: EXTENSION_PROTOCOL_VERSION,
        type: 'report_result',
        id: message.id.slice(0, 128),
        ok: false,
        retry: false,
        error: `invalid report: ${error?.path.join('.')}: ${error?.message}`.slice(0, 1_024),
      });
    }
    return;
  }
  if (parsed.data.type === 'report') inFlight.add(parsed.data.id);
  try {
    connect().postMessage(parsed.data);
  } catch {
    port = undefined;
  }
}

function onMainReady(event: Event) {
  const target = (event as MouseEvent).relatedTarget;
  // Only the first announcement counts: the bootstrap's, made before any page script ran.
  window.removeEventListener(BRIDGE_EVENTS.mainReady, onMainReady, true);
  if (node || !(target instanceof EventTarget)) return;
  node = target;
  node.addEventListener(BRIDGE_EVENTS.fromPage, onFromPage);
  toPage({ v: EXTENSION_PROTOCOL_VERSION, type: 'hello' });
  connect();
}

window.addEventListener(BRIDGE_EVENTS.mainReady, onMainReady, true);
window.dispatchEvent(new Event(BRIDGE_EVENTS.relayReady));
