import type { PageConfig } from '@selfheal/shared';
import { type Settings, settingsSchema } from '@selfheal/shared/protocol';
import browser from 'webextension-polyfill';

/** Settings before the user changes any: a collector on this machine, local sites only. */
export const DEFAULT_SETTINGS: Settings = {
  collectorUrl: 'http://127.0.0.1:8787',
  projectKey: '',
  adminToken: '',
  autoFixEnabled: true,
  reportingEnabled: true,
  sites: [],
};

const KEY = 'settings';

/** The stored settings, or the defaults where none (or broken ones) are stored. */
export async function loadSettings(): Promise<Settings> {
  const stored = (await browser.storage.local.get(KEY))[KEY];
  const parsed = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(stored as object) });
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

/** Stores `settings` (already validated). */
export async function saveSettings(settings: Settings): Promise<void> {
  await browser.storage.local.set({ [KEY]: settings });
}

/** What a page's agent may know of the settings: the switches, never the key or URLs. */
export function toPageConfig(settings: Settings): PageConfig {
  return { autoFixEnabled: settings.autoFixEnabled, reportingEnabled: settings.reportingEnabled };
}
