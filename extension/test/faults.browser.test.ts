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
import { type FixtureServer, startFixtures } from './fixtures.js';

type Status = {
  metrics: Record<string, number>;
  errorHistory: Array<{ kind: string; type: string; message: string; count: number }>;
  fixHistory: Array<{ strategy: string; success?: boolean; local: boolean }>;
  health: { fixSuccessRate: number; uptime: number };
  config: Record<string, unknown>;
};

const status = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { getAgentStatus(): unknown }).getAgentStatus() as Status,
  );

describe.skipIf(!HAS_CHROMIUM)(
  'the extension in Chromium, on a page with every fault class',
  () => {
    let browser: ExtensionBrowser;
    let fixtures: FixtureServer;
    let target: StoreTarget;
    let collector: Collector;
    let base: string;
    let page: Page;
    let tabId: number;

    beforeAll(async () => {
      target = pgliteTarget();
      ({ collector, base } = await startCollector(target));
      fixtures = await startFixtures();
      browser = await launchWithExtension();
      await browser.configure({ collectorUrl: base, projectKey: KEY, adminToken: ADMIN });
      page = await browser.context.newPage();
      await page.goto(`${fixtures.origin}/faults.html`);
      tabId = await browser.tabId(page);
    });

    afterAll(async () => {
      await browser?.close();
      await fixtures?.close();
      await collector?.close();
      await target?.dispose();
    });

    it('detects and classifies each fault, as getAgentStatus() tells', async () => {
      const expected = [
        'import_error',
        'type_error',
        'reference_error',
        'file_not_found',
        'network_error',
        'long_task',
      ];
      const seen = await eventually(
        () => status(page),
        (s) => expected.every((kind) => s.errorHistory.some((e) => e.kind === kind)),
      );
      const messages = seen.errorHistory.map((e) => e.message).join('\n');
      expect(messages).toContain('Checkout failed to load the basket');
      expect(messages).toContain('Payment widget failed');
      expect(seen.metrics.errorsDetected).toBeGreaterThanOrEqual(expected.length + 2);
      // The agent in the page knows no collector URL or key: those stay in the extension.
      expect(JSON.stringify(seen)).not.toContain(KEY);
      expect(JSON.stringify(seen)).not.toContain(base);
    });

    it('shows the same faults in the panel, grouped by fingerprint, with text shown as text', async () => {
      const panel = await browser.openPanel(tabId);
      const kinds = await eventually(
        () =>
          panel
            .locator('table.faults tbody tr')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind'))),
        (k) =>
          [
            'import_error',
            'type_error',
            'reference_error',
            'file_not_found',
            'network_error',
            'long_task',
          ].every((x) => k.includes(x)),
      );
      const prints = await panel
        .locator('table.faults tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-fingerprint')));
      expect(new Set(prints).size).toBe(prints.length);
      expect(prints.length).toBe(kinds.length);
      const row = panel.locator('tr', { hasText: 'Payment widget failed' });
      await expect(row.locator('td.title').textContent()).resolves.toContain('<img src=x onerror=');
      expect(
        await panel.evaluate(() => (window as unknown as { pwned?: number }).pwned),
      ).toBeUndefined();
      expect(await panel.locator('td.title img, td.title b').count()).toBe(0);
      await panel.close();
    });

    it('sends the events to the collector', async () => {
      const issues = await eventually(
        () =>
          adminGet<{ issues: Array<{ kind: string; title: string }> }>(
            base,
            '/api/issues?limit=100',
          ),
        (r) =>
          ['type_error', 'reference_error', 'import_error'].every((k) =>
            r.issues.some((i) => i.kind === k),
          ),
      );
      expect(
        issues.issues.some((i) => i.title.includes('Checkout failed to load the basket')),
      ).toBe(true);
    });

    it('reports the tab’s reloads as one session: one agent at the collector', async () => {
      type Agents = { agents: Array<{ agent: string; service: string | null; reports: number }> };
      const pages = (r: Agents) =>
        r.agents.filter((a) => a.agent === 'frontend' && a.service === fixtures.origin);
      const before = await eventually(
        () => adminGet<Agents>(base, '/api/agents'),
        (r) => pages(r).length === 1,
      );
      const reports = pages(before)[0]?.reports ?? 0;
      await page.reload();
      await page.reload();
      const after = await eventually(
        () => adminGet<Agents>(base, '/api/agents'),
        (r) => (pages(r)[0]?.reports ?? 0) > reports + 1,
      );
      expect(pages(after)).toHaveLength(1);
    });
  },
);
