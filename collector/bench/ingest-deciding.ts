import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { answer } from '../src/decide/fixtures.js';
import { startProcess, stopProcess } from './processes.js';

/**
 * Ingest while the collector decides: the collector on Postgres under the same load four ways,
 * same run: ten new low-severity fingerprints a report (the loop looks, nothing needs action),
 * ten new critical ones (a decision for each, by the rules), the same with a model that takes
 * 500 ms to answer, and five known critical fingerprints (decisions reused). Prints a Markdown
 * table for BENCHMARKS.md.
 */

const KEY = 'shp_bench-project-key-0001';
const ADMIN = 'sha_bench-admin-token-0001';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const MODEL_DELAY_MS = 500;
const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

const ANSWER = answer();

/** An OpenAI-compatible server that answers every completion after MODEL_DELAY_MS. */
async function slowModel(): Promise<{ url: string; calls: () => number; close: () => void }> {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'chatcmpl-bench',
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: 'gpt-4o',
            choices: [
              { index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' },
            ],
            usage: { prompt_tokens: 900, completion_tokens: 120, total_tokens: 1020 },
          }),
        );
      }, MODEL_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls: () => calls,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const KNOWN = Array.from({ length: 5 }, (_, i) => `bench-known-${i}`);

/** A 10-event report of page errors: known fingerprints, or ten never seen before. */
function reportBody(fresh: boolean, severity: string): string {
  const run = randomUUID();
  const events = Array.from({ length: 10 }, (_, i) => ({
    id: `${run}-${i}`,
    type: 'error',
    kind: 'network_error',
    severity,
    fingerprint: fresh ? `${run}-${i}` : KNOWN[i % KNOWN.length],
    message: 'TypeError: Failed to fetch',
    stack: '    at loadCart (https://shop.example/assets/app.3f9a2b1c.js:1:48211)',
    url: 'https://shop.example/cart',
    timestamp: Date.now(),
  }));
  return JSON.stringify({ agent: 'frontend', sessionId: run, events });
}

interface Row {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  refused: number;
  decisions: number;
  modelCalls: number | null;
}

async function scenario(
  name: string,
  fresh: boolean,
  severity: string,
  withModel: boolean,
): Promise<Row> {
  const db = `selfheal_bench_${randomUUID().replaceAll('-', '')}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${db}`);
  const url = new URL(PG_URL);
  url.pathname = `/${db}`;
  const model = withModel ? await slowModel() : undefined;
  const { proc, port } = await startProcess('src/main.ts', {
    DATABASE_URL: url.toString(),
    ADMIN_TOKEN: ADMIN,
    PROJECT_KEY: KEY,
    // Capacity is what is measured: the per-project rate limit (on by default) would answer 429.
    INGEST_RATE_LIMIT: '0',
    LLM_MAX_CALLS_PER_HOUR: '1000000',
    ...(model ? { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: model.url } : {}),
  });
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/api/report`,
      method: 'POST',
      connections: CONNECTIONS,
      duration: DURATION,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      requests: [{ setupRequest: (req) => ({ ...req, body: reportBody(fresh, severity) }) }],
    });
    const [row] = await sql`select count(*)::int as n from decisions`;
    return {
      name,
      requestsPerSecond: result['2xx'] / DURATION,
      p50: result.latency.p50,
      p99: result.latency.p99,
      refused: result.non2xx,
      decisions: row?.n ?? 0,
      modelCalls: model ? model.calls() : null,
    };
  } finally {
    await sql.end();
    await stopProcess(proc);
    model?.close();
    await admin.unsafe(`drop database if exists ${db} with (force)`);
    await admin.end();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rows = [
  await scenario(
    '10 new low-severity fingerprints a report: checked, nothing to decide',
    true,
    'low',
    false,
  ),
  await scenario('10 new critical fingerprints a report, rules decide', true, 'critical', false),
  await scenario(`the same, model answers in ${MODEL_DELAY_MS} ms`, true, 'critical', true),
  await scenario(
    '5 known critical fingerprints (hot issues, decisions reused)',
    false,
    'critical',
    false,
  ),
];
const base = rows[0]?.requestsPerSecond ?? 1;
process.stdout.write(
  [
    `Ingest while deciding, collector on Postgres, ${CONNECTIONS} connections, ${DURATION} s each, 10-event reports of critical errors.`,
    '',
    '| load | requests/s | p50 ms | p99 ms | refused | decisions stored | model calls | vs nothing to decide |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.requestsPerSecond)} | ${r.p50} | ${r.p99} | ${fmt(r.refused)} | ${fmt(r.decisions)} | ${r.modelCalls === null ? 'n/a' : fmt(r.modelCalls)} | ${Math.round((100 * r.requestsPerSecond) / base)}% |`,
    ),
    '',
  ].join('\n'),
);
