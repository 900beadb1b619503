import type { ErrorKind, EventType, Severity, StrategyName } from '@selfheal/shared';
import type { Event as AgentEvent, AgentStatus, Report } from '@selfheal/shared/protocol';

/** How the agent behaves; every field has a default (see `DEFAULT_CONFIG`). */
export interface AgentConfig {
  /** The collector's base URL, used by the HTTP transport. */
  collectorUrl: string;
  /** The project key (public, write-only), used by the HTTP transport. */
  projectKey: string;
  /** The site's name in reports. */
  service: string | undefined;
  /** Run local fixes and the collector's recommendations. */
  autoFixEnabled: boolean;
  /** Send events to the transport; off, they are only kept in `getStatus()`. */
  reportingEnabled: boolean;
  /** Selectors that must match an element once the page has loaded. */
  criticalSelectors: string[];
  /** How long after `load` the critical selectors are checked. */
  criticalSelectorDelayMs: number;
  /** Record `console.error` calls as faults (they are still printed). */
  captureConsole: boolean;
  /** Retries of a failed idempotent request, after the first try. */
  retryMaxAttempts: number;
  /** First backoff delay; doubled on each retry, with jitter. */
  retryBaseDelayMs: number;
  /** A `Retry-After` longer than this gives up instead of waiting. */
  retryMaxDelayMs: number;
  /** A flush is sent as soon as this many events wait. */
  batchSize: number;
  /** Longest time an event waits before a flush. */
  flushIntervalMs: number;
  /** Most events held while the collector is unreachable; the oldest are dropped past it. */
  maxBufferedEvents: number;
  /** Most events reported per fingerprint per `rateLimitWindowMs`. */
  rateLimitPerFingerprint: number;
  rateLimitWindowMs: number;
  /** A long task at least this long is a fault. */
  longTaskThresholdMs: number;
  /** Heap growth over the first sample, in bytes, reported as a possible leak. */
  memoryGrowthBytes: number;
  memoryIntervalMs: number;
  /** A reload or reinjection counts as verified when its fingerprint stays away this long. */
  verifyWindowMs: number;
  /** Entries kept in `errorHistory` and `fixHistory`. */
  historySize: number;
}

/** What a transport hands back: the collector's recommendations, still unchecked. */
export interface TransportAnswer {
  commands?: unknown[];
  /** The collector refused the report for good (a 4xx other than 408/429): it is not sent again. */
  refused?: boolean;
}

/** How reports leave the page: HTTP in the standalone build, a bridge in the extension. */
export interface Transport {
  /**
   * Sends one report; rejects when it should be sent again later (collector unreachable, 5xx,
   * 429). `final` is set while the page is being hidden: use keepalive or sendBeacon.
   */
  send(report: Report, options?: { final: boolean }): Promise<TransportAnswer | undefined>;
}

/** Options of `startAgent`. */
export interface AgentOptions {
  config?: Partial<AgentConfig>;
  transport: Transport;
  /** The session its reports name, the same across the tab's reloads; new per load when absent. */
  sessionId?: string | undefined;
}

/** One fingerprint's faults as `errorHistory` keeps them. */
export interface ErrorHistoryEntry {
  fingerprint: string;
  type: EventType;
  kind: ErrorKind;
  severity: Severity;
  message: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

/**
 * One fix as `fixHistory` keeps it; `success` is undefined while it is being verified. (The
 * panel's `FixRecord`, in the protocol, is what the extension builds from the fix events.)
 */
export interface FixHistoryEntry {
  strategy: StrategyName;
  fingerprint: string;
  startedAt: number;
  finishedAt?: number;
  success?: boolean;
  local: boolean;
  commandId?: string;
  detail?: string;
}

/** The agent's counters (a type, not an interface, so it is a record of numbers as the protocol wants). */
export type AgentMetrics = {
  errorsDetected: number;
  errorsFixed: number;
  fixesAttempted: number;
  fixesFailed: number;
  eventsQueued: number;
  eventsSent: number;
  eventsDropped: number;
  eventsRateLimited: number;
  reportsFailed: number;
  commandsReceived: number;
  commandsRejected: number;
  internalErrors: number;
};

/**
 * What `getAgentStatus()` answers: the counters and health the extension keeps (the protocol's
 * `AgentStatus`), with the bounded histories and the settings in force.
 */
export interface StatusSnapshot extends AgentStatus {
  metrics: AgentMetrics;
  errorHistory: ErrorHistoryEntry[];
  fixHistory: FixHistoryEntry[];
  health: {
    /** Verified successes over finished fixes, 0..1; null while none has finished (as the collector says). */
    fixSuccessRate: number | null;
    /** Milliseconds since the agent started. */
    uptime: number;
  };
  config: { autoFixEnabled: boolean; reportingEnabled: boolean; service: string | undefined };
}

/** A running agent. */
export interface Agent {
  getStatus(): StatusSnapshot;
  /** Checks and runs the collector's recommendations under the agent's own guards. */
  applyCommands(commands: readonly unknown[]): void;
  updateConfig(partial: Partial<AgentConfig>): void;
  /** Calls `listener` for each fault, fix attempt and outcome; returns an unsubscribe. */
  onActivity(listener: (event: AgentEvent) => void): () => void;
  /** Records an error an error boundary caught. */
  reportError(error: unknown, context?: { component?: string }): void;
  /** Sends what is waiting now. */
  flush(): Promise<void>;
  /** Restores every patched global and stops timers; waiting events are flushed. */
  stop(): void;
}
