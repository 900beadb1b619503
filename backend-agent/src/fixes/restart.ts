import type { Fix } from '../fix.js';

/** How the library restarts its own process. */
export interface RestartOptions {
  /** Longest drain before exit; default 10 s (a command's `graceMs` wins). */
  graceMs?: number;
  /** The exit code the supervisor restarts on; default 75 (EX_TEMPFAIL). */
  exitCode?: number;
}

/** restart_service in the library: drain, flush, exit with the code the supervisor restarts on. */
export function selfRestartFix(
  restart: (graceMs: number) => Promise<void>,
  options: RestartOptions,
): Fix {
  return {
    strategy: 'restart_service',
    exitsProcess: true,
    timeoutMs: 130_000,
    async run(ctx) {
      const graceMs =
        typeof ctx.params.graceMs === 'number' ? ctx.params.graceMs : (options.graceMs ?? 10_000);
      await restart(graceMs);
      return { detail: 'restarting' };
    },
  };
}
