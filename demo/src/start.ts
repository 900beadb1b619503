import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatBanner } from './banner.js';
import { assertPortFree, rotateServiceKey, waitForOk } from './collector-api.js';
import { loadOrCreateCredentials } from './credentials.js';
import { createSupervisor } from './processes.js';
import { buildShop, DEMO_DIR, runNode, VITE_BIN } from './shop-build.js';

// The demo's edge: reads the environment, starts the collector, the shop service and builds,
// prints where everything is, and stops it all on Ctrl-C.
const env = process.env;
const ROOT = resolve(DEMO_DIR, '..');
const SERVICE = 'shop-api';
const collectorPort = Number(env.PORT ?? 8787);
const demoPort = Number(env.DEMO_PORT ?? 3000);
// Where `pnpm start` was run, as the collector itself does for its data.
const dataDir = resolve(env.DATA_DIR ?? resolve(env.INIT_CWD ?? process.cwd(), '.selfheal'));
const logDir = join(dataDir, 'logs');
const collectorUrl = `http://127.0.0.1:${collectorPort}`;
const demoUrl = `http://127.0.0.1:${demoPort}`;
const extensionDir = join(ROOT, 'extension', 'dist', 'chrome');
const agentScript = join(ROOT, 'extension', 'dist', 'agent', 'frontend-agent.js');
const shopDir = join(dataDir, 'demo-shop');
const say = (line: string) => process.stdout.write(`selfheal demo: ${line}\n`);

const supervisor = createSupervisor();
let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await supervisor.stop(1_000);
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main(): Promise<void> {
  await assertPortFree(collectorPort, 'PORT');
  await assertPortFree(demoPort, 'DEMO_PORT');
  mkdirSync(logDir, { recursive: true });
  const stored = loadOrCreateCredentials(dataDir);
  // Set ones win, as they do for the collector.
  const credentials = {
    adminToken: env.ADMIN_TOKEN || stored.adminToken,
    projectKey: env.PROJECT_KEY || stored.projectKey,
  };
  const nodeArgs = ['--conditions=@selfheal/source', '--import', 'tsx'];

  say(`starting the collector on ${collectorUrl} (log: ${join(logDir, 'collector.log')})`);
  const collector = supervisor.launch({
    name: 'collector',
    args: [...nodeArgs, 'src/main.ts'],
    cwd: join(ROOT, 'collector'),
    env: {
      ...env,
      PORT: String(collectorPort),
      DATA_DIR: dataDir,
      ADMIN_TOKEN: credentials.adminToken,
      PROJECT_KEY: credentials.projectKey,
    },
    logFile: join(logDir, 'collector.log'),
    onExit: (code) => {
      say(`the collector stopped (${code}); see ${join(logDir, 'collector.log')}`);
      void shutdown(1);
    },
  });

  const building = buildPages(credentials.projectKey);
  await waitForOk(`${collectorUrl}/api/health`, 60_000, () => collector.alive);
  const serviceKey = await rotateServiceKey(collectorUrl, credentials.adminToken, SERVICE);
  await building;

  say(`starting the shop service on ${demoUrl} (log: ${join(logDir, 'shop-api.log')})`);
  const service = supervisor.launch({
    name: SERVICE,
    // A small heap, so that the memory-growth fault reaches its limit in seconds; GC exposed, so
    // that the agent's garbage_collection can really run.
    args: ['--max-old-space-size=192', '--expose-gc', ...nodeArgs, 'src/service/main.ts'],
    cwd: DEMO_DIR,
    env: {
      ...env,
      SERVICE_NAME: SERVICE,
      COLLECTOR_URL: collectorUrl,
      SELFHEAL_AGENT_KEY: serviceKey,
      DEMO_PORT: String(demoPort),
      DEMO_DATA_DIR: dataDir,
      SHOP_DIR: shopDir,
      SHOP_COLLECTOR_URL: collectorUrl,
      SHOP_PROJECT_KEY: credentials.projectKey,
      AGENT_SCRIPT: agentScript,
    },
    logFile: join(logDir, 'shop-api.log'),
    restartOn: 75,
    onRestart: () =>
      say(`${SERVICE} exited for a restart (its agent's restart_service); starting it again`),
    onExit: (code, signal) =>
      say(`the shop service stopped (${signal ?? code}); see ${join(logDir, 'shop-api.log')}`),
  });
  await waitForOk(`${demoUrl}/api/demo`, 60_000, () => service.alive);
  const info = (await (await fetch(`${demoUrl}/api/demo`)).json()) as {
    database: string;
    cache: string | null;
  };

  process.stdout.write(
    formatBanner({
      dashboardUrl: `${collectorUrl}/`,
      collectorUrl,
      demoUrl: `${demoUrl}/`,
      adminToken: credentials.adminToken,
      projectKey: credentials.projectKey,
      serviceKey,
      service: SERVICE,
      database:
        info.database === 'postgres'
          ? 'Postgres (DATABASE_URL)'
          : `PGlite in ${join(dataDir, 'demo-db')}`,
      cache: info.cache,
      extensionDir,
      logDir,
      credentialsFile: join(dataDir, 'demo.json'),
    }),
  );
}

/** Builds what is missing of the page agent and the extension, then the shop (always, fresh chunks). */
async function buildPages(projectKey: string): Promise<void> {
  const extension = join(ROOT, 'extension');
  const track = supervisor.track;
  if (!existsSync(agentScript)) {
    say('building the standalone page agent');
    await runNode(
      [VITE_BIN, 'build', '--config', 'vite.agent.config.ts', '--logLevel', 'error'],
      { cwd: extension },
      track,
    );
  }
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    say('building the extension for Chrome');
    await runNode([VITE_BIN, 'build', '--logLevel', 'error'], { cwd: extension }, track);
  }
  // Quick when the dashboard is built and no newer than its sources.
  await runNode(
    [join(ROOT, 'dashboard', 'ensure-built.mjs')],
    { cwd: join(ROOT, 'dashboard') },
    track,
  );
  say('building the demo shop');
  await buildShop(
    { outDir: shopDir, release: new Date().toISOString(), collectorUrl, projectKey },
    track,
  );
}

main().catch((error: unknown) => {
  if (stopping) return;
  say(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});
