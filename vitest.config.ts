import { defineConfig } from 'vitest/config';

const conditions = ['@selfheal/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    // Runs once for the whole run, so its notice is printed once.
    globalSetup: ['test-notice.ts'],
    projects: [
      'shared',
      'collector',
      'backend-agent',
      'demo',
      'extension',
      'extension/vitest.browser.config.ts',
      'dashboard',
      'dashboard/vitest.browser.config.ts',
    ],
  },
});
