import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/src/collector.js';
import {
  adminGet,
  KEY,
  pgliteTarget,
  type StoreTarget,
  startCollector,
} from '../../collector/test/harness.js';
import type { StatusSnapshot } from '../src/agent/index.js';
import {
  buildStandaloneAgent,
  eventually,
  type FixtureServer,
  HAS_CHROMIUM,
  launchChromium,
  page,
  send,
  startFixtureServer,
} from './standalone-harness.js';

if (!HAS_CHROMIUM)
  console.warn('Chromium is not installed: the standalone agent browser suite is skipped.');

describe.skipIf(!HAS_CHROMIUM)('the standalone agent in Chromium', () => {
  let target: StoreTarget;
  let collector: Collector;
  let collectorBase: string;
  let server: FixtureServer;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let agent: Awaited<ReturnType<typeof buildStandaloneAgent>>;

  beforeAll(async () => {
    agent = await buildStandaloneAgent();
    target = pgliteTarget();
    ({ collector, base: collectorBase } = await startCollector(target));
    server = await startFixtureServer(agent.code);
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
    await collector?.close();
    await target?.dispose();
    agent?.dispose();
  });

  /** The agent's tag attributes: the test collector, fast batching, short backoff and windows. */
  const agentAttrs = (extra: Record<string, string | number | boolean> = {}) => ({
    collector: collectorBase,
    key: KEY,
    service: 'fixture-shop',
    'flush-interval-ms': 200,
    'retry-base-delay-ms': 100,
    'verify-window-ms': 1_500,
    ...extra,
  });

  async function open(path: string): Promise<Page> {
    const tab = await chromium.browser.newPage();
    await tab.goto(`${server.base}${path}`);
    return tab;
  }

  const status = (tab: Page) => tab.evaluate(() => window.getAgentStatus?.() as StatusSnapshot);

  /** The events the collector stored for an issue, or undefined while it does not know it. */
  async function storedEvents(fingerprint: string) {
    try {
      const answer = await adminGet(collectorBase, `/api/issues/${fingerprint}`);
      return answer.events as Array<{ type: string; data?: Record<string, unknown> }>;
    } catch {
      return undefined;
    }
  }

  it('is one session across the tab’s reloads: one agent at the collector, not one per load', async () => {
    const service = `reloads-${Date.now()}`;
    server.route(
      '/reloads',
      page(
        agentAttrs({ service }),
        `<script>setTimeout(() => window.selfheal.reportError(new Error('reload probe ' + performance.now())), 0);</script>`,
      ),
    );
    const tab = await open('/reloads');
    const agentsOf = async () =>
      (
        (await adminGet(collectorBase, '/api/agents')).agents as Array<{
          service: string | null;
          reports: number;
        }>
      ).filter((a) => a.service === service);
    await eventually(async () => (await agentsOf()).length === 1, 15_000, 'the first report');
    for (let i = 0; i < 3; i++) await tab.reload();
    const agents = await eventually(
      async () => {
        const list = await agentsOf();
        return list.length === 1 && list[0] && list[0].reports >= 4 ? list : undefined;
      },
      15_000,
      'four reports from one agent',
    );
    expect(agents).toHaveLength(1);
    // A new tab is a new session.
    const other = await open('/reloads');
    await eventually(async () => (await agentsOf()).length === 2, 15_000, 'a second agent');
    await other.close();
    await tab.close();
  });

  it('detects and classifies each fault class, and the events reach the collector', async () => {
    server.route('/api/missing', send(404, 'text/plain', 'no'));
    server.route('/api/orders', send(503, 'text/plain', 'busy'));
    server.route(
      '/faults',
      page(
        agentAttrs({
          'critical-selectors': '#checkout,main',
          'critical-selector-delay-ms': 100,
          'memory-growth-bytes': 1_048_576,
          'memory-interval-ms': 1_000,
        }),
        `<main>shop</main>
        <img src="/missing.png">
        <script>import { x } from './x.js';</script>
        <script>
          window.leak = [];
          for (let i = 0; i < 40; i++) window.leak.push(new Array(100000).fill(i));
          const start = performance.now(); while (performance.now() - start < 300) {}
          console.error('payment widget failed to render');
          Promise.reject(new TypeError("Cannot read properties of undefined (reading 'price')"));
          fetch('/api/missing');
          fetch('/api/orders', { method: 'POST', body: '{}' });
          setTimeout(() => window.selfheal.reportError(new Error('Cart crashed'), { component: 'Cart' }), 0);
          setTimeout(() => notDefinedAnywhere(), 0);
        </script>`,
      ),
    );
    const tab = await open('/faults');
    const kinds = [
      'import_error',
      'reference_error',
      'type_error',
      'file_not_found',
      'api_down',
      'ui_missing',
      'long_task',
      'memory_leak',
    ];
    const seen = await eventually(
      async () => {
        const s = await status(tab);
        const have = new Set<string>(s.errorHistory.map((r) => r.kind));
        return kinds.every((k) => have.has(k)) ? s : undefined;
      },
      15_000,
      'every fault kind in getAgentStatus()',
    );
    const byMessage = (text: string) => seen.errorHistory.find((r) => r.message.includes(text));
    expect(byMessage('payment widget failed')).toMatchObject({ type: 'error' });
    expect(byMessage('Cart crashed')).toMatchObject({ type: 'error' });
    expect(byMessage('#checkout')).toMatchObject({ type: 'ui', kind: 'ui_missing' });
    expect(byMessage('/missing.png')).toMatchObject({ type: 'resource', kind: 'file_not_found' });
    expect(byMessage('/api/orders')).toMatchObject({ type: 'network', kind: 'api_down' });
    expect(seen.errorHistory.some((r) => r.message.includes('main'))).toBe(false);
    expect(seen.health.uptime).toBeGreaterThan(0);

    for (const record of seen.errorHistory) {
      const events = await eventually(
        () => storedEvents(record.fingerprint),
        10_000,
        record.message,
      );
      expect(events.length).toBeGreaterThan(0);
    }
    await tab.close();
  });

  it('retries a flaky endpoint: the page sees 200 and the collector gets a verified outcome', async () => {
    server.route('/api/flaky', (_req, res, hit) => {
      res.writeHead(hit <= 2 ? 500 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ hit }));
    });
    server.route('/flaky', page(agentAttrs(), '<p>flaky</p>'));
    const tab = await open('/flaky');
    const answer = await tab.evaluate(async () => {
      const response = await fetch('/api/flaky');
      return { status: response.status, body: await response.json() };
    });
    expect(answer).toEqual({ status: 200, body: { hit: 3 } });
    expect(server.hits('/api/flaky')).toBe(3);

    const s = await status(tab);
    const fix = s.fixHistory.find((f) => f.strategy === 'retry_request');
    expect(fix).toMatchObject({ success: true, local: true });
    const events = await eventually(
      async () => {
        const stored = await storedEvents(fix?.fingerprint ?? '');
        return stored?.some((e) => e.type === 'fix_outcome') ? stored : undefined;
      },
      10_000,
      'the fix outcome at the collector',
    );
    const outcome = events.find((e) => e.type === 'fix_outcome');
    expect(outcome?.data).toMatchObject({
      strategy: 'retry_request',
      success: true,
      verifiedBy: 'request',
      local: true,
    });
    await tab.close();
  });

  it('retries a flaky XHR so the page sees only the final success', async () => {
    server.route('/api/xhr-flaky', (_req, res, hit) => {
      res.writeHead(hit <= 2 ? 503 : 200, { 'content-type': 'text/plain' });
      res.end(hit <= 2 ? 'busy' : `ok ${hit}`);
    });
    server.route('/api/xhr-post', send(503, 'text/plain', 'busy'));
    server.route('/xhr', page(agentAttrs(), '<p>xhr</p>'));
    const tab = await open('/xhr');
    const seen = await tab.evaluate(
      (path) =>
        new Promise<{ states: string[]; status: number; body: string; events: string[] }>(
          (done) => {
            const xhr = new XMLHttpRequest();
            const states: string[] = [];
            const events: string[] = [];
            // Handlers set before open(), the order that would expose a hidden failure.
            xhr.onreadystatechange = () => states.push(`${xhr.readyState}:${xhr.status}`);
            for (const type of ['loadstart', 'load', 'error', 'loadend']) {
              xhr.addEventListener(type, () => events.push(type));
            }
            xhr.onloadend = () =>
              done({ states, status: xhr.status, body: xhr.responseText, events });
            xhr.open('GET', path);
            xhr.send();
          },
        ),
      '/api/xhr-flaky',
    );
    expect(seen.status).toBe(200);
    expect(seen.body).toBe('ok 3');
    expect(seen.states.some((s) => s.endsWith(':503'))).toBe(false);
    expect(seen.states.at(-1)).toBe('4:200');
    expect(seen.events).toEqual(['loadstart', 'load', 'loadend']);
    expect(server.hits('/api/xhr-flaky')).toBe(3);

    const post = await tab.evaluate(
      () =>
        new Promise<number>((done) => {
          const xhr = new XMLHttpRequest();
          xhr.onloadend = () => done(xhr.status);
          xhr.open('POST', '/api/xhr-post');
          xhr.send('{}');
        }),
    );
    expect(post).toBe(503);
    expect(server.hits('/api/xhr-post')).toBe(1);
    const fixes = (await status(tab)).fixHistory;
    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatchObject({ strategy: 'retry_request', success: true });
    await tab.close();
  });

  it('never retries a POST without an idempotency key', async () => {
    server.route('/api/pay', send(503, 'text/plain', 'busy'));
    server.route('/pay', page(agentAttrs(), '<p>pay</p>'));
    const tab = await open('/pay');
    const code = await tab.evaluate(
      async () => (await fetch('/api/pay', { method: 'POST', body: '{"amount":1}' })).status,
    );
    expect(code).toBe(503);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(server.hits('/api/pay')).toBe(1);
    const s = await status(tab);
    expect(s.fixHistory).toEqual([]);
    expect(s.errorHistory.find((r) => r.type === 'network')?.kind).toBe('api_down');
    await tab.close();
  });

  it('reloads a stale-chunk page once, and records that the reload did not help', async () => {
    server.route(
      '/stale',
      page(agentAttrs(), '<script type="module">import("/assets/chunk-5f3a9c1d.js");</script>'),
    );
    const tab = await open('/stale');
    const s = await eventually(
      async () => {
        const current = await status(tab);
        const fix = current?.fixHistory.find((f) => f.strategy === 'reload_page');
        return fix?.success === false ? current : undefined;
      },
      15_000,
      'the reload outcome',
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(server.hits('/stale')).toBe(2);
    expect(s.fixHistory.find((f) => f.strategy === 'reload_page')?.detail).toMatch(/came back/);
    await tab.close();
  });

  it('verifies a reload that cured a stale chunk by the fault staying away', async () => {
    server.route('/lazy/route-77aa11bb.js', (_req, res, hit) => {
      res.writeHead(hit === 1 ? 404 : 200, { 'content-type': 'text/javascript' });
      res.end(hit === 1 ? 'gone' : 'window.chunkLoaded = true;');
    });
    server.route(
      '/deploy',
      page(agentAttrs(), '<script type="module">import("/lazy/route-77aa11bb.js");</script>'),
    );
    const tab = await open('/deploy');
    const fix = await eventually(
      async () =>
        (await status(tab))?.fixHistory.find(
          (f) => f.strategy === 'reload_page' && f.success !== undefined,
        ),
      15_000,
      'the reload outcome',
    );
    expect(fix).toMatchObject({ success: true, local: true });
    expect(await tab.evaluate(() => (window as { chunkLoaded?: boolean }).chunkLoaded)).toBe(true);
    expect(server.hits('/deploy')).toBe(2);
    const events = await eventually(
      async () => {
        const stored = await storedEvents(fix.fingerprint);
        return stored?.some((e) => e.type === 'fix_outcome') ? stored : undefined;
      },
      10_000,
      'the reload outcome at the collector',
    );
    expect(events.some((e) => e.type === 'fix_attempt' && e.data?.strategy === 'reload_page')).toBe(
      true,
    );
    expect(events.find((e) => e.type === 'fix_outcome')?.data).toMatchObject({
      success: true,
      verifiedBy: 'absence',
    });
    await tab.close();
  });

  it('recovers a failing script and stylesheet by inserting them again', async () => {
    server.route('/vendor.js', (_req, res, hit) => {
      res.writeHead(hit === 1 ? 503 : 200, { 'content-type': 'text/javascript' });
      res.end(hit === 1 ? 'busy' : 'window.vendorLoaded = true;');
    });
    server.route('/theme.css', (_req, res, hit) => {
      res.writeHead(hit === 1 ? 500 : 200, { 'content-type': 'text/css' });
      res.end(hit === 1 ? 'busy' : 'body { color: rgb(1, 2, 3); }');
    });
    server.route(
      '/scripts',
      page(
        agentAttrs(),
        '<p>hi</p><script src="/vendor.js"></script>',
        '<link rel="stylesheet" href="/theme.css">',
      ),
    );
    const tab = await open('/scripts');
    await eventually(
      () => tab.evaluate(() => (window as { vendorLoaded?: boolean }).vendorLoaded === true),
      10_000,
      'the script to load',
    );
    await eventually(
      () => tab.evaluate(() => getComputedStyle(document.body).color === 'rgb(1, 2, 3)'),
      10_000,
      'the stylesheet to apply',
    );
    const s = await status(tab);
    const fixes = s.fixHistory.filter((f) => f.strategy === 'reinject_resource');
    expect(fixes).toHaveLength(2);
    expect(fixes.every((f) => f.success === true)).toBe(true);
    await tab.close();
  });

  it('applies a recommendation from the report answer: clears Cache Storage and reports it', async () => {
    const received: Array<{ events: Array<{ type: string; data?: Record<string, unknown> }> }> = [];
    // A collector that answers every report with a clear_cache command, as the decision loop does.
    server.route('/recommending/api/report', (req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const report = JSON.parse(body);
        received.push(report);
        const fault = report.events.find((e: { type: string }) => e.type === 'error');
        const now = Date.now();
        const commands = fault
          ? [
              {
                type: 'command',
                protocolVersion: 1,
                id: 'cmd-clear-1',
                decisionId: 'dec-1',
                project: 'default',
                fingerprint: fault.fingerprint,
                target: 'page',
                service: null,
                strategy: 'clear_cache',
                params: {},
                issuedAt: new Date(now).toISOString(),
                expiresAt: new Date(now + 60_000).toISOString(),
              },
            ]
          : [];
        res.writeHead(202, {
          'content-type': 'application/json',
          'access-control-allow-origin': req.headers.origin ?? '*',
        });
        res.end(JSON.stringify({ accepted: report.events.length, duplicates: 0, commands }));
      });
    });
    server.route(
      '/cached',
      page(agentAttrs({ collector: `${server.base}/recommending` }), '<p>cached</p>'),
    );
    const tab = await open('/cached');
    await tab.evaluate(async () => {
      const cache = await caches.open('app-v1');
      await cache.put('/app.js', new Response('old code'));
      window.selfheal?.reportError(new Error('Unexpected token < in old bundle'));
    });
    const fix = await eventually(
      async () =>
        (await status(tab)).fixHistory.find((f) => f.strategy === 'clear_cache' && f.success),
      10_000,
      'the clear_cache fix',
    );
    expect(fix).toMatchObject({ commandId: 'cmd-clear-1', local: false });
    expect(await tab.evaluate(() => caches.keys())).toEqual([]);
    const outcome = await eventually(
      () => received.flatMap((r) => r.events).find((e) => e.type === 'fix_outcome'),
      10_000,
      'the outcome report',
    );
    expect(outcome.data).toMatchObject({
      strategy: 'clear_cache',
      commandId: 'cmd-clear-1',
      decisionId: 'dec-1',
      success: true,
    });
    await tab.close();
  });

  it('keeps the page working while the collector is unreachable, buffering within its bound', async () => {
    server.route(
      '/offline',
      page(agentAttrs({ collector: 'http://127.0.0.1:9', 'flush-interval-ms': 100 }), '<p>x</p>'),
    );
    const tab = await open('/offline');
    await tab.evaluate(() => window.selfheal?.reportError(new Error('while offline')));
    const s = await eventually(
      async () => {
        const current = await status(tab);
        return current.metrics.reportsFailed > 0 ? current : undefined;
      },
      10_000,
      'a failed report',
    );
    expect(s.metrics.eventsQueued).toBe(1);
    // The agent's own failed requests never show up as the page's faults.
    expect(s.errorHistory.map((r) => r.type)).toEqual(['error']);
    expect(await tab.evaluate(() => 1 + 1)).toBe(2);
    await tab.close();
  });
});
