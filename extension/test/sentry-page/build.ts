import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Builds the page's Sentry setup (the real @sentry/browser) into one script; returns its code. */
export async function buildSentryPage(): Promise<Buffer> {
  const outDir = mkdtempSync(join(tmpdir(), 'selfheal-sentry-page-'));
  try {
    await build({
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir,
        emptyOutDir: true,
        minify: false,
        lib: {
          entry: fileURLToPath(new URL('./entry.ts', import.meta.url)),
          formats: ['iife'],
          name: 'SentryPage',
          fileName: () => 'sentry-page.js',
        },
      },
    });
    return readFileSync(join(outDir, 'sentry-page.js'));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
