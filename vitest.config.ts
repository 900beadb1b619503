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
      'demo',
      'extension',
      'extension/vitest.browser.config.ts',
    ],
  },
});
