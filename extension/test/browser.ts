import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';
import type { Browser as WebExtensionApi } from 'webextension-polyfill';

/** The type of the `chrome` global in the extension's worker, for code tests run there. */
export type ChromeGlobal = { chrome: WebExtensionApi };

/** The unpacked Chrome build the tests load. */
export const CHROME_DIST = fileURLToPath(new URL('../dist/chrome', import.meta.url));
/** Debian's Chromium. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** False where no Chromium is installed: the browser suites then skip, and say so. */
export const HAS_CHROMIUM = existsSync(CHROMIUM);
// CI installs Chromium, so there a missing browser is a failure, never a quiet skip.
if (!HAS_CHROMIUM && process.env.CI)
  throw new Error(`No Chromium at ${CHROMIUM}: CI requires the browser tests.`);
if (!HAS_CHROMIUM)
  console.warn(`No Chromium at ${CHROMIUM}: the extension's browser tests are skipped.`);

/** A Chromium with the built extension loaded, in a fresh profile. */
export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  /** The extension's service worker (it changes after a restart: call again). */
  worker(): Promise<Worker>;
  /** The tab id Chrome gave `page`. */
  tabId(page: Page): Promise<number>;
  /** Opens the panel as an ordinary tab inspecting `tabId`. */
  openPanel(tabId: number): Promise<Page>;
  /** Writes the extension's settings, as the panel's form would. */
  configure(settings: Record<string, unknown>): Promise<void>;
  /** Stops every service worker, as Chrome does to an idle one. */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

/** Launches Chromium headless with the extension; `extraArgs` e.g. to open DevTools. */
export async function launchWithExtension(extraArgs: string[] = []): Promise<ExtensionBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'selfheal-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--disable-extensions-except=${CHROME_DIST}`,
      `--load-extension=${CHROME_DIST}`,
      ...extraArgs,
    ],
  });
  const worker = async (): Promise<Worker> => {
    const running = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    return running ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  };
  const extensionId = new URL((await worker()).url()).host;
  const browser: ExtensionBrowser = {
    context,
    extensionId,
    worker,
    async tabId(page) {
      const url = page.url();
      const sw = await worker();
      const id = await sw.evaluate(async (target) => {
        const tabs = await (globalThis as unknown as ChromeGlobal).chrome.tabs.query({});
        return tabs.find((t) => t.url === target)?.id;
      }, url);
      if (id === undefined) throw new Error(`no tab shows ${url}`);
      return id;
    },
    async openPanel(tabId) {
      const panel = await context.newPage();
      await panel.goto(`chrome-extension://${extensionId}/panel.html?tabId=${tabId}`);
      return panel;
    },
    async configure(settings) {
      const sw = await worker();
      await sw.evaluate(async (next) => {
        const { storage } = (globalThis as unknown as ChromeGlobal).chrome;
        const current = (await storage.local.get('settings')).settings ?? {};
        await storage.local.set({ settings: { ...(current as object), ...next } });
      }, settings);
    },
    async stopWorkers() {
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await cdp.detach();
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return browser;
}

/** Polls `read` until `accept` holds, or fails after `timeoutMs` with the last value. */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `timed out; last value: ${JSON.stringify(last)?.slice(0, 2_000)} ${lastError ? String(lastError) : ''}`,
  );
}
