import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageDir } from './sidecar-process.js';

const dir = mkdtempSync(join(tmpdir(), 'selfheal-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(mode: string, nodeFlags: string[] = []) {
  const bufferFile = join(dir, `${mode}-${nodeFlags.length}.json`);
  const proc = spawn(
    process.execPath,
    [
      ...nodeFlags,
      '--conditions=@selfheal/source',
      '--import',
      'tsx',
      'test/fixtures/crashing-service.ts',
    ],
    {
      cwd: packageDir,
      env: { PATH: process.env.PATH ?? '', MODE: mode, BUFFER_FILE: bufferFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  proc.stdout.on('data', (c) => (output += c));
  proc.stderr.on('data', (c) => (output += c));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
  return new Promise<{
    code: number | null;
    output: string;
    spooled: Array<{ type: string; message?: string; data?: Record<string, unknown> }>;
  }>((resolve) =>
    proc.once('exit', (code) => {
      clearTimeout(timer);
      let spooled = [];
      try {
        spooled = JSON.parse(readFileSync(bufferFile, 'utf8')).events;
      } catch {
        spooled = [];
      }
      resolve({ code, output, spooled });
    }),
  );
}

describe('errors the service did not catch', () => {
  it('an uncaught exception is kept for sending and the process still exits as Node would (code 1)', async () => {
    const { code, output, spooled } = await run('throw');
    expect(code).toBe(1);
    expect(output).toContain('checkout exploded');
    const event = spooled.find((e) => e.type === 'error');
    expect(event?.message).toBe('Error: checkout exploded');
    expect(event?.data).toMatchObject({ source: 'uncaughtException', name: 'Error' });
  });

  it('an unhandled rejection is kept and still ends the process by default', async () => {
    const { code, output, spooled } = await run('reject');
    expect(code).toBe(1);
    expect(output).toContain('payment promise rejected');
    expect(spooled.filter((e) => e.type === 'error').map((e) => e.data?.source)).toEqual([
      'unhandledRejection',
    ]);
  });

  it('with --unhandled-rejections=warn the process keeps going, and the agent alone lets it exit', async () => {
    const { code, output, spooled } = await run('reject', ['--unhandled-rejections=warn']);
    expect(code).toBe(0);
    expect(spooled.some((e) => e.data?.source === 'unhandledRejection')).toBe(true);
    expect(output).toContain('UnhandledPromiseRejectionWarning');
  });

  it('an idle service with a running agent exits on its own: no timer or socket of the agent keeps it alive', async () => {
    const { code, output } = await run('idle');
    expect(code).toBe(0);
    expect(output).toContain('alive 4');
  });

  it('a restart exits with the restart code even when draining closed the last open handle', async () => {
    const { code } = await run('restart');
    expect(code).toBe(75);
  });
});
