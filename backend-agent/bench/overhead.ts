// The backend agent's overhead: three copies of the same service run side by side for a minute:
// one without the agent, one with it checking every second (memory, CPU, event loop, error rate,
// its own HTTP endpoint) and reporting to a real collector with the default 60 s heartbeat, and
// one that also reports every check every second (the most a healthy agent sends). Prints CPU
// (share of one core) and heap for each. BENCH_AGENT_DURATION (seconds) changes the run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCollector, defaultConfig } from '@selfheal/collector';

interface Sample {
  withAgent: boolean;
  elapsedMs: number;
  cpuMs: number;
  heapBefore: number;
  heapAfter: number;
  heapAfterNoGc: number;
  rss: number;
  checksRun: number;
  eventsSent: number;
  internalErrors: Record<string, number>;
}

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const durationMs = Number(process.env.BENCH_AGENT_DURATION ?? 60) * 1000;
const projectKey = 'shp_bench-project-key';
const adminToken = 'sha_bench-admin-token';

function runService(
  withAgent: boolean,
  collectorUrl: string,
  agentKey: string,
  heartbeatMs = 60_000,
): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--conditions=@selfheal/source', '--import', 'tsx', 'bench/service.ts'],
      {
        cwd: packageDir,
        env: {
          PATH: process.env.PATH ?? '',
          WITH_AGENT: withAgent ? '1' : '0',
          DURATION_MS: String(durationMs),
          COLLECTOR_URL: collectorUrl,
          SELFHEAL_AGENT_KEY: agentKey,
          HEARTBEAT_MS: String(heartbeatMs),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`service exited with ${code}: ${output}`));
      else resolve(JSON.parse(line) as Sample);
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'selfheal-agent-bench-'));
const collector = await createCollector({
  ...defaultConfig,
  dataDir,
  projectKey,
  adminToken,
  logLevel: 'silent',
  port: 0,
});
const port = await collector.listen();
try {
  console.log(
    `Agent overhead: three services for ${durationMs / 1000} s, two with the agent checking every second …`,
  );
  const url = `http://127.0.0.1:${port}`;
  const made = await fetch(`${url}/api/services/bench-service/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}` },
  });
  if (made.status !== 201) throw new Error(`service key: ${made.status} ${await made.text()}`);
  const { key } = (await made.json()) as { key: string };
  const [bare, agent, chatty] = await Promise.all([
    runService(false, '', ''),
    runService(true, url, key),
    runService(true, url, key, 1_000),
  ]);
  const core = (s: Sample) => s.cpuMs / s.elapsedMs;
  const mb = (bytes: number) => (bytes / 1_048_576).toFixed(2);
  const rows = [
    [
      '',
      'CPU (% of a core)',
      'heap after GC (MB)',
      'heap before GC (MB)',
      'RSS (MB)',
      'checks run',
      'events sent',
    ],
    [
      'service alone',
      (core(bare) * 100).toFixed(3),
      mb(bare.heapAfter),
      mb(bare.heapAfterNoGc),
      mb(bare.rss),
      '0',
      '0',
    ],
    [
      'service + agent',
      (core(agent) * 100).toFixed(3),
      mb(agent.heapAfter),
      mb(agent.heapAfterNoGc),
      mb(agent.rss),
      String(agent.checksRun),
      String(agent.eventsSent),
    ],
    [
      'agent overhead',
      ((core(agent) - core(bare)) * 100).toFixed(3),
      mb(agent.heapAfter - bare.heapAfter),
      mb(agent.heapAfterNoGc - bare.heapAfterNoGc),
      mb(agent.rss - bare.rss),
      '',
      '',
    ],
    [
      '+ agent, 1 s hb',
      (core(chatty) * 100).toFixed(3),
      mb(chatty.heapAfter),
      mb(chatty.heapAfterNoGc),
      mb(chatty.rss),
      String(chatty.checksRun),
      String(chatty.eventsSent),
    ],
    [
      '1 s hb overhead',
      ((core(chatty) - core(bare)) * 100).toFixed(3),
      mb(chatty.heapAfter - bare.heapAfter),
      mb(chatty.heapAfterNoGc - bare.heapAfterNoGc),
      mb(chatty.rss - bare.rss),
      '',
      '',
    ],
  ];
  for (const row of rows)
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(16) : cell.padStart(20))).join(''));
  const overhead = core(agent) - core(bare);
  console.log(
    `\nGoal: under 1% of a core. ${overhead < 0.01 ? 'Met' : 'Not met'}: ${(overhead * 100).toFixed(3)}%.`,
  );
  for (const s of [agent, chatty]) {
    if (Object.keys(s.internalErrors).length > 0) console.log('Agent errors:', s.internalErrors);
  }
} finally {
  await collector.close();
  rmSync(dataDir, { recursive: true, force: true });
}
