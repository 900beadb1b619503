import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

/**
 * Records what the agents really send, for the ingest bench (`reports.ts` builds its realistic
 * bodies from it). A capture server stands in for the collector; the standalone page agent runs in
 * headless Chromium on a small shop whose code fails the way real code does; the backend agent
 * runs in a service process that fails its checks and crashes once. Every report body is kept as
 * received, its origins rewritten so the fixture names no port, in `bench/recorded/reports.json`.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const agentFile = join(repoRoot, 'extension/dist/agent/frontend-agent.js');
const output = fileURLToPath(new URL('./recorded/reports.json', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PROJECT_KEY = `shp_${randomBytes(24).toString('hex')}`;
const SERVICE_KEY = `shs_${randomBytes(24).toString('hex')}`;
const PAGE_ORIGIN = 'https://shop.example';
const API_ORIGIN = 'https://api.shop.example';

interface Captured {
  agent: string;
  /** How it was authorised: `?key=` (a page, fetch or beacon) or a bearer service key. */
  auth: 'query' | 'bearer' | 'none';
  raw: string;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The collector's routes the agents call, answered as the collector would, with no commands. */
function captureServer(captured: Captured[]): Server {
  const cors = { 'access-control-allow-origin': '*', 'cache-control': 'no-store' };
  return createServer((req, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://capture');
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { ...cors, 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'content-type, authorization',
      });
      res.end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/report') {
      void readBody(req).then((raw) => {
        let events = 0;
        let agent = '?';
        try {
          const body = JSON.parse(raw) as { agent?: string; events?: unknown[] };
          events = body.events?.length ?? 0;
          agent = body.agent ?? '?';
        } catch {}
        const auth = url.searchParams.has('key')
          ? 'query'
          : req.headers.authorization?.startsWith('Bearer ')
            ? 'bearer'
            : 'none';
        captured.push({ agent, auth, raw });
        json(202, { accepted: events, duplicates: 0 });
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/commands') {
      // The collector holds the long poll while no command waits; a short hold keeps it cheap.
      const wait = Math.min(2, Number(url.searchParams.get('wait') ?? 0) || 0);
      const timer = setTimeout(() => json(200, { type: 'commands', commands: [] }), wait * 1000);
      req.on('close', () => clearTimeout(timer));
      return;
    }
    if (req.method === 'POST' && /^\/api\/commands\/[^/]+\/ack$/.test(url.pathname)) {
      void readBody(req).then(() => {
        res.writeHead(204, cors);
        res.end();
      });
      return;
    }
    if (url.pathname === '/upstream/inventory/health') {
      // The upstream a backend check watches, down for the whole recording.
      json(503, { status: 'unavailable', reason: 'database connection pool exhausted' });
      return;
    }
    json(404, { error: 'not found' });
  });
}

/** The shop's code: a component-like render with nested helpers, data loading, a slow widget. */
const APP_JS = `"use strict";
(function () {
  var app = document.getElementById("app");
  function formatPrice(item) {
    return item.price.amount.toFixed(2) + " " + item.price.currency;
  }
  function renderLineItem(item) {
    return '<li class="line">' + item.name + " <b>" + formatPrice(item) + "</b></li>";
  }
  function renderCart(cart) {
    return '<ul class="cart">' + cart.items.map(renderLineItem).join("") + "</ul>";
  }
  function CartSummary(props) {
    app.innerHTML = "<h1>" + props.title + "</h1>" + renderCart(props.cart);
  }
  function scheduleRender(props) {
    requestAnimationFrame(function () { CartSummary(props); });
  }
  async function loadRecommendations() {
    var res = await fetch("/api/recommendations?for=cart");
    var body = await res.json();
    return body.items.slice(0, 4);
  }
  function loadCart() {
    return fetch("/api/cart", { headers: { accept: "application/json" } }).then(function (res) {
      if (!res.ok) throw new Error("cart " + res.status);
      return res.json();
    });
  }
  function mountPaymentWidget() {
    try {
      var config = window.__PAYMENT_CONFIG__;
      return config.publicKey.length;
    } catch (error) {
      console.error("[checkout] payment widget failed to initialise", error);
      if (window.selfheal) window.selfheal.reportError(error, { component: "PaymentWidget" });
    }
  }
  function hydrateFilters() {
    var until = performance.now() + 260;
    var n = 0;
    while (performance.now() < until) n += Math.random();
    return n;
  }
  function couponDiscount(coupon, cart) {
    return coupon.rules.percent * cart.total;
  }
  function applyCoupon(code) {
    var coupon = window.__COUPONS__ && window.__COUPONS__[code];
    return couponDiscount(coupon, { total: 42 });
  }
  document.getElementById("apply-coupon").addEventListener("click", function () {
    applyCoupon(document.getElementById("coupon").value);
  });
  var page = location.pathname;
  scheduleRender({
    title: page === "/checkout" ? "Checkout" : "Your cart",
    cart: { items: [
      { name: "Ceramic mug", price: { amount: 12, currency: "EUR" } },
      { name: "Gift card" }
    ] }
  });
  loadCart().catch(function (error) { console.warn("cart unavailable", error.message); });
  if (page !== "/checkout") loadRecommendations().then(function (items) { return items.length; });
  if (page === "/checkout") mountPaymentWidget();
  setTimeout(hydrateFilters, 300);
})();
`;

