import { afterEach, describe, expect, it } from 'vitest';
import { disguiseWrappers, unwrap, wrapMethod } from './native.js';

const nativeToString = Function.prototype.toString;
const text = (fn: unknown) => nativeToString.call(fn);

/** A page global to patch: a built-in function, so its text reads `[native code]`. */
function host() {
  return { parse: JSON.parse };
}

describe('wrapMethod and disguiseWrappers', () => {
  const removals: Array<() => void> = [];
  afterEach(() => {
    for (const remove of removals.splice(0).reverse()) remove();
    Function.prototype.toString = nativeToString;
  });

  it('wraps calls while the page sees the original: name, length, keys, flags and text', () => {
    const page = host();
    const original = page.parse;
    const before = Object.getOwnPropertyDescriptor(page, 'parse');
    const seen: unknown[] = [];
    removals.push(
      wrapMethod(page, 'parse', (fn, self, args) => {
        seen.push(args[0]);
        return Reflect.apply(fn, self, args);
      }),
      disguiseWrappers(),
    );
    expect(page.parse).not.toBe(original);
    expect(page.parse('[1]')).toEqual([1]);
    expect(seen).toEqual(['[1]']);
    expect([page.parse.name, page.parse.length]).toEqual([original.name, original.length]);
    expect(Reflect.ownKeys(page.parse)).toEqual(Reflect.ownKeys(original));
    expect(Object.getOwnPropertyDescriptor(page, 'parse')).toEqual({
      ...before,
      value: page.parse,
    });
    expect(String(page.parse)).toBe(text(original));
    expect(page.parse.toString()).toMatch(/^function parse\(\) \{ \[native code\] \}$/);
    // The disguise answers for itself as the native toString would.
    const patched = Function.prototype.toString;
    expect(patched).not.toBe(nativeToString);
    expect([patched.name, patched.length, String(patched)]).toEqual([
      'toString',
      0,
      text(nativeToString),
    ]);
  });

  it('puts every original back when nobody wrapped on top', () => {
    const page = host();
    const original = page.parse;
    const removeWrap = wrapMethod(page, 'parse', (fn, self, args) => Reflect.apply(fn, self, args));
    const removeDisguise = disguiseWrappers();
    removeWrap();
    removeDisguise();
    expect(page.parse).toBe(original);
    expect(Function.prototype.toString).toBe(nativeToString);
  });

  it('leaves a pass-through, still disguised, under a wrapper installed after it', () => {
    const page = host();
    const seen: unknown[] = [];
    const removeWrap = wrapMethod(page, 'parse', (fn, self, args) => {
      seen.push(args[0]);
      return Reflect.apply(fn, self, args);
    });
    const removeDisguise = disguiseWrappers();
    // Another SDK wraps both, as Sentry's fill and FunctionToString do.
    const ours = page.parse;
    const theirs = Object.assign((t: string) => ours(t), { __sentry_original__: ours });
    page.parse = theirs as typeof JSON.parse;
    const ourToString = Function.prototype.toString;
    Function.prototype.toString = function (this: unknown) {
      const inner = (this as { __sentry_original__?: unknown }).__sentry_original__;
      return ourToString.call(inner ?? this);
    };
    removeWrap();
    removeDisguise();
    expect(page.parse).toBe(theirs);
    expect(page.parse('[2]')).toEqual([2]);
    expect(seen).toEqual([]);
    // Their toString still reaches ours, which still gives the original's text.
    expect(String(page.parse)).toBe(text(JSON.parse));
  });

  it('unwraps its own wrappers and Sentry’s, and stops on Sentry’s self-marked natives', () => {
    const page = host();
    const native = page.parse as typeof JSON.parse & { __sentry_original__?: unknown };
    const sentry = Object.assign((t: string) => native(t), { __sentry_original__: native });
    page.parse = sentry as typeof JSON.parse;
    removals.push(
      wrapMethod(page, 'parse', (fn, self, args) => Reflect.apply(fn, self, args)),
      () => {
        page.parse = JSON.parse;
      },
    );
    Object.defineProperty(native, '__sentry_original__', { value: native, configurable: true });
    try {
      expect(unwrap(page.parse)).toBe(native);
    } finally {
      delete native.__sentry_original__;
    }
  });
});

describe('a page that froze its globals', () => {
  it('is left as it is, and removal does nothing', () => {
    const page = Object.freeze(host());
    const remove = wrapMethod(page, 'parse', () => 'wrapped');
    expect(page.parse).toBe(JSON.parse);
    expect(page.parse('[3]')).toEqual([3]);
    expect(() => remove()).not.toThrow();
  });
});
