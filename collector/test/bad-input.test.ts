import { LIMITS, type Problem } from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import { ADMIN, adminGet, collectorPerSuite, event, KEY, report, STORES } from './harness.js';

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepData = (depth: number): unknown => (depth === 0 ? 1 : { a: deepData(depth - 1) });

/** [name, body, status, what the message must mention] */
const CASES: Array<[string, string | object, number, string]> = [
  ['empty body', '', 400, 'empty'],
  ['not JSON', 'hello', 400, 'JSON'],
  ['truncated JSON', '{"agent":"frontend","events":[{"id":"a"', 400, 'JSON'],
  ['a JSON array', '[]', 400, 'object'],
  ['a JSON string', '"x"', 400, 'object'],
  ['null', 'null', 400, 'object'],
  ['deeply nested JSON', deep(100_000), 400, ''],
  ['no agent', { events: [event()] }, 400, 'agent'],
  ['unknown agent', { agent: 'robot', events: [event()] }, 400, 'agent'],
  ['no events', { agent: 'frontend', events: [] }, 400, 'events'],
  ['events not an array', { agent: 'frontend', events: 'x' }, 400, 'events'],
  [
    'event without id',
    { agent: 'frontend', events: [{ ...event(), id: undefined }] },
    400,
    'events.0.id',
  ],
  ['event id a number', { agent: 'frontend', events: [{ ...event(), id: 7 }] }, 400, 'events.0.id'],
  [
    'event without timestamp',
    { agent: 'frontend', events: [{ ...event(), timestamp: undefined }] },
    400,
    'events.0.timestamp',
  ],
  [
    'timestamp a string',
    { agent: 'frontend', events: [event({ timestamp: 'yesterday' })] },
    400,
    'timestamp',
  ],
  [
    'timestamp negative',
    { agent: 'frontend', events: [event({ timestamp: -1 })] },
    400,
    'timestamp',
  ],
  [
    'timestamp past year 275760',
    { agent: 'frontend', events: [event({ timestamp: 1e20 })] },
    400,
    'timestamp',
  ],
  [
    'unknown event type',
    { agent: 'frontend', events: [event({ type: 'explosion' })] },
    400,
    'events.0.type',
  ],
  [
    'unknown severity',
    { agent: 'frontend', events: [event({ severity: 'apocalyptic' })] },
    400,
    'severity',
  ],
  ['unknown kind', { agent: 'frontend', events: [event({ kind: 'gremlins' })] }, 400, 'kind'],
  [
    'message an object',
    { agent: 'frontend', events: [event({ message: { a: 1 } })] },
    400,
    'message',
  ],
  [
    'huge message',
    { agent: 'frontend', events: [event({ message: 'x'.repeat(LIMITS.maxMessageLength + 1) })] },
    400,
    'message',
  ],
  ['huge id', { agent: 'frontend', events: [event({ id: 'i'.repeat(500) })] }, 400, 'id'],
  ['data an array', { agent: 'frontend', events: [event({ data: [1, 2] })] }, 400, 'data'],
  ['data too deep', { agent: 'frontend', events: [event({ data: deepData(50) })] }, 400, 'data'],
  [
    'too many events',
    {
      agent: 'frontend',
      events: Array.from({ length: LIMITS.maxEventsPerReport + 1 }, () => event()),
    },
    400,
    'events',
  ],
  [
    'single-event form with a bad event',
    { agent: 'backend', event: { type: 'nope' } },
    400,
    'event.type',
  ],
  [
    'a newer protocol version',
    { agent: 'frontend', protocolVersion: 2, events: [event()] },
    400,
    'version 2',
  ],
  [
    'a newer protocol version in a shape this collector does not know',
    { agent: 'frontend', protocolVersion: 3, batches: [{ events: [event()] }] },
    400,
    'version 3',
  ],
  [
    'body over the size limit',
    { agent: 'frontend', events: [event({ data: { blob: 'x'.repeat(LIMITS.maxBodyBytes) } })] },
    413,
    'bytes',
  ],
];

describe.each(STORES)('bad input on $name', ({ create }) => {
  const suite = collectorPerSuite(create);

  const cases = CASES.map(([name, body, status, mention]) => ({ name, body, status, mention }));
  it.each(cases)('$name → $status', async ({ body, status, mention }) => {
    const before = await adminGet(suite.base, '/api/status');
    const res = await report(suite.base, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as Problem;
    expect(problem.status).toBe(status);
    expect(`${problem.detail} ${JSON.stringify(problem.errors ?? [])}`).toContain(mention);
    const after = await adminGet(suite.base, '/api/status');
    expect(after.totalErrors).toBe(before.totalErrors);
  });

  it('stores strange but valid text as data: NUL bytes, lone surrogates, __proto__ keys', async () => {
    const raw = `{"agent":"frontend","events":[{"id":"weird-1","type":"error","timestamp":${Date.now()},"message":"a\\u0000b \\ud800 <script>alert(1)</script>","data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}}]}`;
    const res = await report(suite.base, raw);
    expect(res.status).toBe(202);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const { issues } = await adminGet(suite.base, '/api/issues?limit=1000');
    const issue = issues.find((i: { title: string }) => i.title.includes('<script>'));
    expect(issue.title).toContain('<script>alert(1)</script>');
  });

  it('names a wrong query parameter', async () => {
    const res = await fetch(`${suite.base}/api/issues?limit=zero`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).detail).toContain('query.limit');
  });

  it('answers an unknown issue with 404 and an unknown route with 404', async () => {
    const issue = await fetch(`${suite.base}/api/issues/ffffffffffffffff`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(issue.status).toBe(404);
    const route = await fetch(`${suite.base}/api/nothing-here`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(route.status).toBe(404);
  });

  it('answers a known route asked with the wrong method with 405 and what it allows', async () => {
    const get = await fetch(`${suite.base}/api/report`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toContain('POST');
    expect(((await get.json()) as Problem).detail).toContain('/api/report');
    const put = await fetch(`${suite.base}/api/commands/c-1/ack`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');
    const del = await fetch(`${suite.base}/api/issues`, { method: 'DELETE' });
    expect(del.headers.get('allow')).toBe('GET, HEAD');
  });
});
