import type {
  IssueDetail,
  KnowledgeEntry,
  Status,
  Issue as StoredIssue,
} from '@selfheal/shared/protocol';
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

type Counts = Record<string, number>;

/** The panel's fault rows: count per fingerprint, as shown. */
const panelCounts = (panel: Page): Promise<Counts> =>
  panel
    .locator('table.faults tbody tr')
    .evaluateAll((rows) =>
      Object.fromEntries(
        rows.map((r) => [
          r.getAttribute('data-fingerprint') ?? '',
          Number(r.querySelector('td.num')?.textContent),
        ]),
      ),
    );

/** The panel's fixes: fingerprint, strategy and shown outcome (ok, bad, pending). */
const panelFixes = (panel: Page) =>
  panel.locator('li.fix').evaluateAll((items) =>
    items.map((li) => ({
      fingerprint: li.getAttribute('data-fingerprint') ?? '',
      strategy: li.getAttribute('data-strategy') ?? '',
      outcome: li.getAttribute('data-outcome') ?? '',
    })),
  );

const sameCounts = (a: Counts, b: Counts) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(a).every(([fingerprint, n]) => b[fingerprint] === n);

describe.skipIf(!HAS_CHROMIUM)('the panel and the collector, on one page', () => {
  let browser: ExtensionBrowser;
  let fixtures: FixtureServer;
  let target: StoreTarget;
  let collector: Collector;
  let base: string;
  let page: Page;
  let panel: Page;

  beforeAll(async () => {
    target = pgliteTarget();
    // A 2 s verification window: the collector judges a fix only once its window has passed.
    ({ collector, base } = await startCollector(target, withDecisions()));
    fixtures = await startFixtures();
    browser = await launchWithExtension();
    await browser.configure({ collectorUrl: base, projectKey: KEY, adminToken: ADMIN });
    page = await browser.context.newPage();
    await page.goto(`${fixtures.origin}/repeats.html`);
    panel = await browser.openPanel(await browser.tabId(page));
  });

  afterAll(async () => {
    await browser?.close();
    await fixtures?.close();
    await collector?.close();
    await target?.dispose();
  });

  it('agree on every fault count, the fifty merged repeats included', async () => {
    const collectorCounts = async (): Promise<Counts> => {
      const { issues } = await adminGet<{ issues: StoredIssue[] }>(base, '/api/issues?limit=100');
      return Object.fromEntries(issues.map((i) => [i.fingerprint, i.count]));
    };
    const [shown, stored] = await eventually(
      () => Promise.all([panelCounts(panel), collectorCounts()]),
      ([p, c]) => Object.values(p).includes(50) && sameCounts(p, c),
      30_000,
    );
    expect(shown).toEqual(stored);
    // The error, the console error, the refused POST, the missing script and the flaky GET.
    expect(Object.keys(shown).length).toBeGreaterThanOrEqual(5);

    const [repeated] = Object.entries(shown).find(([, n]) => n === 50) ?? [];
    const detail = await adminGet<IssueDetail>(base, `/api/issues/${repeated}`);
    expect(detail.issue.title).toContain('Basket total is not a number');
    // The fifty arrived as a few events carrying `count`, not as fifty events (the list holds 20).
    expect(detail.events.filter((e) => e.type === 'error').length).toBeLessThan(20);
  });

  it('agree on the verdict of the retried fetch, and on every other fix', async () => {
    await eventually(
      () => page.evaluate(() => (window as unknown as { flaky?: number }).flaky),
      (status) => status === 200,
    );
    const retry = panel.locator(
      'li.fix[data-strategy="retry_request"]:not([data-outcome="pending"])',
    );
    await retry.first().waitFor({ timeout: 20_000 });
    const fingerprint = (await retry.first().getAttribute('data-fingerprint')) ?? '';
    const shown = await retry.first().getAttribute('data-outcome');
    expect(shown).toBe('ok');

    // The outcome the collector stored with the issue is the one the panel shows.
    const detail = await eventually(
      () => adminGet<IssueDetail>(base, `/api/issues/${fingerprint}`),
      (d) => d.events.some((e) => e.type === 'fix_outcome'),
    );
    const outcome = detail.events.find(
      (e) => e.type === 'fix_outcome' && e.data?.strategy === 'retry_request',
    );
    expect(outcome?.data?.success).toBe(shown === 'ok');

    // And the collector's own verdict, once its verification window has passed.
    const entry = await eventually(
      async () =>
        (
          await adminGet<{ knowledge: KnowledgeEntry[] }>(
            base,
            `/api/knowledge?patternType=fingerprint&pattern=${fingerprint}`,
          )
        ).knowledge.find((k) => k.strategy === 'retry_request'),
      (k) => k?.lastOutcome != null,
      30_000,
    );
    expect(entry?.lastOutcome).toBe(shown === 'ok' ? 'success' : 'failure');
    expect(entry).toMatchObject({ attempts: 1, successes: 1, failures: 0 });

    // Every fix the panel shows as finished is an outcome the collector counts, at the same rate.
    const [fixes, status] = await eventually(
      () => Promise.all([panelFixes(panel), adminGet<Status>(base, '/api/status')]),
      ([f, s]) => f.every((x) => x.outcome !== 'pending') && s.totalFixes === f.length,
      30_000,
    );
    const verified = fixes.filter((f) => f.outcome === 'ok').length;
    expect(status.totalFixes).toBe(fixes.length);
    expect(status.fixSuccessRate).toBe(verified / fixes.length);
  });
});
