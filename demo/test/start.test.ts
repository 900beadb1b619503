import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const demoDir = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'demo-test-'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM)
  console.warn(`No Chromium at ${CHROMIUM}: the demo's page faults are not tried.`);

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let child: ChildProcess;
let output = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
const facts: Record<string, string> = {};
let collectorUrl = '';
let demoUrl = '';

/** The value printed after `label:` in the start script's block. */
const field = (label: string) =>
  new RegExp(`^ {2}${label}:\\s+(\\S+)`, 'm').exec(output)?.[1] ?? '';

beforeAll(async () => {
  const [collectorPort, demoPort] = [await freePort(), await freePort()];
  const { DATABASE_URL: _, ...env } = process.env;
  child = spawn(
    process.execPath,
    ['--conditions=@selfheal/source', '--import', 'tsx', 'src/start.ts'],
    {
      cwd: demoDir,
      env: {
        ...env,
        PORT: String(collectorPort),
        DEMO_PORT: String(demoPort),
        DATA_DIR: dataDir,
        // A fix counts as verified once its fault stayed away this long.
        VERIFY_WINDOW: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 60_000;
  while (!output.includes('Press Ctrl-C to stop everything.')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the demo did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const label of [
    'Dashboard',
    'Admin token',
    'Demo shop',
    'Collector',
    'Project key',
    'Service key',
    'Cache',
  ]) {
    facts[label] = field(label);
  }
  collectorUrl = facts.Collector ?? '';
  demoUrl = (facts['Demo shop'] ?? '').replace(/\/$/, '');
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const admin = async <T>(path: string): Promise<T> => {
  const answer = await fetch(`${collectorUrl}${path}`, {
    headers: { authorization: `Bearer ${facts['Admin token']}` },
  });
  expect(answer.status).toBe(200);
  return (await answer.json()) as T;
};

interface Knowledge {
  patternType: string;
  pattern: string;
  strategy: string;
  successes: number;
}

/** Waits until the collector has verified a successful `strategy` against a `kind` fault. */
async function verifiedFix(kind: string, strategy: string): Promise<Knowledge> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { knowledge } = await admin<{ knowledge: Knowledge[] }>('/api/knowledge');
    const learned = knowledge.find(
      (k) => k.patternType === 'kind' && k.pattern === kind && k.strategy === strategy,
    );
    if (learned && learned.successes > 0) return learned;
    if (Date.now() > deadline) {
      throw new Error(`no verified ${strategy} for ${kind}: ${JSON.stringify(knowledge)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('pnpm start', () => {
  it('prints one block with the URLs and the credentials, prefixed as the collector wants', async () => {
    expect(facts['Admin token']).toMatch(/^sha_/);
    expect(facts['Project key']).toMatch(/^shp_/);
    expect(facts['Service key']).toMatch(/^shs_/);
    expect(output).toContain('extension/dist/chrome');
    expect(output.match(/selfheal demo is running/g)).toHaveLength(1);
    expect((await fetch(`${collectorUrl}/api/health`)).status).toBe(200);
    const page = await (await fetch(`${demoUrl}/`)).text();
    expect(page).toContain(`data-key="${facts['Project key']}"`);
    expect(page).toContain('src="/frontend-agent.js"');
    expect((await fetch(`${demoUrl}/frontend-agent.js`)).status).toBe(200);
  });

  it('a dropped database connection is seen by the collector and healed by reconnect_database', async () => {
    expect((await fetch(`${demoUrl}/api/faults/db`, { method: 'POST' })).status).toBe(200);
    await verifiedFix('db_down', 'reconnect_database');
    const { issues } = await admin<{ issues: Array<{ kind: string; service: string }> }>(
      '/api/issues',
    );
    expect(issues).toContainEqual(
      expect.objectContaining({ kind: 'db_down', service: 'shop-api' }),
    );
    const products = await fetch(`${demoUrl}/api/products`);
    expect(products.status).toBe(200);
  });

  it('a cache that goes away is seen by the collector and healed by reconnect_cache', async (ctx) => {
    if (!facts.Cache?.startsWith('redis://')) {
      ctx.skip('no Redis reachable: the demo runs without a cache');
    }
    expect((await fetch(`${demoUrl}/api/faults/cache`, { method: 'POST' })).status).toBe(200);
    await verifiedFix('cache_down', 'reconnect_cache');
  });

  it('memory growth that GC cannot free is healed by restarting the service, verified after the restart', async () => {
    expect((await fetch(`${demoUrl}/api/faults/memory`, { method: 'POST' })).status).toBe(200);
    await verifiedFix('high_memory', 'restart_service');
    expect(output).toContain('shop-api exited for a restart');
    expect((await fetch(`${demoUrl}/api/products`)).status).toBe(200);
  });

  it.skipIf(!HAS_CHROMIUM)(
    'in a real Chromium, the page agent heals the flaky API, the missing script and the stale chunk after a deploy',
    async () => {
      const profile = mkdtempSync(join(tmpdir(), 'demo-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(`${demoUrl}/`);
        await page.waitForFunction(() => typeof window.getAgentStatus === 'function');
        const log = page.locator('#log');

        await page.click('button[data-fault=flaky]');
        await expect
          .poll(() => log.textContent(), { timeout: 15_000 })
          .toContain('GET /api/flaky: the page saw 200');

        await page.click('button[data-fault=script]');
        await expect
          .poll(() => page.textContent('#reviews'), { timeout: 10_000 })
          .toContain('widget loaded');

        const before = await page.textContent('#release');
        await page.click('button[data-fault=deploy]');
        await expect
          .poll(() => log.textContent(), { timeout: 30_000 })
          .toContain('/api/deploy: 200');
        // The old chunk is gone: this import 404s and the agent reloads onto the new release.
        await page.click('#details');
        await page.waitForFunction(
          (old) => {
            const now = document.getElementById('release')?.textContent;
            return Boolean(now) && now !== old;
          },
          before,
          { timeout: 15_000 },
        );
        await page.click('#details');
        await expect
          .poll(() => page.textContent('#details-out'), { timeout: 5_000 })
          .toContain(`release ${await page.textContent('#release')}`);

        const kinds = async () =>
          (await admin<{ issues: Array<{ kind: string; service: string }> }>('/api/issues')).issues
            .filter((i) => i.service === 'shop')
            .map((i) => i.kind);
        await expect
          .poll(kinds, { timeout: 10_000 })
          .toEqual(expect.arrayContaining(['import_error', 'file_not_found']));
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    },
  );

  it('Ctrl-C stops everything within 2 s with exit code 0', async () => {
    const started = Date.now();
    child.kill('SIGINT');
    const { code } = await exited;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(code).toBe(0);
    await expect(fetch(`${collectorUrl}/api/health`)).rejects.toThrow();
    await expect(fetch(`${demoUrl}/api/demo`)).rejects.toThrow();
  });
});
