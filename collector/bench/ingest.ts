import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { cpuSeconds, postgresCpuSeconds, rssMiB } from './cpu.js';
import { reportBody } from './reports.js';

/**
 * Ingest benchmark: the collector (on Postgres, and on PGlite) against a bare Hono route that
 * only parses the same JSON. All targets run at once and are loaded in turn, round after
 * round, so that every ratio compares figures taken a few seconds apart on a busy machine.
 * Prints Markdown tables for BENCHMARKS.md. `BENCH_SOAK=1` adds the soak (see soak below).
 */

const KEY = 'shp_bench-project-key-0001';
const ADMIN = 'sha_bench-admin-token-0001';
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const collectorDir = fileURLToPath(new URL('..', import.meta.url));

interface Target {
  name: string;
  proc: ChildProcess;
  port: number;
  /** A second collector on the same database, loaded at the same time as the first. */
  second?: { proc: ChildProcess; port: number };
  classified: boolean;
  /** The Postgres database it writes to, for counting rows and Postgres CPU. */
  database?: string;
  /** Events in its store now. */
  count?: () => Promise<number>;
  dispose: () => Promise<void>;
}

async function start(script: string, env: Record<string, string>) {
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
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/"port":(\d+)/);
      if (match) resolve(Number(match[1]));
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output}`)));
  });
  proc.stdout?.resume();
  return { proc, port };
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

// Capacity is what is measured: the per-project rate limit (on by default) would answer 429.
const credentials = { ADMIN_TOKEN: ADMIN, PROJECT_KEY: KEY, INGEST_RATE_LIMIT: '0' };

async function bareTarget(): Promise<Target> {
  const { proc, port } = await start('bench/bare-server.ts', {});
  return {
    name: 'bare Hono route (parse JSON only)',
    proc,
    port,
    classified: true,
    dispose: () => stop(proc),
  };
}

async function postgresTarget(classified: boolean, processes = 1): Promise<Target> {
  const database = `selfheal_bench_${randomUUID().replaceAll('-', '')}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${database}`);
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  const env = { ...credentials, DATABASE_URL: url.toString() };
  const { proc, port } = await start('src/main.ts', env);
  const second = processes > 1 ? await start('src/main.ts', env) : undefined;
  const label = classified ? 'agent-classified events' : 'raw events, classified by the collector';
  return {
    name:
      processes > 1
        ? `two collector processes on one Postgres, ${label}`
        : `collector on Postgres, ${label}`,
    proc,
    port,
    second,
    classified,
    database,
    count: async () => {
      const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from events`;
        return row?.n ?? 0;
      } finally {
        await sql.end();
      }
    },
    dispose: async () => {
      await stop(proc);
      if (second) await stop(second.proc);
      await admin.unsafe(`drop database if exists ${database} with (force)`);
      await admin.end();
    },
  };
}

async function pgliteTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'selfheal-bench-'));
  const { proc, port } = await start('src/main.ts', { ...credentials, DATA_DIR: dir });
  return {
    name: 'collector on PGlite (embedded), agent-classified events',
    proc,
    port,
    classified: true,
    count: async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/status`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      return ((await res.json()) as { totalErrors: number }).totalErrors;
    },
    dispose: async () => {
      await stop(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Sample {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  acknowledged: number;
  refused: number;
  errors: number;
  /** Milliseconds of CPU per acknowledged report. */
  processMs: number;
  postgresMs?: number;
}

function driveOne(
  port: number,
  classified: boolean,
  connections: number,
  seconds: number,
  rate?: number,
) {
  return autocannon({
    url: `http://127.0.0.1:${port}/api/report`,
    method: 'POST',
    connections,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: reportBody(classified) }) }],
  });
}

/** Drives a target; with two processes, half the connections go to each and the results add up. */
async function drive(target: Target, seconds: number, rate?: number) {
  const connections = rate ? 16 : CONNECTIONS;
  if (!target.second) return driveOne(target.port, target.classified, connections, seconds, rate);
  const [a, b] = await Promise.all([
    driveOne(target.port, target.classified, connections / 2, seconds),
    driveOne(target.second.port, target.classified, connections / 2, seconds),
  ]);
  return {
    ...a,
    '2xx': a['2xx'] + b['2xx'],
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    timeouts: a.timeouts + b.timeouts,
    latency: {
      ...a.latency,
      p50: Math.max(a.latency.p50, b.latency.p50),
      p99: Math.max(a.latency.p99, b.latency.p99),
    },
  };
}

