import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const env = process.env;

/**
 * The demo shop. `SHOP_RELEASE` is baked into the lazy chunk, so each deploy emits new hashed
 * chunk names, and `emptyOutDir` removes the old ones, as a real deploy to a static host does.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./shop', import.meta.url)),
  define: { __SHOP_RELEASE__: JSON.stringify(env.SHOP_RELEASE ?? 'dev') },
  build: {
    outDir: env.SHOP_OUT_DIR ?? fileURLToPath(new URL('./dist/shop', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  plugins: [
    {
      name: 'selfheal-agent-attributes',
      transformIndexHtml: (html) =>
        html
          .replace('%COLLECTOR_URL%', env.SHOP_COLLECTOR_URL ?? 'http://127.0.0.1:8787')
          .replace('%PROJECT_KEY%', env.SHOP_PROJECT_KEY ?? ''),
    },
  ],
});
