import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/agent/index.js';
import { type ExtensionBrowser, eventually, launchWithExtension } from './browser.js';
import {
  buildSentryBundle,
  type Run,
  startBatteryServer,
  steadyHits,
  type Variant,
} from './coexistence-harness.js';
import { RETRIED_PATHS } from './real-world-page.js';
import { buildStandaloneAgent, HAS_CHROMIUM, launchChromium } from './standalone-harness.js';

/**
 * Where Sentry alone changes what the page sees, whatever the agent does: its fetch wrapper calls
 * fetch on the window whatever `this` was, and adds the host to "Failed to fetch"; its
 * `onunhandledrejection`, set at init, runs before listeners the page adds later.
 */
const SENTRY_OWN = ['errors', 'fetchIllegalThis', 'fetchStreamUpload'];

/**
 * The standard for every way the agent reaches a page: a battery of real-world uses gives the
 * same answers and the same server hits with or without it, with or without Sentry beside it.
 * What the page sees (answers, and the globals themselves) matches the same page without the
 * agent: with Sentry, the page with Sentry alone, whose own changes are only `SENTRY_OWN`.
 */
function expectSameAsWithout(runs: Partial<Record<Variant, Run>>, withAgent: Variant[]): void {
  const none = runs.none as Run;
  const sentry = runs.sentry as Run;
  // The battery really ran: each check answered, and not all with an error.
  expect(Object.keys(none.answers).length).toBeGreaterThanOrEqual(31);
  expect(none.answers.fetchJson).toMatchObject({ status: 200, body: '{"hello":"world"}' });
  expect(none.answers.axiosGet).toEqual({ status: 200, data: { hello: 'world' } });
  // Sentry's own checks: an unwrapped fetch reads as native, so it builds no iframe.
  expect(none.identity.before).toMatchObject({ fetch: { native: true } });
  expect(sentry.sentryEvents).toEqual(
    expect.arrayContaining([
      'TypeError: battery thrown',
      'Error: battery rejected',
      'battery console error 42',
    ]),
  );
  const changedBySentry = Object.keys(none.answers).filter(
    (check) => JSON.stringify(none.answers[check]) !== JSON.stringify(sentry.answers[check]),
  );
  expect(changedBySentry.sort()).toEqual(SENTRY_OWN);
  // The one request that fails before leaving without Sentry (an illegal `this`) leaves with it.
  const json = steadyHits(none)['GET /api/json'] as number;
  expect(steadyHits(sentry)).toEqual({ ...steadyHits(none), 'GET /api/json': json + 1 });
  for (const variant of withAgent) {
    const run = runs[variant] as Run;
    const alone = !variant.includes('sentry');
    const twin = alone ? none : sentry;
    expect(run.answers, variant).toEqual(twin.answers);
    expect(run.identity, variant).toEqual(twin.identity);
    expect(steadyHits(run), variant).toEqual(steadyHits(twin));
    expect(run.sentryEvents, variant).toEqual(twin.sentryEvents);
    // Sentry records none of the agent's own traffic, and, loaded after the agent, sees each
    // request once, as the page does. Loaded before it, Sentry sits under the agent's wrappers
    // and records the attempts the agent sends: bounded like the server's hits.
    expect(
      run.sentryCrumbs.filter((c) => c.includes('/collector')),
      variant,
    ).toEqual([]);
    const steady = (crumbs: string[]) =>
      crumbs.filter((c) => !RETRIED_PATHS.some((p) => c.includes(`${p} `)));
    expect(steady(run.sentryCrumbs), variant).toEqual(steady(twin.sentryCrumbs));
    if (!variant.startsWith('sentry')) expect(run.sentryCrumbs, variant).toEqual(twin.sentryCrumbs);
    expect(run.sentryCrumbs.length, variant).toBeLessThanOrEqual(
      twin.sentryCrumbs.length + RETRIED_PATHS.length * DEFAULT_CONFIG.retryMaxAttempts,
    );
    // A request the agent retries reaches the server at most 1 + its budget, with Sentry or not.
    for (const key of RETRIED_PATHS) {
      expect(none.hits[key], key).toBe(1);
      expect(run.hits[key], `${variant} ${key}`).toBeGreaterThan(1);
      expect(run.hits[key], `${variant} ${key}`).toBeLessThanOrEqual(
        1 + DEFAULT_CONFIG.retryMaxAttempts,
      );
    }
    // Each error once for the agent, whoever else watches. Inside Sentry's wrapper, the agent
    // sees Sentry's changes: the illegal `this` mended, the host added to "Failed to fetch".
    const sentrySeen = (faults: string[]) =>
      alone
        ? faults
        : faults
            .filter((f) => !f.includes('Illegal invocation'))
            .map((f) => f.replace(/ \(127\.0\.0\.1:\d+\)$/, ''));
    expect(sentrySeen(run.agentFaults), variant).toEqual(
      sentrySeen((runs.agent as Run).agentFaults),
    );
    expect(run.agentFaults.join('\n'), variant).toMatch(
      /error ×1 Uncaught TypeError: battery thrown/,
    );
    expect(run.agentFaults.join('\n'), variant).toMatch(/error ×1 Error: battery rejected/);
    expect(run.agentFaults.join('\n'), variant).toMatch(/error ×1 battery console error 42/);
  }
}

