import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classify, fingerprint } from '@selfheal/shared';
import autocannon from 'autocannon';
import postgres from 'postgres';

/**
 * Ingest benchmark: the collector (on Postgres, and on PGlite) against a bare Hono route that
 * only parses the same JSON, same machine, same run. Prints a Markdown table for BENCHMARKS.md.
 */

const KEY = 'bench-project-key-0001';
const ADMIN = 'bench-admin-token-0001';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const collectorDir = fileURLToPath(new URL('..', import.meta.url));

const MESSAGES = [
  "TypeError: Cannot read properties of undefined (reading 'items')",
  'ReferenceError: analytics is not defined',
  'Failed to fetch dynamically imported module: https://shop.example/assets/checkout.3f9a2b1c.js',
  'GET https://api.shop.example/v1/carts/81723 failed: 503 Service Unavailable',
  'connect ECONNREFUSED 10.0.0.12:5432',
];
const STACK = '    at renderCart (https://shop.example/assets/app.3f9a2b1c.js:1:48211)';

/** What an agent computes for each message; done once here so the load generator stays cheap. */
const AGENT_FIELDS = MESSAGES.map((message) => {
  const event = { type: 'error' as const, message, stack: STACK };
  const { kind, severity } = classify(event);
  return { kind, severity, fingerprint: fingerprint({ ...event, kind }) };
});

let sequence = 0;
/**
 * A 10-event report of about 3 KB whose event ids are all new. `classified` events carry kind,
 * severity and fingerprint as the agents send them; otherwise the collector computes them.
 */
function reportBody(classified: boolean): string {
  const run = randomUUID();
  const events = Array.from({ length: 10 }, (_, i) => {
    sequence += 1;
    const event = {
      id: `${run}-${i}`,
      type: 'error' as const,
      message: MESSAGES[sequence % MESSAGES.length] as string,
      stack: STACK,
      timestamp: Date.now(),
      url: `https://shop.example/cart?session=${sequence}`,
    };
    return classified
      ? { ...event, ...(AGENT_FIELDS[sequence % MESSAGES.length] as object) }
      : event;
  });
  const body = { agent: 'frontend', sessionId: run, url: 'https://shop.example/cart', events };
  return JSON.stringify(body);
}

async function start(
  script: string,
  env: Record<string, string>,
): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(
    process.execPath,
    ['--conditions=@selfheal/source', '--import', 'tsx', script],
    {
      cwd: collectorDir,
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/"port":(\d+)/);
      if (match) resolve({ proc, port: Number(match[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output}`)));
  });
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

interface Result {
  name: string;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  acknowledged: number;
  refused: number;
  errors: number;
  committed?: number;
}

async function load(name: string, port: number, classified = true): Promise<Result> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/report`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: reportBody(classified) }) }],
  });
  const acknowledged = result['2xx'];
  return {
    name,
    requestsPerSecond: acknowledged / DURATION,
    eventsPerSecond: (acknowledged * 10) / DURATION,
    p50: result.latency.p50,
    p99: result.latency.p99,
    acknowledged,
    refused: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function warm(port: number): Promise<void> {
  await autocannon({
    url: `http://127.0.0.1:${port}/api/report`,
    method: 'POST',
    connections: 8,
    duration: 2,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: reportBody(true) }) }],
  });
}

async function benchBare(): Promise<Result> {
  const { proc, port } = await start('bench/bare-server.ts', {});
  try {
    await warm(port);
    return await load('bare Hono route (parse JSON only)', port);
  } finally {
    await stop(proc);
  }
}

async function eventCount(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select count(*)::int as n from events`;
    return row?.n ?? 0;
  } finally {
    await sql.end();
  }
}

async function benchPostgres(classified: boolean): Promise<Result> {
  const name = `selfheal_bench_${randomUUID().replaceAll('-', '')}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const env = {
    DATABASE_URL: url.toString(),
    ADMIN_TOKEN: ADMIN,
    PROJECT_KEY: KEY,
    LOG_LEVEL: 'warn',
  };
  const { proc, port } = await start('src/main.ts', { ...env, LOG_LEVEL: 'info' });
  try {
    await warm(port);
    const before = await eventCount(url.toString());
    const label = classified
      ? 'agent-classified events'
      : 'raw events, classified by the collector';
    const result = await load(`collector on Postgres, ${label}`, port, classified);
    result.committed = (await eventCount(url.toString())) - before;
    return result;
  } finally {
    await stop(proc);
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function benchPglite(): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'selfheal-bench-'));
  const { proc, port } = await start('src/main.ts', {
    DATA_DIR: dir,
    ADMIN_TOKEN: ADMIN,
    PROJECT_KEY: KEY,
  });
  try {
    await warm(port);
    const status = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/status`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      return ((await res.json()) as { totalErrors: number }).totalErrors;
    };
    const before = await status();
    const result = await load('collector on PGlite (embedded), agent-classified events', port);
    result.committed = (await status()) - before;
    return result;
  } finally {
    await stop(proc);
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const bare = await benchBare();
const pg = await benchPostgres(true);
const pgRaw = await benchPostgres(false);
const lite = await benchPglite();
const rows = [bare, pg, pgRaw, lite];
const lines = [
  `Ingest, ${CONNECTIONS} connections, ${DURATION} s each, 10-event reports of ~${reportBody(true).length} bytes, unique ids.`,
  '',
  '| target | requests/s | events/s | p50 ms | p99 ms | acknowledged | refused | socket errors | events committed | vs bare |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${fmt(r.requestsPerSecond)} | ${fmt(r.eventsPerSecond)} | ${r.p50} | ${r.p99} | ${fmt(r.acknowledged)} | ${fmt(r.refused)} | ${r.errors} | ${r.committed === undefined ? 'n/a' : fmt(r.committed)} | ${Math.round((100 * r.requestsPerSecond) / bare.requestsPerSecond)}% |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
for (const r of [pg, pgRaw, lite]) {
  if (r.committed !== undefined && r.committed < r.acknowledged * 10) {
    process.stdout.write(
      `\nWARNING: ${r.name} acknowledged ${r.acknowledged * 10} events but committed ${r.committed}\n`,
    );
    process.exitCode = 1;
  }
}
