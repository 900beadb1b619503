import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_DIR } from '../shop-build.js';

/** A running `pnpm start`, on free ports and a fresh data folder, with what its banner said. */
export interface RunningDemo {
  collectorUrl: string;
  demoUrl: string;
  adminToken: string;
  projectKey: string;
  /** The Redis URL the service caches in, or null when none answered. */
  cache: string | null;
  /** Everything it printed so far. */
  output(): string;
  /** The last `lines` lines of the demo service's log. */
  serviceLog(lines: number): string;
  /** Ctrl-C, then waits for its exit; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/**
 * Runs the demo's start script as `pnpm start` does, on free ports and in a fresh temporary data
 * folder (removed on stop), and resolves once it printed its banner. `env` is added to the
 * environment (e.g. `VERIFY_WINDOW`).
 */
export async function startDemo(env: Record<string, string> = {}): Promise<RunningDemo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'selfheal-demo-'));
  const [collectorPort, demoPort] = [await freePort(), await freePort()];
  const { DATABASE_URL: _, ...inherited } = process.env;
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@selfheal/source', '--import', 'tsx', 'src/start.ts'],
    {
      cwd: DEMO_DIR,
      env: {
        ...inherited,
        ...env,
        PORT: String(collectorPort),
        DEMO_PORT: String(demoPort),
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    const code = await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
    return code;
  };
  const deadline = Date.now() + 120_000;
  while (!output.includes('Press Ctrl-C to stop everything.')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the demo did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const field = (label: string) =>
    new RegExp(`^ {2}${label}:\\s+(\\S+)`, 'm').exec(output)?.[1] ?? '';
  const cache = field('Cache');
  return {
    collectorUrl: field('Collector'),
    demoUrl: field('Demo shop').replace(/\/$/, ''),
    adminToken: field('Admin token'),
    projectKey: field('Project key'),
    cache: cache.startsWith('redis://') ? cache : null,
    output: () => output,
    serviceLog(lines) {
      try {
        const log = readFileSync(join(dataDir, 'logs', 'shop-api.log'), 'utf8');
        return log.trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    stop,
  };
}
