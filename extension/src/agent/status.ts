import type { Event as AgentEvent } from '@selfheal/shared/protocol';
import { capSize } from './bounded.js';
import type { AgentMetrics, ErrorHistoryEntry, FixHistoryEntry, StatusSnapshot } from './types.js';

/** Counters and bounded histories behind `getAgentStatus()`. */
export interface StatusBook {
  metrics: AgentMetrics;
  /** Counts a fault in its fingerprint's history entry. */
  recordFault(event: AgentEvent): void;
  /** Adds a fix that has started; the returned record is finished in place. */
  recordFix(record: FixHistoryEntry): FixHistoryEntry;
  /** Marks `record` finished and counts it. */
  finishFix(record: FixHistoryEntry, success: boolean, at: number, detail?: string): void;
  snapshot(now: number, config: StatusSnapshot['config']): StatusSnapshot;
  setHistorySize(size: number): void;
}

/** A fresh status book; `startedAt` is when the agent started. */
export function createStatusBook(startedAt: number, historySize: number): StatusBook {
  let limit = historySize;
  const metrics: AgentMetrics = {
    errorsDetected: 0,
    errorsFixed: 0,
    fixesAttempted: 0,
    fixesFailed: 0,
    eventsQueued: 0,
    eventsSent: 0,
    eventsDropped: 0,
    eventsRateLimited: 0,
    reportsFailed: 0,
    commandsReceived: 0,
    commandsRejected: 0,
    internalErrors: 0,
  };
  const errors = new Map<string, ErrorHistoryEntry>();
  const fixes: FixHistoryEntry[] = [];

  return {
    metrics,
    recordFault(event) {
      metrics.errorsDetected += 1;
      const key = event.fingerprint ?? '';
      const known = errors.get(key);
      if (known) {
        known.count += 1;
        known.lastSeen = event.timestamp;
        errors.delete(key);
        errors.set(key, known);
      } else {
        errors.set(key, {
          fingerprint: key,
          type: event.type,
          kind: event.kind ?? 'unknown',
          severity: event.severity ?? 'low',
          message: event.message ?? '',
          count: 1,
          firstSeen: event.timestamp,
          lastSeen: event.timestamp,
        });
        capSize(errors, limit);
      }
    },
    recordFix(record) {
      metrics.fixesAttempted += 1;
      fixes.push(record);
      if (fixes.length > limit) fixes.splice(0, fixes.length - limit);
      return record;
    },
    finishFix(record, success, at, detail) {
      record.success = success;
      record.finishedAt = at;
      if (detail !== undefined) record.detail = detail;
      if (success) metrics.errorsFixed += 1;
      else metrics.fixesFailed += 1;
    },
    snapshot(now, config) {
      const finished = metrics.errorsFixed + metrics.fixesFailed;
      return {
        metrics: { ...metrics },
        errorHistory: [...errors.values()].map((r) => ({ ...r })),
        fixHistory: fixes.map((r) => ({ ...r })),
        health: {
          fixSuccessRate: finished === 0 ? null : metrics.errorsFixed / finished,
          uptime: Math.max(0, now - startedAt),
        },
        config,
      };
    },
    setHistorySize(size) {
      limit = size;
    },
  };
}
