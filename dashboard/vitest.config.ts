import { defineProject } from 'vitest/config';

const conditions = ['@selfheal/source'];

/** The dashboard's logic, without a browser. */
export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { name: 'dashboard', include: ['src/**/*.test.ts'] },
});
