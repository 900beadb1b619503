import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { cpuSeconds, postgresCpuSeconds } from './cpu.js';
import { startProcess, stopProcess } from './processes.js';

/**
 * Sentry ingest beside `/api/report`, on the same events: each request carries one error event,
 * either as our agent's report (raw, classified by the collector) or as the envelope a Sentry SDK
 * sends for it (plain, and gzip as @sentry/node sends it). One collector per store; the three
 * bodies are loaded in turn, round after round. Prints a Markdown table for BENCHMARKS.md.
 */

const KEY = 'shp_0bec0000000000000000000000000000000000000000bec0';
const ADMIN = 'sha_bench-admin-token-0001';
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

const ERRORS = [
  ['TypeError', "Cannot read properties of undefined (reading 'items')"],
  ['ReferenceError', 'analytics is not defined'],
  ['TypeError', 'Failed to fetch dynamically imported module: https://shop.example/assets/x.js'],
  ['Error', 'GET https://api.shop.example/v1/carts/81723 failed: 503 Service Unavailable'],
  ['Error', 'connect ECONNREFUSED 10.0.0.12:5432'],
] as const;
const FRAMES = [
  {
    filename: 'https://shop.example/assets/app.3f9a2b1c.js',
    function: 'main',
    lineno: 1,
    colno: 120,
  },
  {
    filename: 'https://shop.example/assets/app.3f9a2b1c.js',
    function: 'checkout',
    lineno: 1,
    colno: 9120,
  },
  {
    filename: 'https://shop.example/assets/app.3f9a2b1c.js',
    function: 'renderCart',
    lineno: 1,
    colno: 48211,
  },
];

let sequence = 0;
/** The next event: a name, a value, the page it happened on and a fresh id. */
function nextEvent() {
  sequence += 1;
  const [name, value] = ERRORS[sequence % ERRORS.length] as (typeof ERRORS)[number];
  return {
    id: randomUUID().replaceAll('-', ''),
    name,
    value,
    url: `https://shop.example/cart?s=${sequence}`,
  };
}

type Body = (event: ReturnType<typeof nextEvent>) => string | Buffer;

/** What our page agent sends for the event, unclassified (the collector classifies it). */
const asReport: Body = ({ id, name, value, url }) => {
  const stack = [
    `${name}: ${value}`,
    ...[...FRAMES]
      .reverse()
      .map((f) => `    at ${f.function} (${f.filename}:${f.lineno}:${f.colno})`),
  ].join('\n');
  return JSON.stringify({
    agent: 'frontend',
    sessionId: 'bench',
    events: [
      {
        id,
        type: 'error',
        timestamp: Date.now(),
        message: `${name}: ${value}`,
        stack,
        url,
        data: { name, source: 'onerror' },
      },
    ],
  });
};

/** The envelope @sentry/browser sends for the same event. */
const asEnvelope: Body = ({ id, name, value, url }) => {
  const event = JSON.stringify({
    event_id: id,
    timestamp: Date.now() / 1000,
    platform: 'javascript',
    level: 'error',
    exception: {
      values: [
        {
          type: name,
          value,
          mechanism: { type: 'auto.browser.global_handlers.onerror', handled: false },
          stacktrace: { frames: FRAMES.map((f) => ({ ...f, in_app: true })) },
        },
      ],
    },
    request: { url, headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0' } },
    contexts: { browser: { name: 'Chrome', version: '140.0' }, os: { name: 'Linux' } },
    tags: { release_channel: 'stable' },
    release: 'shop@1.4.2',
    environment: 'production',
    sdk: { name: 'sentry.javascript.browser', version: '11.17.0' },
  });
  const header = JSON.stringify({
    event_id: id,
    sent_at: new Date().toISOString(),
    sdk: { name: 'sentry.javascript.browser', version: '11.17.0' },
  });
  return `${header}\n${JSON.stringify({ type: 'event', length: Buffer.byteLength(event) })}\n${event}\n`;
};

const asGzipEnvelope: Body = (event) => gzipSync(asEnvelope(event));

const BODIES: Array<{ name: string; path: string; headers: Record<string, string>; body: Body }> = [
  {
    name: '`POST /api/report` (our agent)',
    path: '/api/report',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: asReport,
  },
  {
    name: '`POST /api/1/envelope/` (Sentry SDK)',
    path: `/api/1/envelope/?sentry_key=${KEY}&sentry_version=7`,
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: asEnvelope,
  },
  {
    name: '`POST /api/1/envelope/`, gzip',
    path: `/api/1/envelope/?sentry_key=${KEY}&sentry_version=7`,
    headers: { 'content-type': 'application/x-sentry-envelope', 'content-encoding': 'gzip' },
    body: asGzipEnvelope,
  },
];

/** The collector on `env`'s store, with the bench's credentials and no rate limit. */
function start(env: Record<string, string>) {
  return startProcess('src/main.ts', {
    ADMIN_TOKEN: ADMIN,
    PROJECT_KEY: KEY,
    // Capacity is what is measured: the per-project rate limit would answer 429.
    INGEST_RATE_LIMIT: '0',
    ...env,
  });
}

interface Store {
  name: string;
  env: Record<string, string>;
  database?: string;
  dispose(): Promise<void>;
}

async function pgliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'selfheal-bench-'));
  return {
    name: 'PGlite',
    env: { DATA_DIR: dir },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresStore(): Promise<Store> {
  const database = `selfheal_bench_${randomUUID().replaceAll('-', '')}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${database}`);
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  return {
    name: 'Postgres',
    env: { DATABASE_URL: url.toString() },
    database,
    dispose: async () => {
      await admin.unsafe(`drop database if exists ${database} with (force)`);
      await admin.end();
    },
  };
}

