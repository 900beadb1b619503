/** Drops the oldest entry of `keys` (first inserted) once it holds more than `max`. */
export function capSize(
  keys: { size: number; keys(): IterableIterator<unknown>; delete(key: never): boolean },
  max: number,
): void {
  if (keys.size > max) keys.delete(keys.keys().next().value as never);
}
