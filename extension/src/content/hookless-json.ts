/**
 * JSON for the bridge that no page script can watch or change. Native `JSON.stringify` looks up
 * `toJSON` on every object (so `Object.prototype.toJSON` sees each message, nonce included), and
 * reading a property a parsed object lacks runs any getter a page put on `Object.prototype`.
 * Both go away when every object the bridge serializes or reads has no prototype.
 */

/** Serializes and parses without calling anything a page script can reach. */
export interface HooklessJson {
  /** `value` as JSON; only own enumerable data properties count, as they would for a plain object. */
  stringify(value: unknown): string;
  /** The value `text` holds, every object and array in it without a prototype; undefined if not JSON. */
  parse(text: string): unknown;
}

/** Nesting past this is dropped (as `null`): the bridge's messages are a few levels deep. */
const MAX_DEPTH = 32;

/**
 * Keeps the natives it uses when called; call it before any page script runs (the extension's
 * page bootstrap does, at document_start).
 */
export function createHooklessJson(): HooklessJson {
  const { stringify, parse } = JSON;
  const { create, keys, getOwnPropertyDescriptor, setPrototypeOf, hasOwn } = Object;
  const { isArray } = Array;
  const { isFinite: finite } = Number;

  const own = (source: object, key: string): unknown => {
    const descriptor = getOwnPropertyDescriptor(source, key);
    // An accessor would run page code, and `descriptor.value` is read only when it is own.
    return descriptor !== undefined && hasOwn(descriptor, 'value') ? descriptor.value : undefined;
  };

  const copy = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') return finite(value) ? value : null;
    if (typeof value !== 'object' || depth >= MAX_DEPTH) return undefined;
    if (isArray(value)) {
      // The prototype goes first, so storing an index finds no setter on Array.prototype.
      const list: unknown[] = setPrototypeOf([], null);
      const length = own(value, 'length') as number;
      for (let i = 0; i < length; i += 1) list[i] = copy(own(value, `${i}`), depth + 1) ?? null;
      return list;
    }
    const record: Record<string, unknown> = create(null);
    const names = keys(value);
    for (let i = 0; i < names.length; i += 1) {
      const name = names[i] as string;
      const item = copy(own(value, name), depth + 1);
      if (item !== undefined) record[name] = item;
    }
    return record;
  };

  return {
    stringify: (value) => stringify(copy(value, 0)) ?? 'null',
    parse(text) {
      try {
        return copy(parse(text), 0);
      } catch {
        return undefined;
      }
    },
  };
}
