import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/src/collector.js';
import {
  adminGet,
  STORES,
  type StoreTarget,
  startCollector,
} from '../../collector/test/harness.js';
import { buildSentryPage } from './sentry-page/build.js';
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

/** A project key that fits a DSN (Sentry's SDKs take only word characters there). */
const DSN_KEY = 'shp_3323456789abcdef0123456789abcdef0123456789abcdef';

type Issue = { fingerprint: string; kind: string; title: string; count: number };
type StoredEvent = { type: string; data?: Record<string, unknown> | null };

if (!HAS_CHROMIUM) console.warn('Chromium is not installed: the Sentry browser suite is skipped.');

/** The DSN the collector at `base` shows for its default project. */
async function dsnOf(base: string): Promise<string> {
  const status = await adminGet<{ sentry: { dsn: string | null } }>(base, '/api/status');
  if (!status.sentry.dsn) throw new Error('the collector shows no DSN');
  return status.sentry.dsn;
}

describe.skipIf(!HAS_CHROMIUM).each(STORES)(
  'the real @sentry/browser beside our agent on one page ($name)',
  (store) => {
    let target: StoreTarget;
    let collector: Collector;
    let collectorBase: string;
    let server: FixtureServer;
    let chromium: Awaited<ReturnType<typeof launchChromium>>;
    let agent: Awaited<ReturnType<typeof buildStandaloneAgent>>;
    let dsn: string;

    beforeAll(async () => {
      agent = await buildStandaloneAgent();
      target = await store.create();
      ({ collector, base: collectorBase } = await startCollector(target, {
        projectKey: DSN_KEY,
        aggregateDelayMs: 20,
      }));
      dsn = await dsnOf(collectorBase);
      server = await startFixtureServer(agent.code);
      server.route(
        '/sentry.js',
        send(200, 'text/javascript', (await buildSentryPage()).toString()),
      );
      chromium = await launchChromium();
    });

    afterAll(async () => {
      await chromium?.close();
      await server?.close();
      await collector?.close();
      await target?.dispose();
      agent?.dispose();
    });

    /** A page running our standalone agent and the app's own Sentry setup, then `body`. */
    const both = (body: string) =>
      page(
        {
          collector: collectorBase,
          key: DSN_KEY,
          service: 'sentry-shop',
          'flush-interval-ms': 200,
        },
        body,
        `<script src="/sentry.js" data-dsn="${dsn}"></script>`,
      );

    async function open(path: string): Promise<Page> {
      const tab = await chromium.browser.newPage();
      await tab.goto(`${server.base}${path}`);
      return tab;
    }

    /**
     * The one issue whose title matches, once both senders' events are in it: ours (no `data.sentry`)
     * and the Sentry SDK's.
     */
    async function oneIssueFromBoth(
      title: RegExp,
    ): Promise<{ issue: Issue; events: StoredEvent[] }> {
      return eventually(
        async () => {
          await collector.decisions.idle();
          const { issues } = await adminGet<{ issues: Issue[] }>(collectorBase, '/api/issues');
          const matching = issues.filter((issue) => title.test(issue.title));
          if (matching.length !== 1) return matching.length > 1 ? matching : undefined;
          const [issue] = matching as [Issue];
          // The issue as read with its events, so its count includes every event listed.
          const detail = await adminGet<{ issue: Issue; events: StoredEvent[] }>(
            collectorBase,
            `/api/issues/${issue.fingerprint}`,
          );
          const fromSentry = detail.events.filter((e) => e.data?.sentry);
          const faults = detail.events.filter((e) => !e.type.startsWith('fix_'));
          const fromAgent = faults.filter((e) => !e.data?.sentry);
          const counted = detail.issue.count >= fromSentry.length + fromAgent.length;
          return fromSentry.length > 0 && fromAgent.length > 0 && counted ? detail : undefined;
        },
        20_000,
        `one issue from both senders matching ${title}`,
      ).then((found) => {
        if (Array.isArray(found))
          throw new Error(`split into ${found.length} issues: ${JSON.stringify(found)}`);
        return found;
      });
    }

    it('groups an uncaught error from both into one issue', async () => {
      server.route(
        '/uncaught',
        both(
          `<script>function renderCart() { const cart = undefined; return cart.items; } renderCart();</script>`,
        ),
      );
      const tab = await open('/uncaught');
      const { issue, events } = await oneIssueFromBoth(/reading 'items'/);
      expect(issue.kind).toBe('type_error');
      expect(issue.count).toBe(2);
      const sentry = events.find((e) => e.data?.sentry);
      expect(sentry?.data?.sentry).toMatchObject({
        platform: 'javascript',
        mechanism: 'auto.browser.global_handlers.onerror',
        handled: false,
      });
      await tab.close();
    });

    it('groups an unhandled rejection from both into one issue', async () => {
      server.route(
        '/rejection',
        both(`<script>Promise.reject(new Error('checkout failed: card declined'));</script>`),
      );
      const tab = await open('/rejection');
      const { issue } = await oneIssueFromBoth(/checkout failed: card declined/);
      expect(issue.count).toBe(2);
      await tab.close();
    });

    it('groups a failed fetch seen by the HTTP client integration with our network fault', async () => {
      server.route('/api/orders', send(503, 'application/json', '{"error":"down"}'));
      server.route(
        '/fetch',
        both(`<script>fetch(location.origin + '/api/orders').catch(() => {});</script>`),
      );
      const tab = await open('/fetch');
      const { issue, events } = await oneIssueFromBoth(/GET .*\/api\/orders failed: HTTP 503/);
      expect(issue.kind).toBe('api_down');
      const faults = events.filter((e) => e.type !== 'fix_attempt' && e.type !== 'fix_outcome');
      expect(faults.map((e) => e.type)).toEqual(['network', 'network']);
      expect(faults.find((e) => e.data?.sentry)?.data).toMatchObject({
        method: 'GET',
        status: 503,
      });
      await tab.close();
    });
  },
);

describe.skipIf(!HAS_CHROMIUM)('@sentry/browser against a rate-limited project', () => {
  let target: StoreTarget;
  let collector: Collector;
  let server: FixtureServer;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    target = await (STORES[0] as (typeof STORES)[number]).create();
    let base: string;
    ({ collector, base } = await startCollector(target, {
      projectKey: DSN_KEY,
      rateLimitPerSecond: 0.01,
      rateLimitBurst: 2,
    }));
    const dsn = await dsnOf(base);
    server = await startFixtureServer(Buffer.from(''));
    server.route('/sentry.js', send(200, 'text/javascript', (await buildSentryPage()).toString()));
    server.route(
      '/limited',
      send(
        200,
        'text/html',
        `<!doctype html><html><head><script src="/sentry.js" data-dsn="${dsn}"></script></head><body></body></html>`,
      ),
    );
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
    await collector?.close();
    await target?.dispose();
  });

  it('makes the SDK back off after a 429, reading X-Sentry-Rate-Limits across origins', async () => {
    const tab = await chromium.browser.newPage();
    await tab.goto(`${server.base}/limited`);
    const sent = await tab.evaluate(async () => {
      for (let i = 0; i < 4; i++) {
        window.Sentry.captureException(new Error(`burst ${i}`));
        await window.Sentry.flush(5_000);
      }
      return window.sentrySent;
    });
    // The fourth never leaves the page: the SDK's transport holds every category back.
    expect(sent).toEqual([200, 200, 429, null]);
    await tab.close();
  });
});
