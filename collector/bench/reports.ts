import { randomUUID } from 'node:crypto';
import { classify, fingerprint } from '@selfheal/shared';

const MESSAGES = [
  "TypeError: Cannot read properties of undefined (reading 'items')",
  'ReferenceError: analytics is not defined',
  'Failed to fetch dynamically imported module: https://shop.example/assets/checkout.3f9a2b1c.js',
  'GET https://api.shop.example/v1/carts/81723 failed: 503 Service Unavailable',
  'connect ECONNREFUSED 10.0.0.12:5432',
];
const STACK = '    at renderCart (https://shop.example/assets/app.3f9a2b1c.js:1:48211)';

/** What an agent computes for each message; done once here so the load generator stays cheap. */
const AGENT_FIELDS = MESSAGES.map((message) => {
  const event = { type: 'error' as const, message, stack: STACK };
  const { kind, severity } = classify(event);
  return { kind, severity, fingerprint: fingerprint({ ...event, kind }) };
});

let sequence = 0;
/**
 * A 10-event report of about 3.8 KB whose event ids are all new. `classified` events carry kind,
 * severity and fingerprint as the agents send them; otherwise the collector computes them.
 */
export function reportBody(classified: boolean): string {
  const run = randomUUID();
  const events = Array.from({ length: 10 }, (_, i) => {
    sequence += 1;
    const event = {
      id: `${run}-${i}`,
      type: 'error' as const,
      message: MESSAGES[sequence % MESSAGES.length] as string,
      stack: STACK,
      timestamp: Date.now(),
      url: `https://shop.example/cart?session=${sequence}`,
    };
    return classified
      ? { ...event, ...(AGENT_FIELDS[sequence % MESSAGES.length] as object) }
      : event;
  });
  const body = { agent: 'frontend', sessionId: run, url: 'https://shop.example/cart', events };
  return JSON.stringify(body);
}
