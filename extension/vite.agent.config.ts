import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Properties the standalone build renames (see `mangle` below). */
const INTERNAL_PROPERTIES =
  /^(?:replaying|clearTimer|setTimer|pageAborted|growthBytes|headerNames|replayable|intervalMs|startFix|finish|budgets|book|retries|started|attempt|recordFault|recordFix|finishFix|enqueue|onFault|safe|win|openArgs|retryFor|onFailure|onEnd|isOwn|usedBytes|limitBytes|setHistorySize|snapshot|resume|take|nextId|pageUrl|onCommands|idempotencyKey|fix|base|delay|hidden|result|request|run|element|reinject|fault|final|resumed|refused|file|line)$/;

/** The standalone agent: one IIFE file, `dist/agent/frontend-agent.js`, for sites to embed. */
export default defineConfig({
  resolve: { conditions: ['@selfheal/source'] },
  build: {
    outDir: fileURLToPath(new URL('./dist/agent', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    // Terser's two passes gzip about 230 B smaller than the default minifier on this file.
    minify: 'terser',
    terserOptions: {
      ecma: 2020,
      compress: { passes: 2 },
      // Property names that never leave the agent (its context, fix handles, XHR state) are
      // shortened. None is read by the page, the wire or sessionStorage, and none is read from a
      // built-in or DOM object, so names such as `finish` or `result` may be listed too.
      mangle: { properties: { regex: INTERNAL_PROPERTIES, builtins: true } },
    },
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
