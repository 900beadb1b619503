import browser from 'webextension-polyfill';

const IDS = { main: 'selfheal-main', relay: 'selfheal-relay' } as const;

/** The match pattern for a site the user added, e.g. `https://shop.example/*`. */
export function toMatchPattern(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return `${url.protocol}//${url.hostname}/*`;
  } catch {
    return undefined;
  }
}

/** The built files of the manifest's two content scripts (the names the build gave them). */
function contentScriptFiles(): { main: string[]; relay: string[] } {
  const scripts = browser.runtime.getManifest().content_scripts ?? [];
  const main = scripts.find((s) => (s as { world?: string }).world === 'MAIN')?.js ?? [];
  const relay = scripts.find((s) => (s as { world?: string }).world !== 'MAIN')?.js ?? [];
  return { main, relay };
}

/**
 * Runs the agent on the sites the user added and granted: the same two scripts as the manifest's,
 * registered for those origins. Sites without a granted permission are left out.
 */
export async function syncSites(sites: string[]): Promise<string[]> {
  const patterns = [...new Set(sites.map(toMatchPattern).filter((p): p is string => !!p))];
  const granted: string[] = [];
  for (const pattern of patterns) {
    if (await browser.permissions.contains({ origins: [pattern] })) granted.push(pattern);
  }
  const scripting = browser.scripting;
  const registered = await scripting.getRegisteredContentScripts({ ids: Object.values(IDS) });
  if (registered.length > 0) await scripting.unregisterContentScripts({ ids: Object.values(IDS) });
  if (granted.length === 0) return granted;
  const files = contentScriptFiles();
  await scripting.registerContentScripts([
    { id: IDS.main, matches: granted, js: files.main, runAt: 'document_start', world: 'MAIN' },
    { id: IDS.relay, matches: granted, js: files.relay, runAt: 'document_start' },
  ]);
  return granted;
}
