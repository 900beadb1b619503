/** Tells a refusal once: the same refusal again is kept quiet until `clear()`. */
export interface RefusalLog {
  /** Passes `message` on as an error at `where`, unless it is the refusal told last. */
  refused(where: string, message: string): void;
  /** The collector took a request: the next refusal is news again. */
  clear(): void;
}

/**
 * A refusal log over `onError`. A refused key stays refused on every attempt (each batch, each
 * poll); saying so once is enough, and saying it every second would bury the host's own logs.
 */
export function createRefusalLog(onError: (where: string, error: unknown) => void): RefusalLog {
  let last: string | null = null;
  return {
    refused(where, message) {
      if (message === last) return;
      last = message;
      onError(where, new Error(message));
    },
    clear() {
      last = null;
    },
  };
}
