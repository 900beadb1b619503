import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** Vite's command line, run with this Node. */
export const VITE_BIN = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
/** The demo package's folder. */
export const DEMO_DIR = fileURLToPath(new URL('..', import.meta.url));

/** What the shop page is built with. */
export interface ShopBuild {
  outDir: string;
  /** Changes every deploy, so every chunk gets a new hashed name. */
  release: string;
  collectorUrl: string;
  projectKey: string;
}

/** Runs `vite build` of the shop in a child process; resolves when it succeeded. */
export function buildShop(build: ShopBuild, track?: (child: ChildProcess) => void): Promise<void> {
  return runNode(
    [VITE_BIN, 'build', '--config', join(DEMO_DIR, 'vite.config.ts'), '--logLevel', 'error'],
    {
      cwd: DEMO_DIR,
      env: {
        ...process.env,
        SHOP_OUT_DIR: build.outDir,
        SHOP_RELEASE: build.release,
        SHOP_COLLECTOR_URL: build.collectorUrl,
        SHOP_PROJECT_KEY: build.projectKey,
      },
    },
    track,
  );
}

/** Runs Node with `args`; rejects with the child's output when it fails. */
export function runNode(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
  track?: (child: ChildProcess) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track?.(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${args.slice(0, 2).join(' ')} failed (${signal ?? code}):\n${output.slice(-2_000)}`,
          ),
        );
    });
  });
}
