import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const collectorDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs `script` (relative to the collector, e.g. `src/main.ts`) as its own Node process on a
 * free port of 127.0.0.1, with only PATH and `env` in its environment, and answers once it
 * has printed the port it listens on.
 */
export async function startProcess(
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

/** Stops a process started by `startProcess` and waits for it to exit. */
export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}
