import { defineProject } from 'vitest/config';

const conditions = ['@selfheal/source'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'extension',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/**/*.browser.test.ts', '**/node_modules/**'],
    globalSetup: ['test/build-agent.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
