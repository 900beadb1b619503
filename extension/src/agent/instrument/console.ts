import type { AgentContext } from '../context.js';
import { wrapMethod } from '../native.js';
import { describeValue, errorFault, textOf } from './describe.js';

/**
 * Wraps `console.error` so each call is reported as an `error` fault (while `captureConsole` is
 * on): its text and the stack of the first Error among its arguments. It still prints as usual.
 */
export function instrumentConsole(ctx: AgentContext): () => void {
  const report = ctx.safe((args: unknown[]) => {
    if (!ctx.config().captureConsole) return;
    const first = args.find((a) => a instanceof Error);
    const described = first ? describeValue(first) : undefined;
    errorFault(ctx, 'console', {
      message: args
        .map((a) => (a instanceof Error ? describeValue(a).message : textOf(a)))
        .join(' ')
        .slice(0, 2_048),
      name: described?.name,
      stack: described?.stack,
    });
  });
  return wrapMethod(ctx.win.console, 'error', (original, self, args) => {
    try {
      return Reflect.apply(original, self, args);
    } finally {
      report(args);
    }
  });
}
