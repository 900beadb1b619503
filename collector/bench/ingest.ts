import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { cpuSeconds, postgresCpuSeconds, rssMiB } from './cpu.js';
import { generatorName, type LoadResult, load, type Template } from './load.js';
import { startProcess, stopProcess } from './processes.js';
import {
  bodyTemplates,
  ID_TOKEN,
  REALISTIC_SERVICES,
  type RealisticBody,
  reportBody,
} from './reports.js';

/**
 * Ingest benchmark: the collector (on Postgres, and on PGlite) against a bare Hono route that
 * only parses the same JSON, on two kinds of report: the light 10-event reports kept for
 * comparison, and the realistic mix recorded from the real agents (`bench:record`). Every row
 * runs at once in its own process and rows are loaded in turn, round after round, so that each
 * ratio compares figures taken a few seconds apart. Prints Markdown tables for BENCHMARKS.md.
 * `BENCH_SOAK=1` adds the soak (see soak below).
 */

const KEY = 'shp_0b1e5c4a7d2f9e8b3c6a1d4f7e0b2c5a8d3f6e9b1c4a7d20';
const ADMIN = 'sha_5e8b1d4a7c0f3e6b9d2a5c8f1e4b7d0a3c6f9e2b5d8a1c43';
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

type Workload = 'light' | 'light-raw' | 'realistic';
const WORKLOAD_LABEL: Record<Workload, string> = {
  light: 'light reports, agent-classified',
  'light-raw': 'light reports, raw (classified by the collector)',
  realistic: 'realistic mix',
};

interface Target {
  name: string;
  proc: ChildProcess;
  port: number;
  /** A second collector on the same database, loaded at the same time as the first. */
  second?: { proc: ChildProcess; port: number };
  /** The Postgres database it writes to, for counting rows and Postgres CPU. */
  database?: string;
  /** Service keys made in its store, by service. */
  serviceKeys: Record<string, string>;
  /** What its store holds now. */
  count?: () => Promise<StoreCounts>;
  dispose: () => Promise<void>;
}

/** Events in a store, how many kept their payload, and whether the issue counts add up. */
interface StoreCounts {
  events: number;
  kept: number;
  /** Occurrences of faults stored as events, and as issue counts (folded or pending). */
  occurrences: number;
  counted: number;
}

const COUNTS_SQL = `select
  (select count(*) from events)::int as events,
  (select count(*) filter (where kept) from events)::int as kept,
  (select coalesce(sum(count), 0) from events where grouped)::int as occurrences,
  ((select coalesce(sum(count), 0) from issues) + (select coalesce(sum(count), 0) from issue_deltas))::int as counted`;

interface Row {
  target: Target;
  workload: Workload;
  templates: Template[];
}

// Capacity is what is measured: the per-project rate limit (on by default) would answer 429.
const credentials = { ADMIN_TOKEN: ADMIN, PROJECT_KEY: KEY, INGEST_RATE_LIMIT: '0' };

