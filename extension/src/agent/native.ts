/**
 * A wrapped function's body: the original, then a call's `this` and arguments (for `construct`,
 * its arguments and `new.target`).
 */
export type Around = (
  original: (...args: unknown[]) => unknown,
  // biome-ignore lint/suspicious/noExplicitAny: `this` or arguments, as the trap gives them
  a: any,
  // biome-ignore lint/suspicious/noExplicitAny: arguments or `new.target`, as the trap gives them
  b: any,
) => unknown;

/** The function each of the agent's wrappers stands for; the disguised `toString` reads it. */
const originals = new WeakMap<object, object>();

/**
 * `fn` with every wrapper the agent knows peeled off (its own, and Sentry's `__sentry_original__`):
 * what the page had before anyone patched it. Sentry marks some natives as their own original,
 * so the walk stops at a function that points at itself, and after a few steps in any case.
 */
export function unwrap<T>(fn: T): T {
  let current = fn as { __sentry_original__?: object } | undefined;
  for (let steps = 0; current && steps < 9; steps++) {
    const next = originals.get(current) ?? current.__sentry_original__;
    if (!next || next === current) break;
    current = next;
  }
  return current as T;
}

/**
 * Sets `owner[key]` to `proxy`, which stands for `original`; the restore keeps a value set since.
 * Where the page made the property read-only, nothing changes and the restore does nothing.
 */
export function replace<O extends object>(
  owner: O,
  key: keyof O,
  proxy: object,
  original: object,
): () => void {
  originals.set(proxy, original);
  try {
    (owner as Record<keyof O, unknown>)[key] = proxy;
  } catch {
    return () => {};
  }
  return () => {
    if (owner[key] === proxy) (owner as Record<keyof O, unknown>)[key] = original;
  };
}

/**
 * Replaces the function `owner[key]` with a Proxy of it whose calls (or, with `trap` `construct`,
 * whose `new`s) go through `around`; returns the removal. The page sees the original's name,
 * length, prototype, own keys and descriptor, and (with `disguiseWrappers`) its text. A wrapper
 * installed over ours stays at removal; ours then passes through.
 */
export function wrapMethod<O extends object>(
  owner: O,
  key: keyof O,
  around: Around,
  trap: 'apply' | 'construct' = 'apply',
): () => void {
  const original = owner[key];
  if (typeof original !== 'function') return () => {};
  let active = true;
  const proxy = new Proxy(original as Parameters<Around>[0], {
    [trap]: (target: Parameters<Around>[0], a: unknown, b: unknown) =>
      (active ? around : (Reflect[trap] as unknown as Around))(target, a, b),
  });
  const restore = replace(owner, key, proxy, original);
  return () => {
    active = false;
    restore();
  };
}

/**
 * Makes `Function.prototype.toString` give each of the agent's wrappers the original's text, as
 * Sentry's FunctionToString does for its own; it answers for itself the same way, so it too reads
 * as native. Returns the removal, which leaves it in place (still disguising) when someone wrapped it.
 */
export function disguiseWrappers(): () => void {
  const original = Function.prototype.toString;
  const proxy = new Proxy(original, {
    apply: (target, self, args) => Reflect.apply(target, originals.get(self) ?? self, args),
  });
  return replace(Function.prototype, 'toString', proxy, original);
}

/** The page's own `fetch` (never a wrapper), bound to `win`; the agent reports through it. */
export function nativeFetch(win: typeof globalThis = globalThis): typeof fetch {
  const original = unwrap(win.fetch);
  return (input, init) => original.call(win, input, init);
}

/** Adds `listener` for `type` events on `target`; returns its removal. */
export function listen(
  target: EventTarget,
  type: string,
  listener: (event: never) => void,
  options?: boolean | AddEventListenerOptions,
): () => void {
  target.addEventListener(type, listener as EventListener, options);
  return () => target.removeEventListener(type, listener as EventListener, options);
}
