import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { BackendAgent } from '@selfheal/backend-agent';
import { buildShop } from '../shop-build.js';
import { createShopApp } from './app.js';
import { openCache } from './cache.js';
import type { ShopDatabase } from './database.js';
import { createBlockingJob, createMemoryLeak, createOutage } from './faults.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

// The demo service's edge: the only file here that reads the environment and opens a port.
// The backend agent itself reads SERVICE_NAME, COLLECTOR_URL and SELFHEAL_AGENT_KEY.
const env = process.env;
const port = Number(env.DEMO_PORT ?? 3000);
const dataDir = resolve(env.DEMO_DATA_DIR ?? '.selfheal');
const shopDir = resolve(env.SHOP_DIR ?? join(dataDir, 'demo-shop'));
const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (message: string) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);
mkdirSync(dataDir, { recursive: true });

const db: ShopDatabase = env.DATABASE_URL
  ? await openPostgres(env.DATABASE_URL)
  : await openPglite(join(dataDir, 'demo-db'));
const cache = await openCache(redisUrl);
log(
  `database: ${db.driver}; cache: ${cache ? redisUrl : `none (no Redis answered at ${redisUrl})`}`,
);

const agent = new BackendAgent({
  checkInterval: 1,
  failureThreshold: 2,
  checks: cache ? [db.check, cache.check] : [db.check],
  // The heap may fill to 60% of its limit; the leak fills it to 75%, short of a crash.
  builtins: { memory: { maxHeapRatio: 0.6 }, eventLoop: { maxDelayMs: 200 } },
  fixes: {
    reconnect_database: db.reconnect,
    ...(cache ? { reconnect_cache: cache.reconnect } : {}),
    // Exit 75 after draining; the demo's start script restarts the service on it.
    restart_service: { graceMs: 1_000 },
  },
  // No replica to scale out to here: a job stuck on the loop goes away with the process. A high
  // error rate here is the recommendations upstream answering 502: restarting this service
  // cannot heal it, so the agent does not try on its own; the collector proposes it to a person.
  playbook: { event_loop_lag: ['restart_service'], api_down: [] },
  stateFile: join(dataDir, 'demo-agent-state.json'),
  onLog: log,
}).start();

const builds = new Set<ChildProcess>();
const app = createShopApp({
  agent,
  db,
  cache,
  leak: createMemoryLeak(0.75),
  job: createBlockingJob(400, 500),
  outage: createOutage(join(dataDir, 'demo-outage')),
  shopDir,
  agentScript: resolve(env.AGENT_SCRIPT ?? 'frontend-agent.js'),
  async deploy() {
    const release = new Date().toISOString();
    await buildShop(
      {
        outDir: shopDir,
        release,
        collectorUrl: env.SHOP_COLLECTOR_URL ?? '',
        projectKey: env.SHOP_PROJECT_KEY ?? '',
      },
      (child) => {
        builds.add(child);
        child.on('exit', () => builds.delete(child));
      },
    );
    log(`deployed release ${release}`);
    return release;
  },
});

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () =>
  log(`shop listening on http://127.0.0.1:${port}`),
);
agent.onDrain(async () => {
  server.close();
  await db.close();
  cache?.close();
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  for (const child of builds) child.kill('SIGTERM');
  server.close();
  await Promise.allSettled([agent.stop(500), db.close()]);
  cache?.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
