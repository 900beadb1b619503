import { markWrapper } from '../native.js';
import { describeValue, textOf } from './describe.js';

/** A `console.error` call: its text and the stack of the first Error among its arguments. */
export interface ConsoleError {
  message: string;
  name: string | undefined;
  stack: string | undefined;
}

/** Wraps `console.error` so `handler` sees each call; it still prints as usual. */
export function instrumentConsole(
  target: Console,
  handler: (entry: ConsoleError) => void,
): () => void {
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
  const report = (args: unknown[]) => {
    const first = args.find((a) => a instanceof Error);
    const described = first ? describeValue(first) : undefined;
    handler({
      message: args
        .map((a) => (a instanceof Error ? describeValue(a).message : textOf(a)))
        .join(' ')
        .slice(0, 2_048),
      name: described?.name,
      stack: described?.stack,
    });
  };
  target.error = wrapper;
  return () => {
    // A wrapper someone installed over ours stays in place; ours then only passes calls through.
    active = false;
    if (target.error === wrapper) target.error = original;
  };
}
