import type { Fix } from '../fix.js';
import { send } from '../http-client.js';
import { runShell } from './shell.js';

/** How to add capacity: a shell command (`kubectl scale …`) or a URL that is POSTed to. */
export interface ScaleOutOptions {
  command?: string;
  url?: string;
  /** Headers for the URL, e.g. an authorization. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * scale_out: runs the operator's command or POSTs `{service, replicas, fingerprint, kind}` to
 * the URL. The agent runs it on sustained CPU or event-loop lag, within the catalog's cooldown.
 */
export function scaleOutFix(service: string, options: ScaleOutOptions): Fix {
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!options.command && !options.url) throw new Error('scale_out needs a command or a url');
  return {
    strategy: 'scale_out',
    timeoutMs: timeoutMs + 1_000,
    async run(ctx) {
      const replicas = typeof ctx.params.replicas === 'number' ? ctx.params.replicas : 1;
      if (options.command) {
        const output = await runShell(
          options.command,
          { ...ctx, params: { ...ctx.params, replicas } },
          timeoutMs,
        );
        return { detail: output || 'scale-out command ran' };
      }
      const answer = await send(options.url as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify({ service, replicas, fingerprint: ctx.fingerprint, kind: ctx.kind }),
        timeoutMs,
        signal: ctx.signal,
      });
      if (answer.status < 200 || answer.status >= 300) {
        throw new Error(`scale-out URL answered ${answer.status}`);
      }
      // New capacity takes a while to take load off this instance.
      return { detail: `scale-out requested (${answer.status})`, settleMs: 60_000 };
    },
  };
}
