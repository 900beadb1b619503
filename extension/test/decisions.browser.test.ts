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

/** A collector that decides on a fault's first occurrence and applies nothing without a person. */
const ESCALATE_EVERYTHING = withDecisions({
  autoApplyThreshold: 1,
  autoApplyMaxRisk: 'safe',
  persistentThreshold: 1,
});

describe.skipIf(!HAS_CHROMIUM)('the collector’s decisions in the panel', () => {
  let browser: ExtensionBrowser;
  let fixtures: FixtureServer;
  let target: StoreTarget;
  let collector: Collector;
  let base: string;
  let hasDecisions = false;

  beforeAll(async () => {
    target = pgliteTarget();
    ({ collector, base } = await startCollector(target, ESCALATE_EVERYTHING));
    const probe = await fetch(`${base}/api/decisions`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    hasDecisions = probe.status !== 404;
    if (!hasDecisions)
      console.warn('This collector has no decisions API: the decision tests are skipped.');
    fixtures = await startFixtures();
    browser = await launchWithExtension();
    await browser.configure({ collectorUrl: base, projectKey: KEY, adminToken: '' });
  });

  afterAll(async () => {
    await browser?.close();
    await fixtures?.close();
    await collector?.close();
    await target?.dispose();
  });

  it('shows a decision waiting for a person, approves it, and the tab’s agent carries it out', async (ctx) => {
    if (!hasDecisions) ctx.skip();
    const page: Page = await browser.context.newPage();
    await page.goto(`${fixtures.origin}/stale.html`);
    const tabId = await browser.tabId(page);
    const panel = await browser.openPanel(tabId);
    // No token yet: the panel says what is missing, and forgets it once a token is saved.
    const banner = panel.getByText('Set an admin token to see the collector’s decisions.');
    await banner.waitFor({ timeout: 10_000 });
    await panel.getByRole('button', { name: 'Settings' }).click();
    await panel.locator('input[name="adminToken"]').fill(ADMIN);
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByRole('status').getByText('Saved.').waitFor();
    await panel.getByRole('button', { name: 'Overview' }).click();
    // Well before the panel's own 15 s poll.
    await banner.waitFor({ state: 'detached', timeout: 3_000 });
    const pending = panel.locator('ul.decisions li[data-status="pending"]', {
      hasText: 'reload_page',
    });
    await eventually(
      async () => {
        await panel.getByRole('button', { name: 'Refresh' }).click();
        return pending.count();
      },
      (n) => n > 0,
      45_000,
    );
    // Each decision says which fault it is for.
    expect(await pending.first().locator('[data-fault]').textContent()).toMatch(/^For \w+: /);
    await pending.first().getByRole('button', { name: 'Approve' }).click();
    await panel
      .locator('ul.decisions li:not([data-status="pending"])', { hasText: 'reload_page' })
      .first()
      .waitFor({ timeout: 20_000 });

    // The fault comes back; the report's answer carries the command to this tab's agent.
    await page.reload();
    const fix = panel.locator('li.fix[data-strategy="reload_page"]', {
      hasText: 'collector recommended it',
    });
    await fix.first().waitFor({ timeout: 45_000 });
    const { decisions } = await adminGet<{
      decisions: Array<{ id: string; strategy: string; status: string }>;
    }>(base, '/api/decisions');
    const approved = decisions.find((d) => d.strategy === 'reload_page');
    expect(approved?.status).not.toBe('pending');
    expect(await fix.first().locator('.reason').textContent()).toContain(
      `decision ${approved?.id}`,
    );
    await panel.close();
    await page.close();
  });
});
