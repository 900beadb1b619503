import { defineProject } from 'vitest/config';

const conditions = ['@selfheal/source'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { name: 'shared', include: ['src/**/*.test.ts'] },
});
