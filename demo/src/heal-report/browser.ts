import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { DEMO_DIR } from '../shop-build.js';

/** The part of the extension's `chrome` global used here. */
interface ChromeStorage {
  storage: {
    local: {
      get(key: string): Promise<{ settings?: Record<string, unknown> }>;
      set(items: Record<string, unknown>): Promise<void>;
    };
  };
}

/** Debian's Chromium, or `CHROMIUM_PATH`. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The extension's Chrome build, which the demo's start script makes when it is missing. */
export const EXTENSION_DIR = resolve(DEMO_DIR, '..', 'extension', 'dist', 'chrome');

/**
 * A headless Chromium in a fresh profile with the selfheal extension loaded and set up, as a
 * user would in its panel, to report to `collectorUrl` with the project key.
 */
export async function launchChromium(extension: {
  collectorUrl: string;
  projectKey: string;
}): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`the extension is not built in ${EXTENSION_DIR}`);
  }
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
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
    ],
  });
  const worker =
    context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
    (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  await worker.evaluate(async (next) => {
    const { storage } = (globalThis as unknown as { chrome: ChromeStorage }).chrome;
    const current = (await storage.local.get('settings')).settings ?? {};
    await storage.local.set({ settings: { ...current, ...next } });
  }, extension);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
