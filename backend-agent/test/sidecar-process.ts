import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The backend-agent package folder. */
export const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** A running `selfheal-agent`, started from source. */
export interface Sidecar {
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Starts the sidecar CLI from source with `args`, as node (not the tsx wrapper) runs it. */
export function startSidecar(args: string[], env: Record<string, string> = {}): Sidecar {
  const proc = spawn(
    process.execPath,
    ['--conditions=@selfheal/source', '--import', 'tsx', 'src/cli.ts', ...args],
    {
      cwd: packageDir,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  proc.stdout?.on('data', (chunk) => (output += chunk));
  proc.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => resolve(code)),
  );
  return {
    proc,
    output: () => output,
    exited,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The command line `ps` shows everyone for `pid`. */
export function psArgs(pid: number | undefined): string {
  const args = execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  if (!args.includes('src/cli.ts')) throw new Error(`ps shows no sidecar at ${pid}: ${args}`);
  return args;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The start times a fixture service logged. */
export function starts(file: string): number[] {
  try {
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => Number(line.split(' ')[0]));
  } catch {
    return [];
  }
}
