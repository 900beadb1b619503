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

type Probe = { chrome: boolean; html: string; keys: string[] };
type Seen = string[];

describe.skipIf(!HAS_CHROMIUM)('a page’s own scripts against the extension', () => {
  let browser: ExtensionBrowser;
  let fixtures: FixtureServer;
  let target: StoreTarget;
  let collector: Collector;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    target = pgliteTarget();
    ({ collector, base } = await startCollector(target));
    fixtures = await startFixtures();
    browser = await launchWithExtension();
    await browser.configure({ collectorUrl: base, projectKey: KEY, adminToken: ADMIN });
    page = await browser.context.newPage();
    await page.goto(`${fixtures.origin}/hostile.html`);
  });

  afterAll(async () => {
    await browser?.close();
    await fixtures?.close();
    await collector?.close();
    await target?.dispose();
  });

  it('cannot forge a report: only the page’s real fault reaches the collector', async () => {
    const issues = await eventually(
      () =>
        adminGet<{ issues: Array<{ title: string; url: string | null }> }>(
          base,
          '/api/issues?limit=100',
        ),
      (r) => r.issues.some((i) => i.title.includes('hostile page real fault')),
    );
    // The real fault was sent after the forgeries, so they had every chance to arrive first.
    expect(issues.issues.map((i) => i.title).join('\n')).not.toContain('FORGED-REPORT');
    // Nothing but the page's own faults (a busy machine may add a long task) was stored.
    for (const issue of issues.issues) expect(issue.url).toContain('/hostile.html');
  });

  it('cannot see the bridge: no handshake, message or nonce reaches its listeners', async () => {
    const seen = await page.evaluate(() => (window as unknown as { seen: Seen }).seen);
    // Its own forged events are all it saw; the extension's messages never passed by it.
    expect(seen.filter((s) => s.startsWith('got-hello'))).toEqual([]);
    expect(seen.filter((s) => s.startsWith('message:'))).toEqual([
      expect.stringContaining('FORGED-REPORT'),
    ]);
    expect(seen.filter((s) => s.includes('to-page'))).toEqual([]);
  });

  it('cannot read the settings: no key, token or collector URL anywhere it can reach', async () => {
    const probe = await page.evaluate(() => (window as unknown as { probe: Probe }).probe);
    expect(probe.chrome).toBe(false);
    expect(probe.keys).toEqual([]);
    const reachable = await page.evaluate(() =>
      JSON.stringify({
        status: (window as unknown as { getAgentStatus(): unknown }).getAgentStatus(),
        html: document.documentElement.outerHTML,
        storage: { ...localStorage, ...sessionStorage },
        cookie: document.cookie,
      }),
    );
    for (const secret of [KEY, ADMIN, base]) {
      expect(probe.html).not.toContain(secret);
      expect(reachable).not.toContain(secret);
    }
  });
});
