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
  /** False: the agent removes itself from the page, leaving no trace, until the page loads again. */
  agentEnabled?: boolean;
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

/** A message to the page as the agent receives it: the envelope, nonce included, taken off. */
export type ToPageBody = ToPageMessage extends infer M
  ? M extends ToPageMessage
    ? Omit<M, keyof BridgeEnvelope>
    : never
  : never;

/** Messages the page agent sends the content script (their payloads are checked there, with zod). */
export type FromPageMessage = BridgeEnvelope &
  (
    | { type: 'ready'; url: string }
    | { type: 'report'; id: string; report: Record<string, unknown> }
    | { type: 'activity'; event: Record<string, unknown> }
    | { type: 'status'; status: Record<string, unknown> }
  );

// Kept when the agent's bundle loads, before any page script, so a page that replaces
// `Array.isArray` is never handed a message (and its nonce) to look at.
const { isArray } = Array;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !isArray(value);

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
    (value.agentEnabled === undefined || typeof value.agentEnabled === 'boolean') &&
    (value.criticalSelectors === undefined ||
      (isArray(value.criticalSelectors) && allStrings(value.criticalSelectors)))
  );
}

/** An index loop: the page may have replaced `Array.prototype.every` and its iterator. */
function allStrings(list: unknown[]): boolean {
  for (let i = 0; i < list.length; i += 1) if (typeof list[i] !== 'string') return false;
  return true;
}

/** The message if `value` is a well-formed message to the page with the expected nonce. */
export function toPageMessage(value: unknown, nonce: string): ToPageMessage | undefined {
  if (!hasBridgeEnvelope(value, nonce)) return undefined;
  return toPageBody(value) ? (value as ToPageMessage) : undefined;
}

/**
 * The message if `value` is a well-formed message to the page, envelope or not. The page agent
 * checks the envelope first and hands this only what is left, so no check sees the nonce.
 */
export function toPageBody(value: unknown): ToPageBody | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'hello':
      return value as ToPageBody;
    case 'config':
      return isPageConfig(value.config) ? (value as ToPageBody) : undefined;
    case 'report_result': {
      const { id, ok, retry, commands, error } = value;
      if (typeof id !== 'string' || typeof ok !== 'boolean') return undefined;
      if (retry !== undefined && typeof retry !== 'boolean') return undefined;
      if (error !== undefined && typeof error !== 'string') return undefined;
      if (commands !== undefined && !isArray(commands)) return undefined;
      return value as ToPageBody;
    }
    default:
      return undefined;
  }
}
