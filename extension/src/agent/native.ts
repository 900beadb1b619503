/** Marks a wrapper installed by the agent, pointing at what it replaced. */
export const ORIGINAL = Symbol.for('selfheal.original');

type Wrapped<T> = T & { [ORIGINAL]?: T };

/** `fn` with every agent wrapper peeled off: what the page had before the agent patched it. */
export function unwrap<T>(fn: T): T {
  let current = fn as Wrapped<T>;
  while (current && typeof current === 'function' && current[ORIGINAL]) {
    current = current[ORIGINAL] as Wrapped<T>;
  }
  return current;
}

/** Marks `wrapper` as the agent's replacement for `original`. */
export function markWrapper<T extends object>(wrapper: T, original: unknown): T {
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  return wrapper;
}

/** The page's own `fetch` (never the agent's wrapper), bound to `win`; the agent reports through it. */
export function nativeFetch(win: typeof globalThis = globalThis): typeof fetch {
  const original = unwrap(win.fetch);
  return (input, init) => original.call(win, input, init);
}
