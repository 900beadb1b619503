import { LIMITS } from '@selfheal/shared';
import type { Event } from '@selfheal/shared/protocol';
import { errorEvent } from './events.js';

/** One request a middleware saw finish. */
export interface RequestRecord {
  method: string;
  /** The route pattern (`/orders/:id`), not the raw path, so ids do not split the counts. */
  route: string;
  status: number;
  durationMs: number;
  /** What the handler threw, if it threw. */
  error?: unknown;
}

/** Requests, 5xx and thrown errors over the last minute. */
export interface RequestFigures {
  requests: number;
  serverErrors: number;
  thrown: number;
  /** 5xx (thrown included) over requests in the last minute; 0 without requests. */
  errorRate: number;
}

const SLOTS = 60;
/** Error events per route and status per minute; the rest are counted in the next one. */
const EVENTS_PER_MINUTE = 10;

/** Counts requests per second over a sliding minute and turns 5xx and throws into error events. */
export function createRequestStats(push: (event: Event) => void) {
  const requests = new Array<number>(SLOTS).fill(0);
  const errors = new Array<number>(SLOTS).fill(0);
  const thrown = new Array<number>(SLOTS).fill(0);
  let slotSecond = Math.floor(Date.now() / 1000);
  const throttle = new Map<string, { minute: number; sent: number; suppressed: number }>();
  let totals = { requests: 0, serverErrors: 0, thrown: 0 };

  function advance(): number {
    const second = Math.floor(Date.now() / 1000);
    const steps = Math.min(SLOTS, second - slotSecond);
    for (let i = 1; i <= steps; i++) {
      const slot = (slotSecond + i) % SLOTS;
      requests[slot] = 0;
      errors[slot] = 0;
      thrown[slot] = 0;
    }
    if (second > slotSecond) slotSecond = second;
    return slotSecond % SLOTS;
  }

  function report(record: RequestRecord): void {
    const key = `${record.method} ${record.route} ${record.status}`;
    const minute = Math.floor(Date.now() / 60_000);
    let entry = throttle.get(key);
    if (!entry || entry.minute !== minute) {
      entry = { minute, sent: 0, suppressed: entry?.suppressed ?? 0 };
      throttle.set(key, entry);
      if (throttle.size > 1_000) throttle.delete(throttle.keys().next().value as string);
    }
    if (entry.sent >= EVENTS_PER_MINUTE) {
      entry.suppressed += 1;
      return;
    }
    entry.sent += 1;
    const data = {
      source: 'http',
      method: record.method.slice(0, 16),
      route: record.route.slice(0, LIMITS.maxNameLength),
      status: record.status,
      durationMs: Math.round(record.durationMs),
      ...(entry.suppressed > 0 ? { suppressed: entry.suppressed } : {}),
    };
    entry.suppressed = 0;
    push(
      record.error !== undefined
        ? errorEvent(record.error, data)
        : errorEvent(undefined, data, `${data.method} ${data.route} answered ${record.status}`),
    );
  }

  return {
    record(record: RequestRecord): void {
      const slot = advance();
      requests[slot] = (requests[slot] ?? 0) + 1;
      totals.requests += 1;
      const failed = record.status >= 500 || record.error !== undefined;
      if (failed) {
        errors[slot] = (errors[slot] ?? 0) + 1;
        totals.serverErrors += 1;
      }
      if (record.error !== undefined) {
        thrown[slot] = (thrown[slot] ?? 0) + 1;
        totals.thrown += 1;
      }
      if (failed) report(record);
    },
    /** The last minute. */
    lastMinute(): RequestFigures {
      advance();
      const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
      const r = sum(requests);
      const e = sum(errors);
      return { requests: r, serverErrors: e, thrown: sum(thrown), errorRate: r > 0 ? e / r : 0 };
    },
    /** Since the agent started. */
    totals: () => ({ ...totals }),
    reset(): void {
      totals = { requests: 0, serverErrors: 0, thrown: 0 };
    },
  };
}

/** Request counting as the agent holds it. */
export type RequestStats = ReturnType<typeof createRequestStats>;
