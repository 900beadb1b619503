/**
 * A pure string function with its latest answers kept: the same error repeats across users and
 * reports, so its message and stack are normalised once. The cache is emptied when it reaches
 * `size` entries, and inputs longer than `maxKey` characters are never kept.
 */
export function memoize<T>(fn: (input: string) => T, size = 1_000, maxKey = 4_096) {
  let cache = new Map<string, T>();
  return (input: string): T => {
    const hit = cache.get(input);
    if (hit !== undefined || cache.has(input)) return hit as T;
    const value = fn(input);
    if (input.length <= maxKey) {
      if (cache.size >= size) cache = new Map();
      cache.set(input, value);
    }
    return value;
  };
}
