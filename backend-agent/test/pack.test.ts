import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const agentDir = fileURLToPath(new URL('..', import.meta.url));

describe('the packed backend agent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfheal-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs and runs outside the repository with zod as its only dependency', async () => {
    // The pnpm running this test (it may not be on PATH when started through npx).
    const pnpm = process.env.npm_execpath;
    const [command, args] = !pnpm?.includes('pnpm')
      ? ['pnpm', ['pack']]
      : /\.[cm]?js$/.test(pnpm)
        ? [process.execPath, [pnpm, 'pack']]
        : [pnpm, ['pack']];
    await run(command, [...args, '--pack-destination', dir], { cwd: agentDir, timeout: 120_000 });
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz')) as string;
    expect(tarball).toMatch(/^selfheal-backend-agent-\d+\.\d+\.\d+\.tgz$/);

    // What `npm i ./selfheal-backend-agent-x.y.z.tgz` lays out, with zod taken from here
    // instead of the registry.
    const app = join(dir, 'app');
    const installed = join(app, 'node_modules', '@selfheal', 'backend-agent');
    mkdirSync(installed, { recursive: true });
    await run('tar', ['xzf', join(dir, tarball), '-C', installed, '--strip-components=1']);
    const manifest = readFileSync(join(installed, 'package.json'), 'utf8');
    expect(manifest).not.toMatch(/workspace:|catalog:/);
    expect(Object.keys(JSON.parse(manifest).dependencies)).toEqual(['zod']);
    const zod = dirname(createRequire(join(agentDir, 'package.json')).resolve('zod/package.json'));
    symlinkSync(zod, join(app, 'node_modules', 'zod'), 'dir');

    writeFileSync(join(app, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(app, 'main.js'),
      `import { BackendAgent, httpCheck } from '@selfheal/backend-agent';
const lines = [];
const agent = new BackendAgent({
  serviceName: 'outside',
  builtins: false,
  checks: [httpCheck({ url: 'http://127.0.0.1:1/health', name: 'api' })],
  onLog: (line) => lines.push(line),
}).start();
await agent.stop(100);
console.log(lines.join('\\n'));`,
    );
    const env = { PATH: process.env.PATH ?? '' };
    const library = await run(process.execPath, ['main.js'], { cwd: app, env, timeout: 30_000 });
    expect(library.stdout).toContain('watching outside: api every 30 s');

    const cli = join(installed, 'dist', 'cli.js');
    const help = await run(process.execPath, [cli, '--help'], { cwd: app, env, timeout: 30_000 });
    expect(help.stdout).toContain('--check');
  });
});
