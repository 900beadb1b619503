import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The standalone agent: one IIFE file, `dist/agent/frontend-agent.js`, for sites to embed. */
export default defineConfig({
  resolve: { conditions: ['@selfheal/source'] },
  build: {
    outDir: fileURLToPath(new URL('./dist/agent', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    // Terser's two passes gzip about 230 B smaller than the default minifier on this file.
    minify: 'terser',
    terserOptions: { ecma: 2020, compress: { passes: 2 } },
    // Terser is slow on purpose; no warning about the time it takes.
    rolldownOptions: { checks: { bundlerTimings: false } },
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL('./src/standalone.ts', import.meta.url)),
      name: 'selfhealAgent',
      formats: ['iife'],
      fileName: () => 'frontend-agent.js',
    },
  },
});
