/**
 * The page agent's two numbers: the standalone file's gzipped size (budget 12 KB), and what the
 * fetch wrapper adds to a request, measured in Chromium on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { type AgentSize, measureAgent } from './agent-size.js';

const AGENT = fileURLToPath(new URL('../dist/agent/frontend-agent.js', import.meta.url));
const BUDGET = 12 * 1024;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 100_000);
const ROUNDS = 5;

/** Where the agent's gzipped bytes come from: the shared package, the agent, and each module. */
function printBreakdown(size: AgentSize): void {
  const row = (name: string, raw: string, gzip: string) =>
    console.log(`| ${name.padEnd(58)} | ${raw.padStart(9)} | ${gzip.padStart(12)} |`);
  console.log(
    "\nWhere the gzipped bytes come from (a module's share: the file without its bytes)\n",
  );
  row('part', 'minified', 'gzip share');
  console.log(`| ${'-'.repeat(58)} | ${'-'.repeat(8)}: | ${'-'.repeat(11)}: |`);
  row('all of `@selfheal/shared`', '', `${size.shared} B`);
  row('all of the agent (extension/src)', '', `${size.agent} B`);
  for (const part of size.parts) row(`\`${part.source}\``, `${part.raw} B`, `${part.gzip} B`);
}

/** A page served with or without the agent, and a 200 endpoint to fetch. */
async function serve(agent: Buffer) {
  const server = createServer((req, res) => {
    if (req.url === '/agent.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(agent);
    } else if (req.url === '/ping') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      res.end('ok');
    } else {
      const withAgent = req.url === '/with';
      res.writeHead(200, { 'content-type': 'text/html' });
      // The agent reports to a closed port with reporting off: only the wrapper is measured.
      res.end(
        `<!doctype html>${withAgent ? '<script src="/agent.js" data-collector="http://127.0.0.1:9" data-key="k" data-reporting="false"></script>' : ''}<p>bench</p>`,
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Mean milliseconds per sequential `fetch('/ping')` in the page. */
function timeRequests(tab: Page, n: number): Promise<number> {
  return tab.evaluate(async (count) => {
    for (let i = 0; i < 50; i++) await (await fetch('/ping')).text();
    const start = performance.now();
    for (let i = 0; i < count; i++) await (await fetch('/ping')).text();
    return (performance.now() - start) / count;
  }, n);
}

/**
 * Microseconds per call of the wrapper around a fetch that resolves at once, and of that fetch
 * alone. Passed as text: tsx would otherwise add helpers the page does not have.
 */
function timeWrapper(tab: Page, n: number): Promise<{ bare: number; wrapped: number }> {
  return tab.evaluate(`(async (count) => {
    const answer = new Response('ok');
    const instant = () => Promise.resolve(answer);
    async function time(fn) {
      for (let i = 0; i < 1000; i++) await fn('/ping');
      const start = performance.now();
      for (let i = 0; i < count; i++) await fn('/ping');
      return ((performance.now() - start) * 1000) / count;
    }
    const bare = await time(instant);
    // Reinstall the agent over the instant fetch, so its wrapper calls that instead of the network.
    window.selfheal.stop();
    window.fetch = instant;
    const script = document.createElement('script');
    script.src = '/agent.js';
    script.dataset.reporting = 'false';
    await new Promise((resolve) => { script.onload = resolve; document.head.append(script); });
    const wrapped = await time((url) => window.fetch(url));
    return { bare, wrapped };
  })(${n})`);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  const measured = await measureAgent();
  const { raw, gzip } = measured;
  const { server, base } = await serve(readFileSync(AGENT));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
  try {
    const without = await browser.newPage();
    await without.goto(`${base}/without`);
    const withAgent = await browser.newPage();
    await withAgent.goto(`${base}/with`);
    const bare: number[] = [];
    const wrapped: number[] = [];
    // Alternate the two pages so a busy moment on the machine hits both alike.
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await timeRequests(without, REQUESTS));
      wrapped.push(await timeRequests(withAgent, REQUESTS));
    }
    const micro = await timeWrapper(withAgent, CALLS);
    const row = (name: string, value: string) =>
      console.log(`| ${name.padEnd(58)} | ${value.padStart(12)} |`);
    console.log(
      `\nPage agent (Chromium ${browser.version()}, ${ROUNDS} alternating rounds of ${REQUESTS} requests)\n`,
    );
    row('measure', 'value');
    console.log(`| ${'-'.repeat(58)} | ${'-'.repeat(11)}: |`);
    row('standalone agent, minified', `${raw} B`);
    row(`standalone agent, gzip -9 (budget ${BUDGET} B)`, `${gzip} B`);
    row(
      'local fetch without the agent, median of rounds',
      `${(median(bare) * 1000).toFixed(0)} µs`,
    );
    row(
      'local fetch through the wrapper, median of rounds',
      `${(median(wrapped) * 1000).toFixed(0)} µs`,
    );
    row('difference per request', `${((median(wrapped) - median(bare)) * 1000).toFixed(0)} µs`);
    row(
      `wrapper alone around an instant fetch (${CALLS} calls)`,
      `${(micro.wrapped - micro.bare).toFixed(2)} µs`,
    );
    printBreakdown(measured);
    if (gzip > BUDGET)
      console.log(`\nThe agent is over its ${BUDGET} B budget by ${gzip - BUDGET} B.`);
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
