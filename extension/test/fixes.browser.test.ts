import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/src/collector.js';
import {
  ADMIN,
  adminGet,
  KEY,
  pgliteTarget,
  type StoreTarget,
  startCollector,
} from '../../collector/test/harness.js';
import { type ExtensionBrowser, eventually, HAS_CHROMIUM, launchWithExtension } from './browser.js';
import { withDecisions } from './collector-config.js';
import { type FixtureServer, startFixtures } from './fixtures.js';

/** `docs/panel.png` when asked to refresh it (SELFHEAL_UPDATE_SCREENSHOT=1), else a scratch file. */
const SCREENSHOT = process.env.SELFHEAL_UPDATE_SCREENSHOT
  ? fileURLToPath(new URL('../../docs/panel.png', import.meta.url))
  : join(tmpdir(), `selfheal-panel-${process.pid}.png`);

type FixHistory = Array<{ strategy: string; success?: boolean; local: boolean }>;

describe.skipIf(!HAS_CHROMIUM)('fixes through the extension', () => {
  let browser: ExtensionBrowser;
  let fixtures: FixtureServer;
  let target: StoreTarget;
  let collector: Collector;
  let base: string;
  let page: Page;
  let tabId: number;

  beforeAll(async () => {
    target = pgliteTarget();
    ({ collector, base } = await startCollector(target, withDecisions()));
    fixtures = await startFixtures();
    browser = await launchWithExtension();
    await browser.configure({ collectorUrl: base, projectKey: KEY, adminToken: ADMIN });
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await fixtures?.close();
    await collector?.close();
    await target?.dispose();
  });

  it('recovers a flaky endpoint (500, 500, 200): the page sees 200 and a verified fix is recorded', async () => {
    await page.goto(`${fixtures.origin}/flaky.html`);
    tabId = await browser.tabId(page);
    const flaky = await eventually(
      () => page.evaluate(() => (window as unknown as { flaky?: { status: number } }).flaky),
      (f) => f !== undefined,
    );
    expect(flaky).toEqual({ status: 200, body: '{"ok":true}' });
    expect(fixtures.requests.filter((r) => r.path === '/api/flaky').map((r) => r.status)).toEqual([
      500, 500, 200,
    ]);
    const fixes = await page.evaluate(
      () =>
        (window as unknown as { getAgentStatus(): { fixHistory: FixHistory } }).getAgentStatus()
          .fixHistory,
    );
    expect(fixes).toContainEqual(
      expect.objectContaining({ strategy: 'retry_request', success: true }),
    );
  });

  it('shows the verified fix in the panel and the collector counts it', async () => {
    const panel = await browser.openPanel(tabId);
    await panel
      .locator('li.fix[data-strategy="retry_request"][data-outcome="ok"]')
      .waitFor({ timeout: 20_000 });
    const reason = await panel
      .locator('li.fix[data-strategy="retry_request"] .reason')
      .first()
      .textContent();
    expect(reason).toMatch(/chose it on the spot/);
    const status = await eventually(
      () => adminGet<{ totalFixes: number; fixSuccessRate: number | null }>(base, '/api/status'),
      (s) => s.totalFixes >= 1,
    );
    expect(status.fixSuccessRate).toBe(1);
    await panel.close();
  });

  it('keeps the tab’s history across navigations and renders it readably (docs/panel.png)', async () => {
    await page.goto(`${fixtures.origin}/faults.html`);
    const panel = await browser.openPanel(tabId);
    await panel.setViewportSize({ width: 1280, height: 900 });
    await eventually(
      () => panel.locator('table.faults tbody tr').count(),
      (n) => n >= 8,
    );
    // The failing script gets its one reinjection; wait for its outcome before the picture.
    await panel
      .locator('li.fix[data-strategy="reinject_resource"]:not([data-outcome="pending"])')
      .first()
      .waitFor({ timeout: 30_000 });
    await panel.locator('li.fix[data-strategy="retry_request"][data-outcome="ok"]').waitFor();
    await eventually(
      () => panel.locator('tr[data-kind="type_error"] td.num').textContent(),
      (count) => count === '3',
    );
    // Let the uptime tile age past zero so the picture shows a running agent.
    await panel.waitForTimeout(2_000);
    await panel.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    await panel.close();
  });
});
