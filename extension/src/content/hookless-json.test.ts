import { afterEach, describe, expect, it } from 'vitest';
import { createHooklessJson } from './hookless-json.js';

const NAMES = ['toJSON', 'nonce', 'channel', 'type', 'commands', 'bubbles', '0', '1'];

/** Pollutes Object.prototype and Array.prototype as a hostile page would; returns what it saw. */
function pollute(): unknown[] {
  const seen: unknown[] = [];
  for (const target of [Object.prototype, Array.prototype]) {
    for (const name of NAMES) {
      Object.defineProperty(target, name, {
        configurable: true,
        get(this: unknown) {
          seen.push(this);
          return undefined;
        },
        set(this: object, value: unknown) {
          seen.push(this, value);
          Object.defineProperty(this, name, { value, writable: true, enumerable: true });
        },
      });
    }
  }
  const { stringify, parse } = JSON;
  JSON.stringify = (value: unknown) => {
    seen.push(value);
    return stringify(value);
  };
  JSON.parse = (text: string) => {
    seen.push(text);
    return parse(text);
  };
  restore = () => {
    for (const target of [Object.prototype, Array.prototype])
      for (const name of NAMES) delete (target as Record<string, unknown>)[name];
    JSON.stringify = stringify;
    JSON.parse = parse;
  };
  return seen;
}
let restore = () => {};
afterEach(() => restore());

describe('createHooklessJson', () => {
  it('serializes own data only, as JSON would, without calling a hook the page set', () => {
    const json = createHooklessJson();
    const seen = pollute();
    const message = {
      type: 'report',
      nonce: 'n'.repeat(32),
      report: { events: [{ id: 'e1', n: 1, ok: true, none: null, skip: undefined }], big: NaN },
    };
    const text = json.stringify(message);
    restore();
    expect(seen).toEqual([]);
    expect(JSON.parse(text)).toEqual({
      type: 'report',
      nonce: 'n'.repeat(32),
      report: { events: [{ id: 'e1', n: 1, ok: true, none: null }], big: null },
    });
  });

  it('never runs an own getter of the value it serializes', () => {
    const json = createHooklessJson();
    let ran = false;
    const value = {
      a: 1,
      get b() {
        ran = true;
        return 2;
      },
    };
    expect(json.stringify(value)).toBe('{"a":1}');
    expect(ran).toBe(false);
  });

  it('parses into objects without a prototype, so reading a missing field runs no getter', () => {
    const json = createHooklessJson();
    const seen = pollute();
    const value = json.parse('{"nonce":"secret-nonce-0123456","list":[1,{"x":2}]}') as Record<
      string,
      unknown
    >;
    const missing = [value.commands, value.bubbles];
    const list = value.list as unknown[];
    const second = list[1] as Record<string, unknown>;
    const x = second.x;
    restore();
    expect(seen).toEqual([]);
    expect(missing).toEqual([undefined, undefined]);
    expect(x).toBe(2);
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.getPrototypeOf(list)).toBeNull();
    expect(json.parse('not json')).toBeUndefined();
  });
});
