import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, FAULT_EVENT_TYPES, FIX_EVENT_TYPES } from '../taxonomy.js';
import {
  anyReportSchema,
  dashboardUpdateSchema,
  eventSchema,
  LIMITS,
  legacyReportSchema,
  reportSchema,
} from './index.js';

const base = { id: 'e-1', timestamp: 1_764_403_200_000 };

describe('report schema', () => {
  it.each([
    [
      'an error',
      {
        ...base,
        type: 'error',
        message: 'TypeError: x is not a function',
        data: { source: 'onerror', lineno: 3 },
      },
    ],
    [
      'a failed request',
      {
        ...base,
        type: 'network',
        url: 'https://api.example/x',
        data: { method: 'GET', status: 503, durationMs: 120, retryAfter: 2 },
      },
    ],
    [
      'a failed script',
      {
        ...base,
        type: 'resource',
        url: 'https://cdn.example/app.js',
        data: { tag: 'script', module: true },
      },
    ],
    ['a missing element', { ...base, type: 'ui', data: { selector: '#checkout' } }],
    [
      'a long task',
      { ...base, type: 'performance', data: { metric: 'long_task', value: 320, threshold: 50 } },
    ],
    [
      'a failing health check',
      { ...base, type: 'health_check', data: { check: 'db', status: 'fail' } },
    ],
    [
      'a fix attempt',
      {
        ...base,
        type: 'fix_attempt',
        data: { strategy: 'retry_request', fingerprint: 'abc', attempt: 1 },
      },
    ],
    [
      'a fix outcome',
      {
        ...base,
        type: 'fix_outcome',
        data: {
          strategy: 'reconnect_database',
          fingerprint: 'abc',
          success: true,
          commandId: 'c-1',
        },
      },
    ],
    ['unknown data keys (kept)', { ...base, type: 'error', data: { custom: { nested: [1, 2] } } }],
    [
      'agent-side classification',
      {
        ...base,
        type: 'error',
        kind: 'type_error',
        severity: 'high',
        fingerprint: '0123456789abcdef',
      },
    ],
  ])('accepts %s', (_name, event) => {
    const parsed = reportSchema.parse({ agent: 'frontend', events: [event] });
    expect(parsed.events[0]).toMatchObject(event);
  });

  it.each([
    ['an unknown type', { ...base, type: 'boom' }, 'events.0.type'],
    [
      'a string status',
      { ...base, type: 'network', data: { status: '503' } },
      'events.0.data.status',
    ],
    [
      'a health status outside pass/warn/fail',
      { ...base, type: 'health_check', data: { status: 'meh' } },
      'events.0.data.status',
    ],
    [
      'success that is not a boolean',
      {
        ...base,
        type: 'fix_outcome',
        data: { strategy: 'retry_request', fingerprint: 'a', success: 'yes' },
      },
      'events.0.data.success',
    ],
    [
      'a fix outcome without its success flag',
      { ...base, type: 'fix_outcome', data: { strategy: 'retry_request', fingerprint: 'a' } },
      'events.0.data.success',
    ],
    ['a fix outcome without data', { ...base, type: 'fix_outcome' }, 'events.0.data'],
    [
      'a fix for a strategy outside the catalog',
      { ...base, type: 'fix_attempt', data: { strategy: 'rm_rf', fingerprint: 'a' } },
      'events.0.data.strategy',
    ],
    [
      'a fingerprint with spaces',
      { ...base, type: 'error', fingerprint: 'a b' },
      'events.0.fingerprint',
    ],
    [
      'a timestamp that is not finite',
      { ...base, type: 'error', timestamp: Number.POSITIVE_INFINITY },
      'events.0.timestamp',
    ],
    ['an empty id', { ...base, type: 'error', id: '' }, 'events.0.id'],
    [
      'a long url',
      { ...base, type: 'error', url: 'u'.repeat(LIMITS.maxUrlLength + 1) },
      'events.0.url',
    ],
  ])('rejects %s at %s', (_name, event, path) => {
    const result = reportSchema.safeParse({ agent: 'frontend', events: [event] });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toContain(path);
  });

  it('bounds the depth and size of data', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < LIMITS.maxDataDepth + 2; i++) deep = { deep };
    const tooDeep = reportSchema.safeParse({
      agent: 'backend',
      events: [{ ...base, type: 'error', data: deep }],
    });
    expect(tooDeep.error?.issues[0]?.message).toContain('nested deeper');
    const wide = Object.fromEntries(
      Array.from({ length: LIMITS.maxDataNodes + 1 }, (_, i) => [`k${i}`, i]),
    );
    const tooWide = reportSchema.safeParse({
      agent: 'backend',
      events: [{ ...base, type: 'error', data: wide }],
    });
    expect(tooWide.error?.issues[0]?.message).toContain('more than');
  });

  it('caps the events in one report', () => {
    const events = Array.from({ length: LIMITS.maxEventsPerReport + 1 }, (_, i) => ({
      ...base,
      id: `e${i}`,
      type: 'error',
    }));
    expect(reportSchema.safeParse({ agent: 'frontend', events }).success).toBe(false);
    expect(reportSchema.safeParse({ agent: 'frontend', events: events.slice(1) }).success).toBe(
      true,
    );
  });

  it('accepts the original single-event form without id or timestamp', () => {
    const legacy = { agent: 'backend', service: 'api', event: { type: 'error', message: 'boom' } };
    expect(legacyReportSchema.parse(legacy).event).toEqual({ type: 'error', message: 'boom' });
    expect(anyReportSchema.safeParse(legacy).success).toBe(true);
  });
});

describe('dashboard updates', () => {
  it('switch on type', () => {
    expect(
      dashboardUpdateSchema.parse({ type: 'hello', protocolVersion: 1, instance: 'a' }).type,
    ).toBe('hello');
    expect(dashboardUpdateSchema.safeParse({ type: 'nonsense' }).success).toBe(false);
  });
});

describe('event types', () => {
  it('has one event schema per type in the taxonomy list, and no other', () => {
    const types = eventSchema.options.map((member) => member.shape.type.value);
    expect([...types].sort()).toEqual([...EVENT_TYPES].sort());
    expect([...FAULT_EVENT_TYPES, ...FIX_EVENT_TYPES].sort()).toEqual([...EVENT_TYPES].sort());
  });
});
