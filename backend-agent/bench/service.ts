// One service process for the overhead bench: an HTTP server that answers /health, with or
// without the agent (WITH_AGENT=1) checking every second. After WARMUP_MS it starts measuring its
// own CPU and heap; after DURATION_MS more it prints one JSON line and exits.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackendAgent, httpCheck } from '../src/index.js';

const warmupMs = Number(process.env.WARMUP_MS ?? 5_000);
const durationMs = Number(process.env.DURATION_MS ?? 60_000);
const withAgent = process.env.WITH_AGENT === '1';
const heartbeatMs = Number(process.env.HEARTBEAT_MS ?? 60_000);

const server = createServer((_req, res) => res.end('ok'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

const agent = withAgent
  ? new BackendAgent({
      serviceName: 'bench-service',
      collectorUrl: process.env.COLLECTOR_URL as string,
      checkInterval: 1,
      heartbeatMs,
      checks: [httpCheck({ url: `http://127.0.0.1:${port}/health` })],
      env: { SELFHEAL_AGENT_KEY: process.env.SELFHEAL_AGENT_KEY },
    }).start()
  : undefined;

await new Promise((r) => setTimeout(r, warmupMs));
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const cpuBefore = process.cpuUsage();
const startedAt = performance.now();
await new Promise((r) => setTimeout(r, durationMs));
const cpu = process.cpuUsage(cpuBefore);
const elapsedMs = performance.now() - startedAt;
const heapAfterNoGc = process.memoryUsage().heapUsed;
globalThis.gc?.();
const memory = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    withAgent,
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    heapBefore,
    heapAfter: memory.heapUsed,
    heapAfterNoGc,
    rss: memory.rss,
    checksRun: agent?.counters.checksRun ?? 0,
    eventsSent: agent?.counters.eventsSent ?? 0,
    internalErrors: agent?.counters.internalErrors ?? {},
  })}\n`,
);
await agent?.stop();
server.close();
