import { defineConfig } from 'vitest/config';

const conditions = ['@selfheal/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      'shared',
      'collector',
      'backend-agent',
      'extension',
      'extension/vitest.browser.config.ts',
      'dashboard',
      'dashboard/vitest.browser.config.ts',
    ],
  },
});
