import { spawn } from 'node:child_process';
import type { StrategyName } from '@selfheal/shared';
import type { Fix, FixContext } from '../fix.js';

/** Runs `command` in `sh -c` with the fault in its environment; a non-zero exit is a failure. */
export function runShell(command: string, ctx: FixContext, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        SELFHEAL_STRATEGY: ctx.strategy,
        SELFHEAL_FINGERPRINT: ctx.fingerprint,
        SELFHEAL_KIND: ctx.kind ?? '',
        SELFHEAL_CHECK: ctx.check ?? '',
        SELFHEAL_COMMAND_ID: ctx.commandId ?? '',
        SELFHEAL_PARAMS: JSON.stringify(ctx.params),
        SELFHEAL_ROLLBACK: ctx.rollback ? '1' : '',
      },
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-2_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    timer.unref();
    const onAbort = () => child.kill('SIGKILL');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      const tail = output.trim().split('\n').slice(-5).join('\n');
      if (code === 0) resolve(tail);
      else reject(new Error(`command exited with ${code ?? signal}${tail ? `: ${tail}` : ''}`));
    });
  });
}

/** A fix that runs a shell command the operator configured. */
export function shellFix(
  strategy: StrategyName,
  command: string,
  name?: string,
  timeoutMs = 60_000,
): Fix {
  return {
    strategy,
    ...(name ? { name } : {}),
    timeoutMs: timeoutMs + 1_000,
    async run(ctx) {
      const output = await runShell(command, ctx, timeoutMs);
      return output ? { detail: output } : undefined;
    },
  };
}
