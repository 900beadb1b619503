import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  BRIDGE_CHANNEL,
  EXTENSION_PROTOCOL_VERSION,
  hasBridgeEnvelope,
  type ToPageMessage,
  toPageBody,
  toPageMessage,
} from './bridge.js';
import { fromPageSchema, type toPageSchema } from './protocol/extension.js';

const nonce = 'a'.repeat(32);
const wire = (body: Record<string, unknown>) => ({
  channel: BRIDGE_CHANNEL,
  v: EXTENSION_PROTOCOL_VERSION,
  nonce,
  ...body,
});

describe('toPageMessage (the page agent’s zod-free check)', () => {
  it('accepts a config and a report result carrying this page’s nonce', () => {
    const config = wire({
      type: 'config',
      config: { autoFixEnabled: false, reportingEnabled: true },
    });
    expect(toPageMessage(config, nonce)).toEqual(config);
    const result = wire({ type: 'report_result', id: 'r1', ok: true, commands: [] });
    expect(toPageMessage(result, nonce)).toEqual(result);
  });

  it('refuses a message with another nonce, tag or version, or none', () => {
    const config = { type: 'config', config: { autoFixEnabled: true, reportingEnabled: true } };
    expect(toPageMessage({ ...wire(config), nonce: 'b'.repeat(32) }, nonce)).toBeUndefined();
    expect(toPageMessage({ ...wire(config), channel: 'other' }, nonce)).toBeUndefined();
    expect(toPageMessage({ ...wire(config), v: 2 }, nonce)).toBeUndefined();
    const { nonce: _, ...bare } = wire(config);
    expect(toPageMessage(bare, nonce)).toBeUndefined();
    // A short expected nonce means the handshake never happened: nothing passes.
    expect(toPageMessage({ ...wire(config), nonce: 'x' }, 'x')).toBeUndefined();
  });

  it('carries the switch that turns the agent off, and only as a boolean', () => {
    const off = { autoFixEnabled: true, reportingEnabled: true, agentEnabled: false };
    expect(toPageMessage(wire({ type: 'config', config: off }), nonce)).toMatchObject({
      config: { agentEnabled: false },
    });
    const bad = { ...off, agentEnabled: 'off' };
    expect(toPageMessage(wire({ type: 'config', config: bad }), nonce)).toBeUndefined();
  });

  it('refuses malformed payloads and unknown types', () => {
    expect(
      toPageMessage(wire({ type: 'config', config: { autoFixEnabled: 'yes' } }), nonce),
    ).toBeUndefined();
    expect(toPageMessage(wire({ type: 'report_result', id: 1, ok: true }), nonce)).toBeUndefined();
    expect(
      toPageMessage(wire({ type: 'report_result', id: 'r', ok: true, commands: {} }), nonce),
    ).toBeUndefined();
    expect(
      toPageMessage(wire({ type: 'report_result', id: 'r', ok: false, retry: 'no' }), nonce),
    ).toBeUndefined();
    expect(toPageMessage(wire({ type: 'eval', code: 'alert(1)' }), nonce)).toBeUndefined();
    expect(toPageMessage(null, nonce)).toBeUndefined();
    expect(toPageMessage('{"type":"config"}', nonce)).toBeUndefined();
  });

  it('names the same message types as the zod schema', () => {
    type Zod = z.infer<typeof toPageSchema>;
    expectTypeOf<Zod['type']>().toEqualTypeOf<Exclude<ToPageMessage['type'], 'hello'>>();
  });
});

describe('toPageBody (what the page agent checks once the nonce is off)', () => {
  it('accepts a message without its envelope and refuses a malformed one', () => {
    const config = { type: 'config', config: { autoFixEnabled: true, reportingEnabled: true } };
    expect(toPageBody(config)).toEqual(config);
    expect(toPageBody({ type: 'report_result', id: 'r1', ok: false, retry: true })).toBeDefined();
    expect(toPageBody({ type: 'config', config: { criticalSelectors: [1] } })).toBeUndefined();
    expect(toPageBody([config])).toBeUndefined();
  });

  it('reads a message without a prototype, and never hands one to a replaced Array.isArray', () => {
    const body = Object.assign(Object.create(null), {
      type: 'config',
      config: Object.assign(Object.create(null), {
        autoFixEnabled: false,
        reportingEnabled: true,
        criticalSelectors: Object.setPrototypeOf(['#app'], null),
      }),
    });
    const message = Object.assign(Object.create(null), wire({}), body);
    const { isArray } = Array;
    const seen: unknown[] = [];
    Array.isArray = (value: unknown): value is unknown[] => {
      seen.push(value);
      return isArray(value);
    };
    try {
      expect(hasBridgeEnvelope(message, nonce)).toBe(true);
      expect(toPageBody(body)).toBe(body);
    } finally {
      Array.isArray = isArray;
    }
    expect(seen).toEqual([]);
  });
});

describe('fromPageSchema (what the content script forwards)', () => {
  const event = { id: 'e1', type: 'error', timestamp: 1, message: 'TypeError: x is undefined' };

  it('accepts a report, an activity, a status and a ready message', () => {
    const messages = [
      { type: 'report', id: 'r1', report: { agent: 'frontend', events: [event] } },
      { type: 'activity', event },
      {
        type: 'status',
        status: { metrics: { errorsDetected: 1 }, health: { fixSuccessRate: 1, uptime: 5 } },
      },
      { type: 'ready', url: 'http://localhost:3000/' },
    ];
    for (const message of messages) {
      expect(fromPageSchema.safeParse({ v: 1, ...message }).success).toBe(true);
    }
  });

  it('refuses a report that the collector would refuse, and another version', () => {
    const bad = { v: 1, type: 'report', id: 'r1', report: { agent: 'frontend', events: [] } };
    expect(fromPageSchema.safeParse(bad).success).toBe(false);
    const other = { v: 2, type: 'activity', event };
    expect(fromPageSchema.safeParse(other).success).toBe(false);
  });
});
