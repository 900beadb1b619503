/**
 * The page side of the extension's message protocol, without zod: the agent in the page checks
 * what the content script sends it with these guards. The zod schemas of the same messages are in
 * `@selfheal/shared/protocol` (`extension.ts`), which the content script and service worker use.
 */

/** Tag carried by every message of the extension's protocol. */
export const BRIDGE_CHANNEL = 'selfheal';
/** Version of the extension's message protocol; a receiver drops messages of another version. */
export const EXTENSION_PROTOCOL_VERSION = 1;

/** DOM event names: the two handshake events and the one event that carries messages. */
export const BRIDGE_EVENTS = {
  /** Sent by the agent's bootstrap on `window`, with the private node as `relatedTarget`. */
  mainReady: 'selfheal:main-ready',
  /** Sent by the content script on `window` to ask a bootstrap that ran first to announce itself. */
  relayReady: 'selfheal:relay-ready',
  /** A message to the page agent, dispatched on the private node only, `detail` a JSON string. */
  toPage: 'selfheal:to-page',
  /** A message from the page agent, dispatched on the private node only, `detail` a JSON string. */
  fromPage: 'selfheal:from-page',
} as const;

/** Settings the page agent may know. Nothing secret: the key and URLs stay in the extension. */
export interface PageConfig {
  autoFixEnabled: boolean;
  reportingEnabled: boolean;
  criticalSelectors?: string[];
}

/** Fields of every message that crosses the page boundary. */
export interface BridgeEnvelope {
  channel: typeof BRIDGE_CHANNEL;
  v: typeof EXTENSION_PROTOCOL_VERSION;
  nonce: string;
}

/** Messages the content script sends the page agent. */
export type ToPageMessage = BridgeEnvelope &
  (
    | { type: 'hello' }
    | { type: 'config'; config: PageConfig }
    | {
        type: 'report_result';
        id: string;
        ok: boolean;
        /** When not ok: true if sending again later may succeed (collector unreachable, 503). */
        retry?: boolean;
        /** The collector's recommendations; the agent checks each (`toPageCommand`). */
        commands?: unknown[];
        error?: string;
      }
  );

/** Messages the page agent sends the content script (their payloads are checked there, with zod). */
export type FromPageMessage = BridgeEnvelope &
  (
    | { type: 'ready'; url: string }
    | { type: 'report'; id: string; report: Record<string, unknown> }
    | { type: 'activity'; event: Record<string, unknown> }
    | { type: 'status'; status: Record<string, unknown> }
  );

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when `value` carries this protocol's tag, version and the expected nonce. */
export function hasBridgeEnvelope(value: unknown, nonce: string): value is BridgeEnvelope {
  return (
    isRecord(value) &&
    value.channel === BRIDGE_CHANNEL &&
    value.v === EXTENSION_PROTOCOL_VERSION &&
    typeof value.nonce === 'string' &&
    nonce.length >= 16 &&
    value.nonce === nonce
  );
}

function isPageConfig(value: unknown): value is PageConfig {
  return (
    isRecord(value) &&
    typeof value.autoFixEnabled === 'boolean' &&
    typeof value.reportingEnabled === 'boolean' &&
    (value.criticalSelectors === undefined ||
      (Array.isArray(value.criticalSelectors) &&
        value.criticalSelectors.every((s) => typeof s === 'string')))
  );
}

/** The message if `value` is a well-formed message to the page with the expected nonce. */
export function toPageMessage(value: unknown, nonce: string): ToPageMessage | undefined {
  if (!hasBridgeEnvelope(value, nonce)) return undefined;
  const message = value as unknown as Record<string, unknown>;
  switch (message.type) {
    case 'hello':
      return value as ToPageMessage;
    case 'config':
      return isPageConfig(message.config) ? (value as ToPageMessage) : undefined;
    case 'report_result': {
      const { id, ok, retry, commands, error } = message;
      if (typeof id !== 'string' || typeof ok !== 'boolean') return undefined;
      if (retry !== undefined && typeof retry !== 'boolean') return undefined;
      if (error !== undefined && typeof error !== 'string') return undefined;
      if (commands !== undefined && !Array.isArray(commands)) return undefined;
      return value as ToPageMessage;
    }
    default:
      return undefined;
  }
}
