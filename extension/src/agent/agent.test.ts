// @vitest-environment happy-dom

import type { Event as AgentEvent, Report } from '@selfheal/shared/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAgent } from './agent.js';
import type { Agent, Transport } from './types.js';

const realFetch = globalThis.fetch;
let agent: Agent | undefined;
let reports: Report[];
let calls: Array<{ url: string; method: string }>;
let answers: Array<() => Response | Promise<Response>>;

function transport(fail = false): Transport {
  return {
    async send(report) {
      if (fail) throw new Error('collector down');
      reports.push(report);
      return undefined;
    },
  };
}

const sent = (): AgentEvent[] => reports.flatMap((r) => r.events);

beforeEach(() => {
  reports = [];
  calls = [];
  answers = [];
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), method: init?.method ?? 'GET' });
    const next = answers.shift();
    if (!next) return new Response('ok', { status: 200 });
    return next();
  }) as typeof fetch;
});

afterEach(() => {
  agent?.stop();
  agent = undefined;
  globalThis.fetch = realFetch;
});

function start(config = {}, t: Transport = transport()) {
  agent = startAgent({
    config: { retryBaseDelayMs: 1, flushIntervalMs: 50, verifyWindowMs: 100, ...config },
    transport: t,
  });
  return agent;
}

describe('the fetch wrapper', () => {
  it('retries a flaky GET so the page only sees the success, and reports a verified fix', async () => {
    const a = start();
    answers.push(
      () => new Response('no', { status: 500 }),
      () => new Response('no', { status: 500 }),
    );
    const response = await fetch('/api/items');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    expect(calls).toHaveLength(3);
    const status = a.getStatus();
    expect(status.health.fixSuccessRate).toBe(1);
    expect(status.metrics.errorsDetected).toBe(1);
    expect(status.metrics.errorsFixed).toBe(1);
    expect(status.errorHistory[0]).toMatchObject({ type: 'network', kind: 'api_down' });
    expect(status.fixHistory[0]).toMatchObject({
      strategy: 'retry_request',
      success: true,
      local: true,
    });
    await a.flush();
    const types = sent().map((e) => e.type);
    expect(types).toEqual(['network', 'fix_attempt', 'fix_outcome']);
    const outcome = sent()[2];
    expect(outcome?.data).toMatchObject({ success: true, verifiedBy: 'request', local: true });
    expect(outcome?.data?.fingerprint).toBe(sent()[0]?.fingerprint);
  });

  it('never retries a POST without an idempotency key', async () => {
    start();
    answers.push(() => new Response('no', { status: 503 }));
    const response = await fetch('/api/orders', { method: 'POST', body: '{}' });
    expect(response.status).toBe(503);
    expect(calls).toHaveLength(1);
    expect(agent?.getStatus().metrics.fixesAttempted).toBe(0);
  });

  it('retries a POST that carries an Idempotency-Key', async () => {
    start();
    answers.push(() => new Response('no', { status: 503 }));
    const response = await fetch('/api/orders', {
      method: 'POST',
      body: '{}',
      headers: { 'Idempotency-Key': 'k1' },
    });
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it('rejects with the abort when the page aborts while a retry waits, and ends the fix as failed', async () => {
    const a = start({ retryBaseDelayMs: 5_000 });
    // Before any fix has finished there is no rate, as at the collector.
    expect(a.getStatus().health.fixSuccessRate).toBeNull();
    answers.push(() => new Response('no', { status: 503 }));
    const controller = new AbortController();
    const pending = fetch('/api/items', { signal: controller.signal });
    await vi.waitFor(() => expect(a.getStatus().metrics.fixesAttempted).toBe(1));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toHaveLength(1);
    expect(a.getStatus().fixHistory[0]).toMatchObject({
      strategy: 'retry_request',
      success: false,
      detail: 'page aborted',
    });
  });

  it('reports a 4xx without retrying it', async () => {
    start();
    answers.push(() => new Response('missing', { status: 404 }));
    expect((await fetch('/api/gone')).status).toBe(404);
    expect(calls).toHaveLength(1);
    expect(agent?.getStatus().errorHistory[0]?.kind).toBe('file_not_found');
  });

  it('gives up after three retries and hands the page the last failure', async () => {
    start();
    for (let i = 0; i < 4; i++)
      answers.push(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(fetch('/api/down')).rejects.toThrow('Failed to fetch');
    expect(calls).toHaveLength(4);
    expect(agent?.getStatus().fixHistory[0]?.success).toBe(false);
    expect(agent?.getStatus().errorHistory[0]?.kind).toBe('network_error');
  });

  it('waits for Retry-After and refuses one longer than its limit', async () => {
    start({ retryMaxDelayMs: 1_000 });
    answers.push(() => new Response('busy', { status: 503, headers: { 'Retry-After': '120' } }));
    expect((await fetch('/api/busy')).status).toBe(503);
    expect(calls).toHaveLength(1);
    expect(agent?.getStatus().fixHistory[0]?.detail).toMatch(/Retry-After/);
  });

  it('leaves requests alone when auto-fix is off', async () => {
    start({ autoFixEnabled: false });
    answers.push(() => new Response('no', { status: 500 }));
    expect((await fetch('/api/x')).status).toBe(500);
    expect(calls).toHaveLength(1);
  });

  it('restores the page fetch on stop and reports through the native one', async () => {
    const before = globalThis.fetch;
    const a = start();
    expect(globalThis.fetch).not.toBe(before);
    a.stop();
    expect(globalThis.fetch).toBe(before);
  });
});

describe('fault capture', () => {
  it('classifies uncaught errors, rejections and console.error, still printing the latter', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const a = start();
    const seen: string[] = [];
    a.onActivity((e) => seen.push(e.type));
    window.dispatchEvent(
      new ErrorEvent('error', {
        message: 'ReferenceError: foo is not defined',
        error: new ReferenceError('foo is not defined'),
      }),
    );
    const rejection = new Event('unhandledrejection') as Event & { reason?: unknown };
    rejection.reason = new TypeError("Cannot read properties of undefined (reading 'x')");
    window.dispatchEvent(rejection);
    console.error('boom with token=abcdef1234567890');
    expect(printed).toHaveBeenCalledTimes(1);
    printed.mockRestore();
    const kinds = a.getStatus().errorHistory.map((r) => r.kind);
    expect(kinds).toContain('reference_error');
    expect(kinds).toContain('type_error');
    expect(seen).toEqual(['error', 'error', 'error']);
    await a.flush();
    const logged = sent().find((e) => e.data?.source === 'console');
    expect(logged?.message).not.toContain('abcdef1234567890');
  });

  it('records reportError with its component', () => {
    const a = start();
    a.reportError(new Error('render failed'), { component: 'Cart' });
    expect(a.getStatus().errorHistory[0]).toMatchObject({ message: 'Error: render failed' });
  });

  it('merges repeats of one fingerprint in a batch and rate-limits a flood', async () => {
    const a = start({ rateLimitPerFingerprint: 2, batchSize: 500 });
    for (let i = 0; i < 5; i++) a.reportError(new Error('same'));
    await a.flush();
    const errors = sent().filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.count).toBe(5);
    expect(a.getStatus().errorHistory[0]?.count).toBe(5);
  });

  it('counts occurrences the rate limit held back on the next event of the fingerprint', async () => {
    const a = start({ rateLimitPerFingerprint: 1, rateLimitWindowMs: 1_000, batchSize: 500 });
    // One place throws, so every occurrence has one fingerprint.
    const flood = async () => {
      a.reportError(new Error('flood'));
      await a.flush();
    };
    for (let i = 0; i < 3; i++) await flood();
    await new Promise((r) => setTimeout(r, 1_100));
    await flood();
    const floods = sent().filter((e) => e.type === 'error');
    expect(floods.map((e) => e.count ?? 1)).toEqual([1, 3]);
    expect(a.getStatus().errorHistory[0]?.count).toBe(4);
  });

  it('never throws into the page when the transport fails, and keeps a bounded buffer', async () => {
    const a = start({ maxBufferedEvents: 3 }, transport(true));
    for (let i = 0; i < 6; i++) a.reportError(new Error(`distinct ${'x'.repeat(i)}`));
    await a.flush();
    const { metrics } = a.getStatus();
    expect(metrics.reportsFailed).toBeGreaterThan(0);
    expect(metrics.eventsQueued).toBe(3);
    expect(metrics.eventsDropped).toBe(3);
  });

  it('drops and counts a report the collector refused for good instead of resending it', async () => {
    let sends = 0;
    const a = start(
      {},
      {
        async send() {
          sends += 1;
          return { refused: true };
        },
      },
    );
    a.reportError(new Error('refused'));
    await a.flush();
    await a.flush();
    expect(sends).toBe(1);
    expect(a.getStatus().metrics).toMatchObject({
      eventsDropped: 1,
      eventsSent: 0,
      eventsQueued: 0,
    });
  });

  it('sends the buffered events once the collector answers again', async () => {
    let down = true;
    const a = start(
      {},
      {
        async send(report) {
          if (down) throw new Error('down');
          reports.push(report);
          return undefined;
        },
      },
    );
    a.reportError(new Error('while down'));
    await a.flush();
    expect(reports).toHaveLength(0);
    down = false;
    await a.flush();
    expect(sent().map((e) => e.message)).toEqual(['Error: while down']);
  });

  it('reports a missing critical selector after load', async () => {
    const a = start({ criticalSelectors: ['#app', 'nav'], criticalSelectorDelayMs: 0 });
    document.body.innerHTML = '<nav></nav>';
    await new Promise((r) => setTimeout(r, 20));
    const ui = a.getStatus().errorHistory.filter((r) => r.type === 'ui');
    expect(ui.map((r) => r.message)).toEqual(['critical element missing: #app']);
    expect(ui[0]?.kind).toBe('ui_missing');
  });
});

describe('commands from the collector', () => {
  const command = (overrides = {}) => ({
    type: 'command',
    protocolVersion: 1,
    id: 'cmd-1',
    decisionId: 'dec-1',
    project: 'default',
    fingerprint: 'abc123',
    target: 'page',
    service: null,
    strategy: 'retry_request',
    params: { maxAttempts: 1 },
    issuedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    ...overrides,
  });

  it('re-inserts the script or stylesheet a reinject command names, and nothing it does not name', () => {
    const a = start();
    const old = document.createElement('script');
    old.src = '/assets/app.js';
    old.setAttribute('data-app', '1');
    document.body.append(old);
    const reinject = (src: string, id: string) =>
      command({ id, strategy: 'reinject_resource', params: { src } });
    a.applyCommands([reinject('/assets/gone.js', 'cmd-1'), reinject('/assets/app.js', 'cmd-2')]);
    expect(a.getStatus().metrics.commandsRejected).toBe(1);
    const byCommand = a.getStatus().fixHistory.filter((f) => f.commandId);
    expect(byCommand).toMatchObject([{ strategy: 'reinject_resource', commandId: 'cmd-2' }]);
    const copies = [...document.querySelectorAll<HTMLScriptElement>('script[data-app]')].slice(1);
    expect(copies.map((c) => c.src)).toContainEqual(
      expect.stringMatching(/\/assets\/app\.js\?selfheal_retry=\d+$/),
    );
    for (const c of copies) c.remove();
    old.remove();
  });

  it('refuses commands that are malformed, expired, for another target or not page strategies', () => {
    const a = start();
    a.applyCommands([
      command({ target: 'service' }),
      command({ strategy: 'restart_service' }),
      command({ expiresAt: new Date(Date.now() - 1).toISOString() }),
      command({ params: { maxAttempts: 'many' } }),
      'nonsense',
    ]);
    expect(a.getStatus().metrics).toMatchObject({ commandsReceived: 5, commandsRejected: 5 });
  });

  it('applies a retry recommendation to the next failure of its fingerprint, naming the command', async () => {
    const a = start({ retryMaxAttempts: 0 });
    answers.push(() => new Response('no', { status: 500 }));
    await fetch('/api/flaky');
    const fingerprint = a.getStatus().errorHistory[0]?.fingerprint;
    a.applyCommands([command({ fingerprint })]);
    answers.push(() => new Response('no', { status: 500 }));
    expect((await fetch('/api/flaky')).status).toBe(200);
    expect(a.getStatus().fixHistory[0]).toMatchObject({
      commandId: 'cmd-1',
      local: false,
      success: true,
    });
    await a.flush();
    const outcome = sent().find((e) => e.type === 'fix_outcome');
    expect(outcome?.data).toMatchObject({ commandId: 'cmd-1', decisionId: 'dec-1' });
    expect(outcome?.data?.local).toBeUndefined();
  });

  it('refuses a rollback, and shows the refusal with why in its fix history and report', async () => {
    const a = start();
    a.applyCommands([
      command({ id: 'cmd-undo', strategy: 'reload_page', params: {}, rollback: true }),
    ]);
    expect(a.getStatus().metrics.commandsRejected).toBe(1);
    expect(a.getStatus().fixHistory[0]).toMatchObject({
      strategy: 'reload_page',
      commandId: 'cmd-undo',
      success: false,
      detail: 'reload_page cannot be undone in a page',
    });
    await a.flush();
    const outcome = sent().find((e) => e.type === 'fix_outcome');
    expect(outcome?.data).toMatchObject({
      commandId: 'cmd-undo',
      success: false,
      detail: 'reload_page cannot be undone in a page',
    });
  });

  it('counts a clear_cache command its budget refuses as rejected, and starts no fix for it', () => {
    const a = start();
    const clear = (id: string) => command({ id, strategy: 'clear_cache', params: {} });
    a.applyCommands([clear('cmd-a'), clear('cmd-b')]);
    expect(a.getStatus().metrics).toMatchObject({ commandsReceived: 2, commandsRejected: 1 });
    const fixes = a.getStatus().fixHistory.filter((f) => f.strategy === 'clear_cache');
    expect(fixes.map((f) => f.commandId)).toEqual(['cmd-a']);
  });

  it('ignores a command it already ran', () => {
    const a = start();
    a.applyCommands([command(), command()]);
    expect(a.getStatus().metrics.commandsRejected).toBe(1);
  });
});
