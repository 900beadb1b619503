import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { noDynamicCode } from './no-dynamic-code.js';
import { CONTENT_SCRIPTS, createManifest, type Target } from './src/manifest.js';

const pkg = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const [rewriteDynamicCode, checkDynamicCode] = noDynamicCode();
const target: Target = process.env.TARGET === 'firefox' ? 'firefox' : 'chrome';

/** Builds the unpacked extension for Chrome (default) or Firefox (`TARGET=firefox`). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Icons; a folder of its own so the standalone agent's build does not copy them.
  publicDir: 'static',
  resolve: { conditions: ['@selfheal/source'] },
  plugins: [
    rewriteDynamicCode,
    preact(),
    crx({
      manifest: createManifest(target, pkg.version),
      browser: target,
      // Built as self-contained scripts so they run synchronously at document_start.
      contentScripts: { standaloneFiles: [CONTENT_SCRIPTS.main, CONTENT_SCRIPTS.relay] },
    }),
    // Last, so it sees the content scripts crx adds to the bundle.
    checkDynamicCode,
  ],
  build: {
    outDir: fileURLToPath(new URL(`dist/${target}`, import.meta.url)),
    emptyOutDir: true,
    target: target === 'firefox' ? 'firefox140' : 'chrome111',
    rolldownOptions: { input: { panel: fileURLToPath(new URL('panel.html', import.meta.url)) } },
  },
});
