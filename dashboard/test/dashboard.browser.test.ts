import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/src/collector.js';
import {
  fixOutcome,
  healthFault,
  sendBackend,
  settle,
} from '../../collector/test/decide-helpers.js';
import {
  ADMIN,
  event,
  pgliteTarget,
  report,
  type StoreTarget,
  startCollector,
} from '../../collector/test/harness.js';
import { CHROMIUM, eventually, HAS_CHROMIUM } from '../../extension/test/browser.js';
import { withDecisions } from '../../extension/test/collector-config.js';

/** `docs/dashboard.png` when asked to refresh it (SELFHEAL_UPDATE_SCREENSHOT=1), else a scratch file. */
const SCREENSHOT = process.env.SELFHEAL_UPDATE_SCREENSHOT
  ? fileURLToPath(new URL('../../docs/dashboard.png', import.meta.url))
  : join(tmpdir(), `selfheal-dashboard-${process.pid}.png`);

const HOSTILE = 'Checkout broke <img src=x onerror="window.pwned=1"> <b>bold</b>';

describe.skipIf(!HAS_CHROMIUM)('the dashboard at /', () => {
  let target: StoreTarget;
  let collector: Collector;
  let base: string;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    target = pgliteTarget();
    // No fix is applied without a person, so a decision waits for approval.
    ({ collector, base } = await startCollector(
      target,
      withDecisions({ autoApplyThreshold: 1, autoApplyMaxRisk: 'safe', verifyWindowMs: 500 }),
    ));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
    await target?.dispose();
  });

  it('is served under its CSP and refuses a wrong token with a clear message', async () => {
    const res = await page.goto(`${base}/`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await page.fill('input[name="token"]', 'sha_not-the-admin-token');
    await page.click('button[type="submit"]');
    await expect
      .poll(() => page.locator('[role="alert"]').textContent())
      .toMatch(/not the admin token/);
  });

  it('signs in with the admin token, keeps it for the tab, and goes live', async () => {
    await page.fill('input[name="token"]', ADMIN);
    await page.click('button[type="submit"]');
    await page.locator('[data-testid="link"]', { hasText: 'live' }).waitFor();
    await page.reload();
    await page.locator('[data-testid="link"]', { hasText: 'live' }).waitFor();
    expect(await page.locator('input[name="token"]').count()).toBe(0);
  });

  it('shows a reported fault live, its text as text, never as HTML', async () => {
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    const res = await report(base, {
      agent: 'frontend',
      sessionId: 'session-a',
      url: 'https://shop.example/cart',
      events: [
        event({ message: HOSTILE, url: 'https://shop.example/cart', fingerprint: 'fp-xss' }),
      ],
    });
    expect(res.status).toBe(202);
    const row = page.locator('tr[data-fingerprint="fp-xss"]');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('td.title').textContent()).toContain('<img src=x onerror=');
    expect(await row.locator('img, b').count()).toBe(0);
    await expect
      .poll(() => row.locator('td.seen').textContent(), { timeout: 10_000 })
      .toContain('https://shop.example');
    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { pwned?: unknown }).pwned,
      sameDocument: (window as unknown as { sameDocument?: boolean }).sameDocument,
    }));
    expect(state).toEqual({ pwned: undefined, sameDocument: true });
  });

  it('shows a decision with the fault it is for, and approves it', async () => {
    await sendBackend(base, 'orders', [healthFault('db_down', 'db')]);
    const decision = page.locator('li[data-decision][data-status="pending"]').first();
    await decision.waitFor({ timeout: 20_000 });
    expect(await decision.locator('[data-fault]').textContent()).toMatch(
      /db_down.*db check failing/,
    );
    expect(await decision.locator('[data-record]').textContent()).toMatch(
      /Built-in rule for db_down/,
    );
    expect(await decision.locator('.badge').first().textContent()).toBe('pending');
    const id = await decision.getAttribute('data-decision');
    await decision.locator('button', { hasText: 'Approve' }).click();
    const approved = page.locator(`li[data-decision="${id}"]`);
    await expect
      .poll(() => approved.getAttribute('data-status'), { timeout: 10_000 })
      .not.toBe('pending');
    // Only a decision waiting for a person offers the buttons.
    expect(await approved.locator('button', { hasText: 'Approve' }).count()).toBe(0);
    await page.locator('section[aria-label="Services"], [data-service="orders"]').first().waitFor();
  });

  it('charts the success rate per strategy and lists verified fixes (docs/dashboard.png)', async () => {
    for (const [session, success] of [
      ['session-b', true],
      ['session-c', true],
      ['session-d', false],
    ] as const) {
      await report(base, {
        agent: 'frontend',
        sessionId: session,
        events: [
          fixOutcome({
            strategy: 'retry_request',
            fingerprint: `fp-${session}`,
            success,
            local: true,
          }),
        ],
      });
    }
    await new Promise((r) => setTimeout(r, 600));
    await settle(collector);
    // A verdict is not a live update of its own: the next report brings the figures again.
    await report(base, {
      agent: 'frontend',
      sessionId: 'session-a',
      events: [event({ fingerprint: 'fp-xss', message: HOSTILE })],
    });
    await page
      .locator('li.fix[data-strategy="retry_request"][data-outcome="ok"]')
      .first()
      .waitFor({ timeout: 15_000 });
    await eventually(
      () => page.locator('[data-testid="fix-success-rate"] .tile-value').textContent(),
      (text) => text === '67 %',
    );
    await page.locator('[data-testid="strategy-trend"] canvas').waitFor();
    expect(await page.locator('[data-testid="strategy-trend"] .u-legend').textContent()).toContain(
      'retry_request',
    );
    expect(cspViolations).toEqual([]);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
  });
});
