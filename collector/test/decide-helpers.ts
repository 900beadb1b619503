import { randomUUID } from 'node:crypto';
import type { Collector } from '../src/collector.js';
import { type DecisionConfig, defaultDecisionConfig } from '../src/config.js';
import { ADMIN, adminGet, report, serviceKey } from './harness.js';

/** A clock the test moves by hand (it starts at the real time and only goes forward). */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

/** Creates a clock at the real time. */
export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
  };
}

/** Decision settings for tests: the defaults, changed by `patch`. */
export function decisions(patch: Partial<DecisionConfig> = {}): { decisions: DecisionConfig } {
  return { decisions: { ...defaultDecisionConfig, ...patch } };
}

/** A failing health check of `service` with the given kind, critical. */
export function healthFault(kind: string, check = kind) {
  return {
    id: `hc-${randomUUID()}`,
    type: 'health_check',
    kind,
    severity: 'critical',
    message: `${check} check failing`,
    fingerprint: `fp-${kind}-${check}`,
    data: { check, status: 'fail' },
    timestamp: Date.now(),
  };
}

/** Sends a backend report for `service` and checks it was accepted. */
export async function sendBackend(
  base: string,
  service: string,
  events: unknown[],
  key?: string,
): Promise<Response> {
  const res = await report(
    base,
    { agent: 'backend', service, hostname: 'h1', events },
    key ? { authorization: `Bearer ${key}` } : {},
  );
  if (res.status !== 202) throw new Error(`report: ${res.status} ${await res.text()}`);
  return res;
}

/** A fix_outcome event for a command (or a local fix when `commandId` is absent). */
export function fixOutcome(data: {
  strategy: string;
  fingerprint: string;
  success: boolean;
  commandId?: string;
  local?: boolean;
  alreadyFixedBy?: string;
}) {
  return {
    id: `fo-${randomUUID()}`,
    type: 'fix_outcome',
    message: `${data.strategy} ${data.success ? 'worked' : 'failed'}`,
    data: { verifiedBy: 'check', ...data },
    timestamp: Date.now(),
  };
}

/** Long-polls the command channel. */
export async function poll(
  base: string,
  service: string,
  wait: number,
  extra = '',
  key?: string,
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert on them
): Promise<{ status: number; body: any }> {
  const res = await fetch(
    `${base}/api/commands?service=${service}&agent=${service}:h1&wait=${wait}${extra}`,
    { headers: { authorization: `Bearer ${key ?? (await serviceKey(base, service))}` } },
  );
  return { status: res.status, body: await res.json() };
}

/** Acknowledges a command as `service` (with its key unless `key` is given). */
export async function ack(
  base: string,
  service: string,
  commandId: string,
  patch: Record<string, unknown> = {},
  key?: string,
): Promise<Response> {
  return fetch(`${base}/api/commands/${commandId}/ack`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key ?? (await serviceKey(base, service))}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      type: 'command_ack',
      protocolVersion: 1,
      commandId,
      agentId: `${service}:h1`,
      accepted: true,
      receivedAt: new Date().toISOString(),
      ...patch,
    }),
  });
}

/** POSTs to an admin route. */
export function adminPost(base: string, path: string): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}` },
  });
}

/** Waits for the loop to settle what it was handed, and sweeps (expiry, verification). */
export async function settle(collector: Collector): Promise<void> {
  await collector.decisions.idle();
  await collector.decisions.sweep();
  await collector.decisions.idle();
}

/** Polls `check` until it returns a value, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The decisions the collector holds for `fingerprint`, newest first. */
// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert on them
export async function decisionsFor(base: string, fingerprint: string): Promise<any[]> {
  return (await adminGet(base, `/api/decisions?fingerprint=${fingerprint}`)).decisions;
}
