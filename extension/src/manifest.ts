import type { ManifestV3Export } from '@crxjs/vite-plugin';

/** The browsers the extension is built for. */
export type Target = 'chrome' | 'firefox';

/** The public half of the signing key: it fixes the extension id (aggfajfhmlalcanijgmbbjfoaageppde). */
const PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnwo/5xQ60BPckCIcJzofGxDtZLVHvGodQ4yYd89x6kV5kKeFZIjzZxintxaYifGQX7kvTjoQJNrD6v4Bib1SbehPwQqdl6/ObYeoe7yxZ6scNdj3PwCMLzuvwPfyG2YqsawpdbwHnPfOfXh+vszxob0KxBvAiRrRWkvGvtJHIIE741/Y0A6w5rC83Hy1rlew51gyoNO6Dn4HT/zvqFqkC1pFp1CEiKhLMudmulJSLj7HTg0g271CoqdCdsgkym5K1+dfWsJXb/nvK9vos+LtYLuwnXpCh3E7FsAWuNMi4F4yif/NaI4xQv2WKNV42NJjBHEQx34fKmSre/qqWfYddQIDAQAB';

/** The extension id that `PUBLIC_KEY` gives in Chrome. */
export const EXTENSION_ID = 'aggfajfhmlalcanijgmbbjfoaageppde';

/** The sites the agent runs on without asking: local development servers on any port. */
export const DEFAULT_MATCHES = [
  'http://localhost/*',
  'http://127.0.0.1/*',
  'https://localhost/*',
  'https://127.0.0.1/*',
];

/** The agent's bootstrap (page world) and the relay (isolated world), in the order they run. */
export const CONTENT_SCRIPTS = {
  main: 'src/content/main-world.ts',
  relay: 'src/content/relay.ts',
} as const;

/** The extension's icon, by size (copied from `static/icons`). */
const ICONS = Object.fromEntries([16, 32, 48, 128].map((size) => [size, `icons/icon-${size}.png`]));

/** The Manifest V3 manifest for `target`. */
export function createManifest(target: Target, version: string): ManifestV3Export {
  const background =
    target === 'firefox'
      ? { scripts: ['src/background/index.ts'], type: 'module' as const }
      : { service_worker: 'src/background/index.ts', type: 'module' as const };
  return {
    manifest_version: 3,
    name: 'Selfheal',
    description:
      'Catches faults in the pages you develop, fixes what is safe and shows it in DevTools.',
    version,
    icons: ICONS,
    ...(target === 'chrome'
      ? { key: PUBLIC_KEY, minimum_chrome_version: '111' }
      : {
          browser_specific_settings: {
            gecko: {
              id: 'selfheal@selfheal.dev',
              strict_min_version: '140.0',
              // What the agent sends to the collector the user sets: the faults of the pages
              // it watches (their URLs, error text, timings), nothing to anyone else.
              data_collection_permissions: {
                required: ['browsingActivity', 'websiteContent'],
              },
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }),
    permissions: ['storage', 'scripting'],
    host_permissions: DEFAULT_MATCHES,
    optional_host_permissions: ['*://*/*'],
    background,
    devtools_page: 'devtools.html',
    content_scripts: [
      // The bootstrap first: it must exist before the relay and before any of the page's scripts.
      {
        matches: DEFAULT_MATCHES,
        js: [CONTENT_SCRIPTS.main],
        run_at: 'document_start',
        world: 'MAIN',
      },
      { matches: DEFAULT_MATCHES, js: [CONTENT_SCRIPTS.relay], run_at: 'document_start' },
    ],
  } as ManifestV3Export;
}