interface Sample {
  eventsPerSecond: number;
  p50: number;
  p99: number;
  refused: number;
  processMs: number;
  postgresMs?: number;
}

async function measure(
  port: number,
  pid: number,
  store: Store,
  kind: (typeof BODIES)[number],
  seconds: number,
): Promise<Sample> {
  const pgCpu = () =>
    store.database ? postgresCpuSeconds(PG_URL, store.database) : Promise.resolve(0);
  const [cpu0, pg0] = [cpuSeconds(pid), await pgCpu()];
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${kind.path}`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: kind.headers,
    requests: [{ setupRequest: (req) => ({ ...req, body: kind.body(nextEvent()) as string }) }],
  });
  const [cpu1, pg1] = [cpuSeconds(pid), await pgCpu()];
  const stored = result['2xx'];
  const perEvent = (s: number) => (1000 * s) / Math.max(1, stored);
  return {
    eventsPerSecond: stored / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    refused: result.non2xx + result.errors + result.timeouts,
    processMs: perEvent(cpu1 - cpu0),
    postgresMs: store.database ? perEvent(pg1 - pg0) : undefined,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const lines = [
  `Sentry envelopes beside \`/api/report\`, one error event a request (three frames, as the SDK sends it), ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION} s, bodies loaded in turn.`,
  '',
  '| store | body | events/s (median) | min–max | vs /api/report | p50 ms | p99 ms | CPU ms/event, collector | CPU ms/event, Postgres |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
let refusedAny = false;
for (const make of [pgliteStore, postgresStore]) {
  const store = await make();
  const { proc, port } = await start(store.env);
  try {
    const pid = proc.pid ?? 0;
    for (const kind of BODIES) await measure(port, pid, store, kind, 2);
    const samples = BODIES.map((): Sample[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, kind] of BODIES.entries())
        samples[i]?.push(await measure(port, pid, store, kind, DURATION));
    }
    const base = median((samples[0] as Sample[]).map((s) => s.eventsPerSecond));
    for (const [i, kind] of BODIES.entries()) {
      const runs = samples[i] as Sample[];
      const eps = runs.map((s) => s.eventsPerSecond);
      const pg = runs.map((s) => s.postgresMs).filter((v): v is number => v !== undefined);
      lines.push(
        `| ${store.name} | ${kind.name} | ${fmt(median(eps))} | ${fmt(Math.min(...eps))}–${fmt(Math.max(...eps))} | ${((100 * median(eps)) / base).toFixed(0)}% | ${median(runs.map((s) => s.p50))} | ${median(runs.map((s) => s.p99))} | ${median(runs.map((s) => s.processMs)).toFixed(2)} | ${pg.length ? median(pg).toFixed(2) : 'n/a'} |`,
      );
      const refused = runs.reduce((n, s) => n + s.refused, 0);
      if (refused > 0) {
        refusedAny = true;
        lines.push(`| (${store.name}, ${kind.name}: ${refused} refused or failed requests) |`);
      }
    }
  } finally {
    await stopProcess(proc);
    await store.dispose();
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
if (refusedAny) process.exitCode = 1;
