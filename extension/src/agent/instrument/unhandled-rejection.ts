import type { AgentContext } from '../context.js';
import { listen } from '../native.js';
import { describeValue, errorFault } from './describe.js';

/** Reports each unhandled promise rejection as an `error` fault; returns the uninstall. */
export function instrumentRejections(ctx: AgentContext): () => void {
  return listen(ctx.win, 'unhandledrejection', (event: PromiseRejectionEvent) =>
    errorFault(ctx, 'unhandledrejection', describeValue(event.reason)),
  );
}
