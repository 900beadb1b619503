import type { AgentContext } from '../context.js';
import { markWrapper } from '../native.js';
import { describeValue, errorFault, textOf } from './describe.js';

/**
 * Wraps `console.error` so each call is reported as an `error` fault (while `captureConsole` is
 * on): its text and the stack of the first Error among its arguments. It still prints as usual.
 */
export function instrumentConsole(ctx: AgentContext): () => void {
  const target = ctx.win.console;
  const original = target.error;
  if (typeof original !== 'function') return () => {};
  let active = true;
  const wrapper = markWrapper(function error(this: unknown, ...args: unknown[]) {
    try {
      return original.apply(this, args);
    } finally {
      if (active) report(args);
    }
  }, original);
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
  target.error = wrapper;
  return () => {
    // A wrapper someone installed over ours stays in place; ours then only passes calls through.
    active = false;
    if (target.error === wrapper) target.error = original;
  };
}