describe.skipIf(!HAS_CHROMIUM)('the standalone agent beside the page and Sentry', () => {
  let chromium: { browser: Browser; close(): Promise<void> };
  let agent: Awaited<ReturnType<typeof buildStandaloneAgent>>;
  let server: Awaited<ReturnType<typeof startBatteryServer>>;
  const runs: Partial<Record<Variant, Run>> = {};
  const stopped: Partial<Record<Variant, unknown>> = {};

  beforeAll(async () => {
    agent = await buildStandaloneAgent();
    server = await startBatteryServer({ agent: agent.code, sentry: await buildSentryBundle() });
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
    agent?.dispose();
  });

  it('runs the battery five ways and every answer and hit agrees', async () => {
    for (const variant of ['none', 'sentry', 'agent', 'agent+sentry', 'sentry+agent'] as const) {
      const page = await chromium.browser.newPage();
      runs[variant] = await server.run(page, variant);
      // The page turns the agent off: what it then sees of the globals is as if it never ran.
      stopped[variant] = await page.evaluate(() => {
        const w = window as unknown as { selfheal?: { stop(): void }; batteryLook(): unknown };
        w.selfheal?.stop();
        return w.batteryLook();
      });
      await page.close();
    }
    expectSameAsWithout(runs, ['agent', 'agent+sentry', 'sentry+agent']);
    expect(stopped.agent).toEqual(stopped.none);
    expect(stopped['agent+sentry']).toEqual(stopped.sentry);
    expect(stopped['sentry+agent']).toEqual(stopped.sentry);
  });
});

describe.skipIf(!HAS_CHROMIUM)('the extension’s agent beside the page and Sentry', () => {
  let plain: { browser: Browser; close(): Promise<void> };
  let withExtension: ExtensionBrowser;
  let server: Awaited<ReturnType<typeof startBatteryServer>>;

  beforeAll(async () => {
    server = await startBatteryServer({ sentry: await buildSentryBundle() });
    plain = await launchChromium();
    withExtension = await launchWithExtension();
    // Its reports go to the battery server, which takes them and counts them apart.
    await withExtension.configure({ collectorUrl: `${server.base}/collector` });
  });

  afterAll(async () => {
    await withExtension?.close();
    await plain?.close();
    await server?.close();
  });

  it('runs the battery four ways and every answer and hit agrees, then is switched off', async () => {
    const runs: Partial<Record<Variant, Run>> = {};
    const open: Page[] = [];
    // The same two pages, in a Chromium without the extension and in one with it.
    for (const [variant, page] of [
      ['none', 'none'],
      ['sentry', 'sentry'],
      ['agent', 'none'],
      ['agent+sentry', 'sentry'],
    ] as const) {
      const browser = variant.includes('agent') ? withExtension.context : plain.browser;
      const tab = await browser.newPage();
      runs[variant] = await server.run(tab, page);
      if (variant.includes('agent')) open.push(tab);
      else await tab.close();
    }
    // The extension's agent did run, and saw the page's errors.
    expect(runs.agent?.agentFaults.length).toBeGreaterThan(0);
    expectSameAsWithout(runs, ['agent', 'agent+sentry']);

    // The user switches the agent off in the panel: both open pages look as if it never ran.
    const [alone, beside] = open as [Page, Page];
    const panel = await withExtension.openPanel(await withExtension.tabId(alone));
    await panel.getByRole('button', { name: 'Settings' }).click();
    await panel.locator('input[name="agentEnabled"]').uncheck();
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByRole('status').getByText('Saved.').waitFor();
    // All but one thing: `window.saved` was taken after the agent started (it runs first), so it
    // holds the agent's fetch, which still works but, with `toString` restored, reads as a Proxy.
    const look = (tab: Page) => () =>
      tab.evaluate(() => {
        const seen = (
          window as unknown as { batteryLook(): Record<string, unknown> }
        ).batteryLook();
        return { ...seen, savedFetch: undefined };
      });
    const same = (twin: Run) => (seen: unknown) =>
      JSON.stringify(seen) ===
      JSON.stringify({ ...(twin.identity.after as object), savedFetch: undefined });
    expect(await eventually(look(alone), same(runs.none as Run))).toBeDefined();
    expect(await eventually(look(beside), same(runs.sentry as Run))).toBeDefined();
    expect(
      await alone.evaluate(() =>
        String((window as unknown as { saved: { fetch: unknown } }).saved.fetch),
      ),
    ).toBe('function () { [native code] }');
    // Stopped, it no longer retries: a failing GET reaches the server once.
    const before = server.hitsOf('GET /api/down');
    expect(await alone.evaluate(() => fetch('/api/down').then((r) => r.status))).toBe(503);
    expect(server.hitsOf('GET /api/down')).toBe(before + 1);
  }, 240_000);
});