async function measure(target: Target): Promise<Sample> {
  const pid = target.proc.pid ?? 0;
  const pgCpu = () =>
    target.database ? postgresCpuSeconds(PG_URL, target.database) : Promise.resolve(0);
  const pids = [pid, target.second?.proc.pid ?? 0].filter((p) => p > 0);
  const cpu = () => pids.reduce((sum, p) => sum + cpuSeconds(p), 0);
  const [cpu0, pg0] = [cpu(), await pgCpu()];
  const result = await drive(target, DURATION);
  const [cpu1, pg1] = [cpu(), await pgCpu()];
  const acknowledged = result['2xx'];
  const perReport = (seconds: number) => (1000 * seconds) / Math.max(1, acknowledged);
  return {
    requestsPerSecond: acknowledged / DURATION,
    p50: result.latency.p50,
    p99: result.latency.p99,
    acknowledged,
    refused: result.non2xx,
    errors: result.errors + result.timeouts,
    processMs: perReport(cpu1 - cpu0),
    postgresMs: target.database ? perReport(pg1 - pg0) : undefined,
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
const pct = (n: number) => `${(100 * n).toFixed(1)}%`;

async function soak(target: Target, capacity: number): Promise<string[]> {
  const rate = Math.max(1, Math.round(capacity / 2));
  const pid = target.proc.pid ?? 0;
  const rss: Array<[string, number]> = [['start', rssMiB(pid)]];
  const before = (await target.count?.()) ?? 0;
  const middle = setTimeout(() => rss.push(['middle', rssMiB(pid)]), (SOAK_SECONDS * 1000) / 2);
  const result = await drive(target, SOAK_SECONDS, rate);
  clearTimeout(middle);
  rss.push(['end', rssMiB(pid)]);
  await new Promise((r) => setTimeout(r, 1000));
  const committed = ((await target.count?.()) ?? 0) - before;
  const acknowledged = result['2xx'];
  return [
    `Soak: ${target.name}, ${SOAK_SECONDS} s at ${rate} reports/s (half the measured ${fmt(capacity)}).`,
    '',
    '| moment | RSS MiB |',
    '| --- | ---: |',
    ...rss.map(([moment, mib]) => `| ${moment} | ${mib} |`),
    '',
    `Acknowledged ${fmt(acknowledged)} reports (${fmt(acknowledged * 10)} events), committed ${fmt(committed)} events, refused ${fmt(result.non2xx)}, socket errors ${result.errors + result.timeouts}, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms.`,
  ];
}

const targets: Target[] = [];
try {
  targets.push(await bareTarget(), await postgresTarget(true), await postgresTarget(false));
  targets.push(await pgliteTarget());
  if (process.env.BENCH_TWO !== '0') targets.push(await postgresTarget(true, 2));
  for (const target of targets) await drive(target, 2);
  const before = await Promise.all(targets.map((t) => t.count?.() ?? Promise.resolve(0)));
  const samples = targets.map((): Sample[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, target] of targets.entries()) samples[i]?.push(await measure(target));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const after = await Promise.all(targets.map((t) => t.count?.() ?? Promise.resolve(0)));

  const bare = samples[0] as Sample[];
  const lines = [
    `Ingest, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION} s per target, targets loaded in turn; 10-event reports of ~${reportBody(true).length} bytes, unique ids.`,
    '',
    '| target | requests/s (median) | min–max | vs bare (median of rounds) | vs bare min–max | p50 ms | p99 ms | CPU ms/report, collector | CPU ms/report, Postgres | acknowledged events | committed events |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  let failed = false;
  for (const [i, target] of targets.entries()) {
    const runs = samples[i] as Sample[];
    const ratios = runs.map((s, r) => s.requestsPerSecond / (bare[r] as Sample).requestsPerSecond);
    const rps = runs.map((s) => s.requestsPerSecond);
    const acknowledged = runs.reduce((sum, s) => sum + s.acknowledged, 0) * 10;
    const committed = target.count ? (after[i] as number) - (before[i] as number) : undefined;
    if (committed !== undefined && committed < acknowledged) failed = true;
    const pgMs = runs.map((s) => s.postgresMs).filter((v): v is number => v !== undefined);
    lines.push(
      `| ${target.name} | ${fmt(median(rps))} | ${fmt(Math.min(...rps))}–${fmt(Math.max(...rps))} | ${pct(median(ratios))} | ${pct(Math.min(...ratios))}–${pct(Math.max(...ratios))} | ${median(runs.map((s) => s.p50))} | ${median(runs.map((s) => s.p99))} | ${median(runs.map((s) => s.processMs)).toFixed(2)} | ${pgMs.length ? median(pgMs).toFixed(2) : 'n/a'} | ${fmt(acknowledged)} | ${committed === undefined ? 'n/a' : fmt(committed)} |`,
    );
    const refused = runs.reduce((sum, s) => sum + s.refused + s.errors, 0);
    if (refused > 0) lines.push(`| (${target.name}: ${refused} refused or failed requests) |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (failed) {
    process.stdout.write('\nWARNING: a target acknowledged events it did not commit\n');
    process.exitCode = 1;
  }
  if (process.env.BENCH_SOAK === '1') {
    const pg = targets[1] as Target;
    const capacity = median((samples[1] as Sample[]).map((s) => s.requestsPerSecond));
    process.stdout.write(`\n${(await soak(pg, capacity)).join('\n')}\n`);
  }
} finally {
  for (const target of targets) await target.dispose();
}
