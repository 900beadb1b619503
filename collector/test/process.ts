import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const collectorDir = fileURLToPath(new URL('..', import.meta.url));

/** A collector running as its own OS process, as `pnpm collector` starts it. */
export interface CollectorProcess {
  proc: ChildProcess;
  base: string;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
}

/** Starts `src/main.ts` with exactly `env` (plus PATH) on a free port and waits until it listens. */
export async function spawnCollector(env: Record<string, string>): Promise<CollectorProcess> {
  // Node itself, not the tsx CLI, so that a signal reaches the collector and not a wrapper.
  const proc = spawn(
    process.execPath,
    ['--conditions=@selfheal/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: collectorDir,
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  proc.stdout?.on('data', (chunk) => (output += chunk));
  proc.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => resolve(code)),
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const match = output.match(/"port":(\d+)/);
    if (match) return { proc, base: `http://127.0.0.1:${match[1]}`, output: () => output, exited };
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`collector did not start:\n${output}`);
}