function shopPage(collector: string, title: string): string {
  const agent = [
    `data-collector="${collector}"`,
    `data-key="${PROJECT_KEY}"`,
    'data-service="storefront"',
    'data-critical-selectors="#app,#checkout-button"',
  ].join(' ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${title} · Shop</title>
<script src="/assets/selfheal-agent.js" ${agent}></script>
<link rel="stylesheet" href="/assets/index.5e1f0a7b.css">
<link rel="stylesheet" href="/assets/fonts.4a5b6c7d.css">
<script src="/assets/vendor.8c1d2e4f.js" defer></script>
<script src="/assets/app.3f9a2b1c.js" defer></script>
</head><body><header><nav><a href="/">Shop</a> <a href="/cart">Cart</a></nav></header>
<main id="app"><p>Loading…</p></main>
<aside><input id="coupon" value="WINTER10"><button id="apply-coupon">Apply coupon</button></aside>
<script type="module" src="/assets/promo-banner.9e8d7c6b.js"></script>
</body></html>`;
}

function pageServer(agent: Buffer, collector: () => string): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://page').pathname;
    const send = (status: number, type: string, body: string | Buffer, extra = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
      res.end(body);
    };
    if (path === '/' || path === '/cart' || path === '/checkout') {
      send(200, 'text/html; charset=utf-8', shopPage(collector(), path.slice(1) || 'Home'));
    } else if (path === '/assets/selfheal-agent.js') send(200, 'text/javascript', agent);
    else if (path === '/assets/app.3f9a2b1c.js') send(200, 'text/javascript', APP_JS);
    else if (path === '/assets/vendor.8c1d2e4f.js')
      send(200, 'text/javascript', 'window.__vendor = { version: "3.4.1" };');
    else if (path === '/assets/index.5e1f0a7b.css')
      send(200, 'text/css', 'body{font-family:sans-serif}');
    else if (path === '/api/cart')
      send(503, 'application/json', '{"error":"upstream unavailable"}', { 'retry-after': '1' });
    else if (path === '/api/recommendations') send(200, 'application/json', '{"status":"ok"}');
    else send(404, 'text/html', '<h1>Not found</h1>');
  });
}

async function ensureAgent(): Promise<Buffer> {
  if (!existsSync(agentFile)) {
    const { build } = await import('vite');
    await build({
      configFile: join(repoRoot, 'extension/vite.agent.config.ts'),
      logLevel: 'warn',
    });
  }
  return readFileSync(agentFile);
}

/** One visitor: a tab (one session) that walks through `paths`, staying `dwellMs` on each. */
async function visit(browser: Browser, base: string, paths: string[], dwellMs: number) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const tab = await context.newPage();
  for (const path of paths) {
    await tab.goto(`${base}${path}`, { waitUntil: 'load' });
    // After the first flush, the visitor tries a coupon: one more fault, one more report.
    await tab.waitForTimeout(dwellMs);
    await tab.click('#apply-coupon');
    await tab.waitForTimeout(1_500);
  }
  // Leaving the site: the agent sends what waits as the page is hidden.
  await tab.goto('about:blank');
  await tab.waitForTimeout(300);
  await context.close();
}

function runService(env: Record<string, string>): { proc: ChildProcess; done: Promise<number> } {
  const proc = spawn(
    process.execPath,
    ['--conditions=@selfheal/source', '--import', 'tsx', 'bench/record-service.ts'],
    {
      cwd: join(repoRoot, 'backend-agent'),
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  proc.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<number>((resolve) =>
    proc.once('exit', (code) => {
      if (code !== 0 && !/TypeError/.test(stderr)) process.stderr.write(stderr.slice(-2_000));
      resolve(code ?? -1);
    }),
  );
  return { proc, done };
}

/** The body with this machine's origins, paths and names replaced by stable ones. */
function anonymise(raw: string, pageBase: string, captureBase: string): unknown {
  const root = repoRoot.replace(/\/$/, '');
  const text = raw
    .replaceAll(pageBase, PAGE_ORIGIN)
    .replaceAll(pageBase.replace('http://', ''), 'shop.example')
    .replaceAll(captureBase, API_ORIGIN)
    .replaceAll(captureBase.replace('http://', ''), 'api.shop.example')
    .replaceAll(`file://${root}/backend-agent/`, 'file:///srv/checkout-api/')
    .replaceAll(`${root}/backend-agent/`, '/srv/checkout-api/')
    .replaceAll(`file://${root}/`, 'file:///srv/checkout-api/')
    .replaceAll(`${root}/`, '/srv/checkout-api/');
  return JSON.parse(text);
}

async function main(): Promise<void> {
  const started = Date.now();
  const captured: Captured[] = [];
  const capture = captureServer(captured);
  const captureBase = await listen(capture);
  const agent = await ensureAgent();
  const shop = pageServer(agent, () => captureBase);
  const pageBase = await listen(shop);
  const temp = mkdtempSync(join(tmpdir(), 'selfheal-record-'));
  const children: ChildProcess[] = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const version = browser.version();
  try {
    const serviceEnv = {
      SERVICE_NAME: 'checkout-api',
      COLLECTOR_URL: captureBase,
      SELFHEAL_AGENT_KEY: SERVICE_KEY,
      UPSTREAM_URL: `${captureBase}/upstream/inventory/health`,
      SPOOL_FILE: join(temp, 'spool.json'),
      STATE_FILE: join(temp, 'state.json'),
    };
    const backend = (async () => {
      const crash = runService({ ...serviceEnv, PHASE: 'crash', RUN_MS: '8000' });
      children.push(crash.proc);
      const code = await crash.done;
      if (code === 0) throw new Error('the service was meant to crash');
      const restart = runService({ ...serviceEnv, PHASE: 'restart', RUN_MS: '5000' });
      children.push(restart.proc);
      if ((await restart.done) !== 0) throw new Error('the restarted service failed');
    })();
    // Four visitors at once, each one tab (one session) over a few pages; the agent flushes
    // every 5 s by default, so each page stays a little longer than that.
    const routes = [
      ['/', '/cart', '/checkout'],
      ['/cart', '/checkout'],
      ['/checkout', '/cart'],
      ['/', '/cart'],
    ];
    await Promise.all(routes.map((paths) => visit(browser, pageBase, paths, 5_500)));
    await backend;
    // Let late retries and beacons land.
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await browser.close();
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await close(shop);
    await close(capture);
    rmSync(temp, { recursive: true, force: true });
  }
  const bodies = captured.map((c) => ({ ...c, body: anonymise(c.raw, pageBase, captureBase) }));
  const page = bodies.filter((b) => b.agent === 'frontend' && b.auth === 'query');
  const backend = bodies.filter((b) => b.agent === 'backend' && b.auth === 'bearer');
  const stray = bodies.length - page.length - backend.length;
  const recording = {
    recordedAt: new Date().toISOString(),
    chromium: version,
    page: page.map((b) => b.body),
    backend: backend.map((b) => b.body),
  };
  mkdirSync(join(output, '..'), { recursive: true });
  const text = `${JSON.stringify(recording, null, 2)}\n`;
  writeFileSync(output, text);
  const events = (list: typeof page) =>
    list.reduce((n, b) => n + ((b.body as { events: unknown[] }).events?.length ?? 0), 0);
  console.log(
    `recorded ${page.length} page reports (${events(page)} events) and ${backend.length} backend reports (${events(backend)} events)` +
      `${stray ? `, ${stray} other` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      `${(text.length / 1024).toFixed(1)} KB`,
  );
}

await main();
