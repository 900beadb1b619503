import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The standalone agent: one IIFE file, `dist/agent/frontend-agent.js`, for sites to embed. */
export default defineConfig({
  resolve: { conditions: ['@selfheal/source'] },
  build: {
    outDir: fileURLToPath(new URL('./dist/agent', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL('./src/standalone.ts', import.meta.url)),
      name: 'selfhealAgent',
      formats: ['iife'],
      fileName: () => 'frontend-agent.js',
    },
  },
});
