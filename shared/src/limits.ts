/** Limits every client and the collector agree on; agents trim to them before sending. */
export const LIMITS = {
  /** Largest request body the collector reads, in bytes. */
  maxBodyBytes: 1_048_576,
  /** Most events in one report. */
  maxEventsPerReport: 500,
  maxIdLength: 128,
  maxMessageLength: 16_384,
  maxStackLength: 65_536,
  maxUrlLength: 4_096,
  maxNameLength: 256,
  /** Most occurrences one event may stand for. */
  maxEventCount: 1_000_000,
  /** Deepest nesting allowed inside an event's `data`. */
  maxDataDepth: 8,
  /** Most keys and array items in one `data` value, counted over the whole tree. */
  maxDataNodes: 2_000,
} as const;
