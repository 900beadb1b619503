/** The agent's own bookkeeping: what it sent, dropped and got wrong, by reason. */
export interface Counters {
  eventsQueued: number;
  eventsSent: number;
  eventsDuplicate: number;
  /** Events dropped, by reason: buffer_full, invalid, rejected. */
  dropped: Record<string, number>;
  sendFailures: number;
  /** Errors inside the agent, by where they happened; never thrown into the host. */
  internalErrors: Record<string, number>;
  checksRun: number;
  fixesRun: number;
  commandsReceived: number;
}

/** Fresh counters. */
export function createCounters(): Counters {
  return {
    eventsQueued: 0,
    eventsSent: 0,
    eventsDuplicate: 0,
    dropped: {},
    sendFailures: 0,
    internalErrors: {},
    checksRun: 0,
    fixesRun: 0,
    commandsReceived: 0,
  };
}

/** Adds one to `counts[reason]`. */
export function bump(counts: Record<string, number>, reason: string, by = 1): void {
  counts[reason] = (counts[reason] ?? 0) + by;
}
