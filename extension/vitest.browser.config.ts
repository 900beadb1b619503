import { defineProject } from 'vitest/config';

const conditions = ['@selfheal/source'];

/** The browser tests: Debian's Chromium with the built extension loaded, a real collector. */
export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'extension-browser',
    include: ['test/**/*.browser.test.ts'],
    globalSetup: ['test/build-extension.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // One Chromium at a time: the machine has two cores.
    fileParallelism: false,
  },
});
