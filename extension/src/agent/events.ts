import {
  classifyPageFault,
  type EventType,
  LIMITS,
  pageFaultFingerprint,
  scrubPageData,
  scrubPageText,
  scrubPageUrl,
} from '@selfheal/shared';
import type { Event as AgentEvent } from '@selfheal/shared/protocol';

// Tighter than the protocol's limits: a page's report must also fit a keepalive request.
const MAX_MESSAGE = 4_096;
const MAX_STACK = 16_384;

/** A fault as an instrument saw it, before it is classified, fingerprinted and scrubbed. */
export interface FaultInput {
  type: Exclude<EventType, 'fix_attempt' | 'fix_outcome' | 'health_check'>;
  message?: string;
  stack?: string;
  url?: string;
  data?: Record<string, unknown>;
}

/** Makes event ids unique within a page load: a random session prefix and a counter. */
export function createIds(sessionId: string): () => string {
  let sequence = 0;
  return () => {
    sequence += 1;
    return `${sessionId}-${sequence}`;
  };
}

/** A random id for this page load. */
export function newSessionId(random: () => number): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `${Math.floor(random() * 2 ** 52).toString(36)}${Date.now().toString(36)}`;
}

/** The fault as an event: classified and fingerprinted on the raw text, then scrubbed and trimmed. */
export function toFaultEvent(input: FaultInput, id: string, timestamp: number): AgentEvent {
  const { kind, severity } = classifyPageFault(input);
  const event: AgentEvent = {
    id,
    type: input.type,
    timestamp,
    kind,
    severity,
    fingerprint: pageFaultFingerprint({ ...input, kind }),
  };
  if (input.message) event.message = scrubPageText(input.message.slice(0, MAX_MESSAGE));
  if (input.stack) event.stack = scrubPageText(input.stack.slice(0, MAX_STACK));
  if (input.url) event.url = scrubPageUrl(input.url.slice(0, LIMITS.maxUrlLength));
  if (input.data) event.data = scrubPageData(input.data) as Record<string, unknown>;
  return event;
}
