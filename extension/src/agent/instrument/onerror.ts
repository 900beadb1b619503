import type { AgentContext } from '../context.js';
import { listen } from '../native.js';
import { errorFault } from './describe.js';

/** Reports each uncaught error as an `error` fault; returns the uninstall. */
export function instrumentErrors(ctx: AgentContext): () => void {
  return listen(ctx.win, 'error', (e: ErrorEvent) => {
    // Resource load failures are plain Events on elements; they are resource-errors.ts's.
    if (!('message' in e)) return;
    const error = e.error as { name?: unknown; stack?: unknown } | null | undefined;
    errorFault(
      ctx,
      'onerror',
      {
        message: String(e.message ?? ''),
        name: typeof error?.name === 'string' ? error.name : undefined,
        stack: typeof error?.stack === 'string' ? error.stack : undefined,
      },
      {
        filename: e.filename || undefined,
        lineno: e.lineno || undefined,
        colno: e.colno || undefined,
      },
    );
  });
}
