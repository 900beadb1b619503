import { defineProject } from 'vitest/config';

const conditions = ['@selfheal/source'];

/** The dashboard in Debian's Chromium, served by a real collector. */
export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'dashboard-browser',
    include: ['test/**/*.browser.test.ts'],
    globalSetup: ['test/build-dashboard.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    fileParallelism: false,
  },
});
