import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/src/collector.js';
import {
  KEY,
  pgliteTarget,
  type StoreTarget,
  startCollector,
} from '../../collector/test/harness.js';
import { devtoolsKey } from '../src/devtools/devtools-key.js';
import {
  type ChromeGlobal,
  type ExtensionBrowser,
  eventually,
  HAS_CHROMIUM,
  launchWithExtension,
} from './browser.js';
import { type FixtureServer, startFixtures } from './fixtures.js';

const throwLater = (page: Page, message: string) =>
  page.evaluate((m) => {
    setTimeout(() => {
      throw new Error(m);
    }, 0);
  }, message);

const titles = (panel: Page) =>
  panel
    .locator('table.faults td.title')
    .evaluateAll((cells) => cells.map((c) => c.textContent ?? ''));

describe.skipIf(!HAS_CHROMIUM)('the panel', () => {
  let browser: ExtensionBrowser;
  let fixtures: FixtureServer;
  let target: StoreTarget;
  let collector: Collector;
  let base: string;

  beforeAll(async () => {
    target = pgliteTarget();
    ({ collector, base } = await startCollector(target));
    fixtures = await startFixtures();
    browser = await launchWithExtension();
    await browser.configure({ collectorUrl: base, projectKey: KEY });
  });

  afterAll(async () => {
    await browser?.close();
    await fixtures?.close();
    await collector?.close();
    await target?.dispose();
  });

  it('updates live and survives a service-worker restart without losing the tab’s history', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${fixtures.origin}/quiet.html`);
    const tabId = await browser.tabId(page);
    const panel = await browser.openPanel(tabId);
    // Connected to the worker. (Not "no faults yet": a loaded machine can make the page's own
    // load a long task, which the agent rightly reports.)
    await panel.locator('[data-testid="link"]', { hasText: 'live' }).waitFor();

    await throwLater(page, 'first fault before the restart');
    await eventually(
      () => titles(panel),
      (t) => t.some((x) => x.includes('first fault before the restart')),
    );

    const worker = await browser.worker();
    const marker = () => worker.evaluate(() => (globalThis as { marker?: number }).marker);
    await worker.evaluate(() => {
      (globalThis as { marker?: number }).marker = 1;
    });
    await browser.stopWorkers();
    await panel.locator('[data-testid="link"]', { hasText: 'live' }).waitFor({ timeout: 20_000 });

    await throwLater(page, 'second fault after the restart');
    const after = await eventually(
      () => titles(panel),
      (t) => t.some((x) => x.includes('second fault after the restart')),
    );
    expect(after.some((x) => x.includes('first fault before the restart'))).toBe(true);
    // The worker that answers now is a new one: what it knows came from storage.
    expect(await marker()).toBeUndefined();

    // A panel opened now reads the same history from storage, from the restarted worker.
    const fresh = await browser.openPanel(tabId);
    const reread = await eventually(
      () => titles(fresh),
      (t) => t.length >= 2,
    );
    expect(reread.some((x) => x.includes('first fault before the restart'))).toBe(true);
    expect(reread.some((x) => x.includes('second fault after the restart'))).toBe(true);
    await fresh.close();
    await panel.close();
    await page.close();
  });

  it('saves settings from its form and hands the page only the switches', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${fixtures.origin}/quiet.html`);
    const tabId = await browser.tabId(page);
    const panel = await browser.openPanel(tabId);
    await panel.getByRole('button', { name: 'Settings' }).click();
    await panel.locator('input[name="autoFixEnabled"]').uncheck();
    await panel.locator('input[name="adminToken"]').fill('a-token-the-page-must-not-see');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByRole('status').getByText('Saved.').waitFor();
    const stored = await (await browser.worker()).evaluate(
      async () =>
        (await (globalThis as unknown as ChromeGlobal).chrome.storage.local.get('settings'))
          .settings,
    );
    expect(stored).toMatchObject({
      autoFixEnabled: false,
      adminToken: 'a-token-the-page-must-not-see',
    });
    const config = await eventually(
      () =>
        page.evaluate(
          () =>
            (window as unknown as { getAgentStatus(): { config: unknown } }).getAgentStatus()
              .config,
        ),
      (c) => (c as { autoFixEnabled: boolean }).autoFixEnabled === false,
    );
    expect(JSON.stringify(config)).not.toContain('a-token-the-page-must-not-see');
    await panel.close();
    await page.close();
  });
});

describe.skipIf(!HAS_CHROMIUM)('the DevTools panel', () => {
  let browser: ExtensionBrowser;
  let fixtures: FixtureServer;

  beforeAll(async () => {
    fixtures = await startFixtures();
    browser = await launchWithExtension(['--auto-open-devtools-for-tabs']);
  });

  afterAll(async () => {
    await browser?.close();
    await fixtures?.close();
  });

  it('is created when DevTools opens on a tab', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${fixtures.origin}/quiet.html`);
    const tabId = await browser.tabId(page);
    const worker = await browser.worker();
    const record = await eventually(
      () =>
        worker.evaluate(
          async (key) =>
            (await (globalThis as unknown as ChromeGlobal).chrome.storage.session.get(key))[key],
          devtoolsKey(tabId),
        ),
      (r) => r !== undefined,
    );
    expect(record).toMatchObject({ panelCreatedAt: expect.any(Number) });
  });
});
