import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';

/**
 * Builds the standalone agent into a folder of its own (so no other suite's build can race it)
 * and returns its code and a cleanup.
 */
export async function buildStandaloneAgent(): Promise<{ code: Buffer; dispose(): void }> {
  const outDir = mkdtempSync(join(tmpdir(), 'selfheal-agent-'));
  await build({
    configFile: fileURLToPath(new URL('../vite.agent.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return {
    code: readFileSync(join(outDir, 'frontend-agent.js')),
    dispose: () => rmSync(outDir, { recursive: true, force: true }),
  };
}

import { CHROMIUM } from './browser.js';

export { CHROMIUM, HAS_CHROMIUM } from './browser.js';

/** The flags every browser test launches Chromium with. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Lets the memory detector see real heap growth instead of bucketed, cached figures.
  '--enable-precise-memory-info',
];

/** Launches headless Chromium (Playwright gives it a fresh temporary profile). */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return { browser, close: () => browser.close() };
}

/** Answers one request of the fixture server; `hit` counts requests to this path so far (1-based). */
export type Route = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

/** A node:http server on 127.0.0.1 serving fixture pages and `agent` at `/agent.js`. */
export interface FixtureServer {
  base: string;
  /** Requests seen per path (query ignored). */
  hits(path: string): number;
  route(path: string, route: Route): void;
  close(): Promise<void>;
}

/** Starts a fixture server. */
export async function startFixtureServer(agent: Buffer): Promise<FixtureServer> {
  const routes = new Map<string, Route>();
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const hit = (counts.get(path) ?? 0) + 1;
    counts.set(path, hit);
    if (path === '/agent.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(agent);
      return;
    }
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    route(req, res, hit);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits: (path) => counts.get(path) ?? 0,
    route: (path, route) => routes.set(path, route),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A route answering `body` with `status` and a content type. */
export function send(status: number, type: string, body: string): Route {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
}

/** An HTML page that embeds the standalone agent with `attributes` on its script tag first. */
export function page(
  agent: Record<string, string | number | boolean>,
  body: string,
  head = '',
): Route {
  const attrs = Object.entries(agent)
    .map(([name, value]) => ` data-${name}="${String(value)}"`)
    .join('');
  return send(
    200,
    'text/html',
    `<!doctype html><html><head><meta charset="utf-8"><script src="/agent.js"${attrs}></script>${head}</head><body>${body}</body></html>`,
  );
}

/** Polls `check` until it returns a value that is not undefined/false, or throws after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
