import { type Settings, settingsSchema } from '@selfheal/shared/protocol';
import browser from 'webextension-polyfill';
import { DEFAULT_SETTINGS } from './settings-defaults.js';

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
