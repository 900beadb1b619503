// Builds the dashboard when its build is missing or older than its sources; quick otherwise.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const sources = [
  join(here, 'src'),
  join(here, 'index.html'),
  join(here, 'vite.config.ts'),
  join(here, '../extension/src/panel'),
];

/** The newest modification time under `path`, 0 when it does not exist. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), 0);
}

const built = newest(join(here, 'dist/index.html'));
if (built > 0 && built >= Math.max(...sources.map(newest))) process.exit(0);
console.log('Building the dashboard (dashboard/dist)…');
// Vite's own script under this Node, so no package manager needs to be on PATH.
const vite = join(
  dirname(createRequire(join(here, 'package.json')).resolve('vite/package.json')),
  'bin',
  'vite.js',
);
const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
  cwd: here,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
