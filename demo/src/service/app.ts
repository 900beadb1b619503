import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { BackendAgent } from '@selfheal/backend-agent';
import { selfheal } from '@selfheal/backend-agent/hono';
import { Hono } from 'hono';
import type { ShopCache } from './cache.js';
import type { ShopDatabase } from './database.js';
import {
  type createBlockingJob,
  createFlakyCounter,
  type createMemoryLeak,
  type createOutage,
} from './faults.js';

/** What the shop's app is built from; `main.ts` opens them. */
export interface ShopDeps {
  agent: BackendAgent;
  db: ShopDatabase;
  cache: ShopCache | null;
  leak: ReturnType<typeof createMemoryLeak>;
  job: ReturnType<typeof createBlockingJob>;
  outage: ReturnType<typeof createOutage>;
  /** The built shop page. */
  shopDir: string;
  /** The standalone page agent. */
  agentScript: string;
  /** Rebuilds the shop with new chunk names; resolves with the new release. */
  deploy(): Promise<string>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};
const OUTAGE_MS = 120_000;

/** The shop's API, its fault buttons' routes and its page, behind the backend agent's middleware. */
export function createShopApp(deps: ShopDeps): Hono {
  const app = new Hono();
  const flaky = createFlakyCounter(2);
  const widgetMissing = createFlakyCounter(1);
  app.use(selfheal(deps.agent));

  app.get('/api/products', async (c) => {
    const cached = deps.cache?.status === 'ready' ? await deps.cache.get('products') : null;
    if (cached) return c.json({ products: JSON.parse(cached), from: 'cache' });
    const products = await deps.db.products();
    if (deps.cache?.status === 'ready')
      await deps.cache.set('products', JSON.stringify(products), 5);
    return c.json({ products, from: deps.db.driver });
  });
  app.get('/api/flaky', (c) =>
    flaky(c.req.query('id') ?? '') ? c.text('try again', 503) : c.json({ ok: true }),
  );
  app.get('/api/recommendations', (c) =>
    deps.outage.isDown()
      ? c.text('the recommendations upstream is unreachable', 502)
      : c.json({ recommendations: ['Mug'] }),
  );
  app.get('/api/demo', (c) =>
    c.json({ database: deps.db.driver, cache: deps.cache ? deps.cache.url : null }),
  );

  app.post('/api/faults/db', async (c) => c.json({ detail: await deps.db.drop() }));
  app.post('/api/faults/cache', async (c) =>
    deps.cache
      ? c.json({ detail: await deps.cache.drop() })
      : c.json({ detail: 'no Redis reachable: the demo runs without a cache' }, 409),
  );
  app.post('/api/faults/memory', (c) =>
    c.json({ detail: deps.leak.start() ? 'the response cache grows' : 'already growing' }),
  );
  app.post('/api/faults/event-loop', (c) =>
    c.json({ detail: deps.job.start() ? 'the report job blocks the loop' : 'already blocking' }),
  );
  app.post('/api/faults/api-down', (c) => {
    deps.outage.downFor(OUTAGE_MS);
    return c.json({ detail: `the recommendations upstream is down for ${OUTAGE_MS / 1000} s` });
  });
  app.post('/api/deploy', async (c) => c.json({ detail: `release ${await deps.deploy()}` }));

  app.get('/frontend-agent.js', async (c) => {
    c.header('content-type', TYPES['.js']);
    c.header('cache-control', 'no-cache');
    return c.body(await readFile(deps.agentScript));
  });
  // The first request for each widget version fails, as a CDN edge that has not got it yet.
  app.get('/widgets/reviews.js', (c) => {
    if (widgetMissing(c.req.query('v') ?? '')) return c.text('not found', 404);
    c.header('content-type', TYPES['.js']);
    return c.body(
      "document.getElementById('reviews').textContent = '★★★★☆ 128 reviews (widget loaded)';",
    );
  });
  app.get('*', async (c) => {
    const path = c.req.path === '/' ? '/index.html' : c.req.path;
    const file = normalize(join(deps.shopDir, decodeURIComponent(path)));
    if (!file.startsWith(deps.shopDir)) return c.text('not found', 404);
    try {
      const body = await readFile(file);
      c.header('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
      c.header(
        'cache-control',
        path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      return c.body(body);
    } catch {
      return c.text('not found', 404);
    }
  });
  return app;
}
