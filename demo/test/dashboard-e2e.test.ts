import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../src/heal-report/browser.js';
import { type RunningDemo, startDemo } from '../src/heal-report/demo-process.js';
import { type FaultClass, faultClasses } from '../src/heal-report/fault-classes.js';

const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`No Chromium at ${CHROMIUM}: the end-to-end demo test is skipped.`);

/** The fix the dashboard must show verified for each fault class the agents heal. */
const HEALED_BY: Record<string, string> = {
  flaky: 'retry_request',
  deploy: 'reload_page',
  script: 'reinject_resource',
  db: 'reconnect_database',
  cache: 'reconnect_cache',
  memory: 'restart_service',
  'event-loop': 'restart_service',
};

let demo: RunningDemo;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  demo = await startDemo({ VERIFY_WINDOW: '2' });
  browser = await launchChromium({ collectorUrl: demo.collectorUrl, projectKey: demo.projectKey });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
}, 30_000);

/** Verified fixes of `strategy` the dashboard lists, optionally only those run by a decision. */
const verifiedFixes = (dashboard: Page, strategy: string, byDecision = false) =>
  dashboard
    .locator(`section[aria-label="Fixes"] li.fix[data-strategy="${strategy}"][data-outcome="ok"]`)
    .filter(byDecision ? { hasText: 'by decision' } : {})
    .count();

/** Issues of `kind` the dashboard lists. */
const issuesOf = (dashboard: Page, kind: string) =>
  dashboard.locator('tr[data-fingerprint]').filter({
    has: dashboard.locator('span.kind', { hasText: new RegExp(`^${kind}$`) }),
  });

describe.skipIf(!HAS_CHROMIUM)('pnpm start, in a real Chromium with the extension', () => {
  it('signs in to the dashboard, shows each fault injected on the shop live and healed, and carries out an approved escalation', async () => {
    const dashboard = await browser.context.newPage();
    await dashboard.goto(`${demo.collectorUrl}/`);
    await dashboard.fill('input[name="token"]', demo.adminToken);
    await dashboard.click('button[type="submit"]');
    await dashboard.locator('[data-testid="link"]', { hasText: 'live' }).waitFor();
    // Everything below must arrive without a reload of the dashboard.
    await dashboard.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });

    const shop = await browser.context.newPage();
    await shop.goto(`${demo.demoUrl}/`);
    await shop.waitForFunction(() => typeof window.getAgentStatus === 'function');
    const world = { page: shop, demoUrl: demo.demoUrl };
    const classes = new Map<string, FaultClass>(faultClasses().map((f) => [f.id, f]));
    const fault = (id: string) => classes.get(id) as FaultClass;

    // The upstream goes down: no agent can fix it, the service's rules propose a restart and
    // wait for a person. Approved in the dashboard, the service's agent carries it out.
    // Users keep meeting the outage: half the service's answers fail, its error-rate check fails.
    for (let i = 0; i < 6; i += 1) await fault('api-down').inject(world);
    const pending = dashboard
      .locator('li[data-decision][data-status="pending"]')
      .filter({ has: dashboard.locator('[data-fault]', { hasText: 'api_down' }) })
      .first();
    await pending.waitFor({ timeout: 90_000 });
    const id = await pending.getAttribute('data-decision');
    const restartsBefore = demo.output().split('exited for a restart').length;
    await pending.locator('button', { hasText: 'Approve' }).click();
    const approved = dashboard.locator(`li[data-decision="${id}"]`);
    await expect
      .poll(() => approved.getAttribute('data-status'), { timeout: 10_000 })
      .not.toBe('pending');
    await expect
      .poll(() => demo.output().split('exited for a restart').length, { timeout: 30_000 })
      .toBeGreaterThan(restartsBefore);
    await expect
      .poll(() => verifiedFixes(dashboard, 'restart_service', true), { timeout: 60_000 })
      .toBeGreaterThan(0);

    for (const [faultId, strategy] of Object.entries(HEALED_BY)) {
      if (faultId === 'cache' && !demo.cache) continue;
      const f = fault(faultId);
      const before = await verifiedFixes(dashboard, strategy);
      await f.inject(world);
      await expect
        .poll(() => f.healed(world), { timeout: 90_000, message: `${faultId} healed` })
        .toBe(true);
      await expect
        .poll(() => issuesOf(dashboard, f.kinds[0] as string).count(), {
          timeout: 20_000,
          message: `${faultId} shown`,
        })
        .toBeGreaterThan(0);
      await expect
        .poll(() => verifiedFixes(dashboard, strategy), {
          timeout: 60_000,
          message: `${faultId}: a verified ${strategy} shown`,
        })
        .toBeGreaterThan(before);
    }
    expect(
      await dashboard.evaluate(
        () => (window as unknown as { sameDocument?: boolean }).sameDocument,
      ),
    ).toBe(true);
  }, 600_000);
});
