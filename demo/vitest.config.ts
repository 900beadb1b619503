import { defineProject } from 'vitest/config';

const conditions = ['@selfheal/source'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'demo',
    include: ['test/**/*.test.ts'],
    // Each file runs the whole demo (and a browser): one at a time, or they time each other out.
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