/** Makes a service key for each service of the realistic mix, as an operator would. */
async function makeServiceKeys(port: number): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const service of REALISTIC_SERVICES) {
    const res = await fetch(`http://127.0.0.1:${port}/api/services/${service}/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    if (res.status !== 201) throw new Error(`service key for ${service}: ${res.status}`);
    keys[service] = ((await res.json()) as { key: string }).key;
  }
  return keys;
}

async function bareTarget(): Promise<Target> {
  const { proc, port } = await startProcess('bench/bare-server.ts', {});
  const serviceKeys = Object.fromEntries(REALISTIC_SERVICES.map((s) => [s, KEY]));
  return {
    name: 'bare Hono route (parse JSON only)',
    proc,
    port,
    serviceKeys,
    dispose: () => stopProcess(proc),
  };
}

async function postgresTarget(processes = 1, sampling = true): Promise<Target> {
  const database = `selfheal_bench_${randomUUID().replaceAll('-', '')}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${database}`);
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  const env = {
    ...credentials,
    DATABASE_URL: url.toString(),
    SAMPLE_EVENTS: String(sampling),
  };
  const { proc, port } = await startProcess('src/main.ts', env);
  const second = processes > 1 ? await startProcess('src/main.ts', env) : undefined;
  const name = processes > 1 ? 'two collector processes on one Postgres' : 'collector on Postgres';
  return {
    name: sampling ? name : `${name}, sampling off`,
    proc,
    port,
    second,
    database,
    serviceKeys: await makeServiceKeys(port),
    count: async () => {
      const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql.unsafe<StoreCounts[]>(COUNTS_SQL);
        return row as StoreCounts;
      } finally {
        await sql.end();
      }
    },
    dispose: async () => {
      await stopProcess(proc);
      if (second) await stopProcess(second.proc);
      await admin.unsafe(`drop database if exists ${database} with (force)`);
      await admin.end();
    },
  };
}

async function pgliteTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'selfheal-bench-'));
  const { proc, port } = await startProcess('src/main.ts', { ...credentials, DATA_DIR: dir });
  return {
    name: 'collector on PGlite (embedded)',
    proc,
    port,
    serviceKeys: await makeServiceKeys(port),
    // PGlite has one user: the store is opened here once the collector has stopped.
    count: async () => {
      await stopProcess(proc);
      const { PGlite } = await import('@electric-sql/pglite');
      const db = await PGlite.create(dir);
      try {
        const { rows } = await db.query<StoreCounts>(COUNTS_SQL);
        return rows[0] as StoreCounts;
      } finally {
        await db.close();
      }
    },
    dispose: async () => {
      await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A light report with every id (event ids and the session) as the load generator's token. */
function lightTemplate(classified: boolean): Template {
  const body = reportBody(classified);
  const run = (JSON.parse(body) as { sessionId: string }).sessionId;
  return { body: body.replaceAll(run, ID_TOKEN), bearer: KEY };
}

// The same mix for every target; only the keys differ.
const REALISTIC: RealisticBody[] = bodyTemplates(400);

function templatesFor(target: Target, workload: Workload): Template[] {
  if (workload !== 'realistic')
    return Array.from({ length: 200 }, () => lightTemplate(workload === 'light'));
  return REALISTIC.map(({ body, key, service }) => ({
    body,
    bearer: key === 'project' ? KEY : (target.serviceKeys[service ?? ''] ?? KEY),
  }));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const REALISTIC_BYTES = Math.round(mean(REALISTIC.map((b) => b.body.length)));
const REALISTIC_EVENTS = mean(REALISTIC.map((b) => b.body.split(ID_TOKEN).length - 1));

interface Sample {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  acknowledged: number;
  acceptedEvents: number;
  refused: number;
  errors: number;
  /** Milliseconds of CPU per acknowledged report. */
  processMs: number;
  postgresMs?: number;
}

function loadOne(port: number, templates: Template[], connections: number, seconds: number) {
  return load({ url: `http://127.0.0.1:${port}/api/report`, templates, connections, seconds });
}

/** Loads a row's target; with two processes, half the connections go to each and the results add up. */
async function drive(row: Row, seconds: number, connections = CONNECTIONS): Promise<LoadResult> {
  const { target, templates } = row;
  if (!target.second) return loadOne(target.port, templates, connections, seconds);
  const [a, b] = await Promise.all([
    loadOne(target.port, templates, connections / 2, seconds),
    loadOne(target.second.port, templates, connections / 2, seconds),
  ]);
  return {
    acknowledged: a.acknowledged + b.acknowledged,
    acceptedEvents: a.acceptedEvents + b.acceptedEvents,
    refused: a.refused + b.refused,
    errors: a.errors + b.errors,
    p50: Math.max(a.p50, b.p50),
    p99: Math.max(a.p99, b.p99),
  };
}

async function measure(row: Row): Promise<Sample> {
  const { target } = row;
  const pgCpu = () =>
    target.database ? postgresCpuSeconds(PG_URL, target.database) : Promise.resolve(0);
  const pids = [target.proc.pid ?? 0, target.second?.proc.pid ?? 0].filter((p) => p > 0);
  const cpu = () => pids.reduce((sum, p) => sum + cpuSeconds(p), 0);
  const [cpu0, pg0] = [cpu(), await pgCpu()];
  const result = await drive(row, DURATION);
  const [cpu1, pg1] = [cpu(), await pgCpu()];
  const perReport = (seconds: number) => (1000 * seconds) / Math.max(1, result.acknowledged);
  return {
    requestsPerSecond: result.acknowledged / DURATION,
    p50: result.p50,
    p99: result.p99,
    acknowledged: result.acknowledged,
    acceptedEvents: result.acceptedEvents,
    refused: result.refused,
    errors: result.errors,
    processMs: perReport(cpu1 - cpu0),
    postgresMs: target.database ? perReport(pg1 - pg0) : undefined,
  };
}

const SETTLE_MAX_MS = 30_000;
/**
 * Waits until every target (and its Postgres backends) has gone quiet: under a tenth of a core
 * over half a second, or SETTLE_MAX_MS at most.
 */
async function settle(all: Target[]): Promise<void> {
  const used = async () => {
    let seconds = 0;
    for (const target of all) {
      for (const proc of [target.proc, target.second?.proc]) seconds += cpuSeconds(proc?.pid ?? 0);
      if (target.database) seconds += await postgresCpuSeconds(PG_URL, target.database);
    }
    return seconds;
  };
  const deadline = Date.now() + SETTLE_MAX_MS;
  while (Date.now() < deadline) {
    const before = await used();
    await new Promise((r) => setTimeout(r, 500));
    if ((await used()) - before < 0.05) return;
  }
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

async function soak(row: Row, capacity: number) {
  const { target } = row;
  const pid = target.proc.pid ?? 0;
  const rss: Array<[string, number]> = [['start', rssMiB(pid)]];
  const before = (await target.count?.())?.events ?? 0;
  // Half the capacity: fewer connections, each waiting for its answer.
  const connections = Math.max(2, Math.round(CONNECTIONS / 4));
  const middle = setTimeout(() => rss.push(['middle', rssMiB(pid)]), (SOAK_SECONDS * 1000) / 2);
  const result = await drive(row, SOAK_SECONDS, connections);
  clearTimeout(middle);
  rss.push(['end', rssMiB(pid)]);
  await new Promise((r) => setTimeout(r, 1000));
  const committed = ((await target.count?.())?.events ?? 0) - before;
  const lines = [
    `Soak: ${target.name}, ${WORKLOAD_LABEL[row.workload]}, ${SOAK_SECONDS} s over ${connections} connections (capacity measured: ${fmt(capacity)} reports/s).`,
    '',
    '| moment | RSS MiB |',
    '| --- | ---: |',
    ...rss.map(([moment, mib]) => `| ${moment} | ${mib} |`),
    '',
    `Acknowledged ${fmt(result.acknowledged)} reports (${fmt(result.acknowledged / SOAK_SECONDS)}/s, ${fmt(result.acceptedEvents)} events), committed ${fmt(committed)} events, refused ${fmt(result.refused)}, socket errors ${result.errors}, p50 ${result.p50} ms, p99 ${result.p99} ms.`,
  ];
  return { lines, acknowledged: result.acceptedEvents };
}

const targets: Target[] = [];
try {
  const bare = await bareTarget();
  const pg = await postgresTarget();
  const pglite = await pgliteTarget();
  const unsampled = await postgresTarget(1, false);
  targets.push(bare, pg, pglite, unsampled);
  const two = process.env.BENCH_TWO === '0' ? undefined : await postgresTarget(2);
  if (two) targets.push(two);
  const plan: Array<[Target, Workload]> = [
    [bare, 'light'],
    [pg, 'light'],
    [pg, 'light-raw'],
    [bare, 'realistic'],
    [pg, 'realistic'],
    [unsampled, 'realistic'],
    [pglite, 'realistic'],
    ...(two ? [[two, 'realistic'] as [Target, Workload]] : []),
  ];
  const rows: Row[] = plan.map(([target, workload]) => ({
    target,
    workload,
    templates: templatesFor(target, workload),
  }));
  // Every event a target acknowledged, warm-up included, to check against its store at the end.
  const acknowledgedBy = new Map<Target, number>();
  const tally = (target: Target, events: number) =>
    acknowledgedBy.set(target, (acknowledgedBy.get(target) ?? 0) + events);
  // Warm every target up on what it will be loaded with.
  for (const row of rows) tally(row.target, (await drive(row, 2)).acceptedEvents);
  await new Promise((r) => setTimeout(r, 1000));

  const samples = rows.map((): Sample[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, row] of rows.entries()) {
      // A target still working off the last load (its loop, aggregator or queue) would take
      // CPU from the next row's target, the bare route most of all.
      await settle(targets);
      const sample = await measure(row);
      samples[i]?.push(sample);
      tally(row.target, sample.acceptedEvents);
    }
  }

  const bareOf = (workload: Workload) =>
    samples[
      rows.findIndex(
        (r) => r.target === bare && r.workload === (workload === 'light-raw' ? 'light' : workload),
      )
    ] as Sample[];
  const lines = [
    `Ingest, load from ${generatorName()}, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION} s per row, rows loaded in turn. Light reports: 10 events, ~${reportBody(true).length} bytes. Realistic mix: ${REALISTIC_EVENTS.toFixed(1)} events and ${fmt(REALISTIC_BYTES)} bytes per report on average. Every event id is new.`,
    '',
    '| target | reports | requests/s (median) | min–max | vs bare, same reports (median of rounds) | vs bare min–max | p50 ms | p99 ms | CPU ms/report, collector | CPU ms/report, Postgres | acknowledged events |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  let failed = false;
  for (const [i, row] of rows.entries()) {
    const runs = samples[i] as Sample[];
    const baseline = bareOf(row.workload);
    const ratios = runs.map(
      (s, r) => s.requestsPerSecond / (baseline[r] as Sample).requestsPerSecond,
    );
    const rps = runs.map((s) => s.requestsPerSecond);
    const acknowledged = runs.reduce((sum, s) => sum + s.acceptedEvents, 0);
    const pgMs = runs.map((s) => s.postgresMs).filter((v): v is number => v !== undefined);
    lines.push(
      `| ${row.target.name} | ${WORKLOAD_LABEL[row.workload]} | ${fmt(median(rps))} | ${fmt(Math.min(...rps))}–${fmt(Math.max(...rps))} | ${pct(median(ratios))} | ${pct(Math.min(...ratios))}–${pct(Math.max(...ratios))} | ${median(runs.map((s) => s.p50))} | ${median(runs.map((s) => s.p99))} | ${median(runs.map((s) => s.processMs)).toFixed(2)} | ${pgMs.length ? median(pgMs).toFixed(2) : 'n/a'} | ${fmt(acknowledged)} |`,
    );
    const refused = runs.reduce((sum, s) => sum + s.refused + s.errors, 0);
    if (refused > 0)
      lines.push(
        `| (${row.target.name}, ${row.workload}: ${refused} refused or failed requests) |`,
      );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.env.BENCH_SOAK === '1') {
    const index = rows.findIndex((r) => r.target === pg && r.workload === 'realistic');
    const capacity = median((samples[index] as Sample[]).map((s) => s.requestsPerSecond));
    const { lines: soakLines, acknowledged } = await soak(rows[index] as Row, capacity);
    tally(pg, acknowledged);
    process.stdout.write(`\n${soakLines.join('\n')}\n`);
  }
  // Durability: every event a target acknowledged is in its store (the store may hold a few
  // more: requests in flight when a run stopped were stored but not counted as answered).
  process.stdout.write('\n');
  for (const target of targets) {
    if (!target.count) continue;
    const acknowledged = acknowledgedBy.get(target) ?? 0;
    const stored = await target.count();
    const durable = stored.events >= acknowledged;
    const exact = stored.counted === stored.occurrences;
    if (!durable || !exact) failed = true;
    process.stdout.write(
      `${target.name}: ${fmt(acknowledged)} events acknowledged (warm-up included), ${fmt(stored.events)} in its store${durable ? '' : ' — MISSING EVENTS'}, ${fmt(stored.kept)} of them whole (${pct(stored.kept / Math.max(1, stored.events))}); issues count ${fmt(stored.counted)} occurrences of the ${fmt(stored.occurrences)} the stored faults stand for${exact ? '' : ' — COUNTS DIFFER'}.\n`,
    );
  }
  if (failed) {
    process.stdout.write(
      '\nWARNING: a target acknowledged events it did not commit, or its issues miscount them\n',
    );
    process.exitCode = 1;
  }
} finally {
  for (const target of targets) await target.dispose();
}
