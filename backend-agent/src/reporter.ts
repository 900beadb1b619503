import { isRetryableStatus, LIMITS, PROTOCOL_VERSION } from '@selfheal/shared';
import { type Event, eventSchema } from '@selfheal/shared/protocol';
import { bump, type Counters } from './counters.js';
import { delay } from './delay.js';
import { retryAfterMs, send } from './http-client.js';
import { createRefusalLog } from './refusal-log.js';
import type { Spool } from './spool.js';

/** Where and how the agent reports. */
export interface ReporterOptions {
  /** The collector's base URL; null keeps events in the buffer (nothing is sent). */
  collectorUrl: string | null;
  /** The service key the collector knows this service by. */
  agentKey: string | null;
  service: string;
  hostname: string;
  /** Longest an event waits before its batch is sent. */
  batchMs: number;
  /** Most events kept while the collector is unreachable; past it the oldest are dropped. */
  maxBuffered: number;
  spool?: Spool;
  timeoutMs?: number;
  counters: Counters;
  onError: (where: string, error: unknown) => void;
}

/** Batches events to `POST /api/report`, buffering them through outages. */
export interface Reporter {
  /** Queues an event (validated; an invalid one is counted and dropped). */
  push(event: Event): void;
  /** Sends what is queued now; resolves when that attempt ends (sent or kept for later). */
  flush(): Promise<void>;
  /** Events waiting to be sent. */
  pending(): number;
  start(): void;
  /** One last attempt to send, then keeps the rest in the spool, if any. */
  stop(timeoutMs?: number): Promise<void>;
  /** Writes what is queued to the spool at once (the process is about to die). */
  saveNow(): void;
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** A reporter that resends a batch with the same event ids until the collector has it. */
export function createReporter(options: ReporterOptions): Reporter {
  const { counters } = options;
  const queue: Event[] = [];
  const known = new Set<string>();
  let inflight = 0;
  let sending: Promise<void> | null = null;
  let backoffMs = 0;
  let nextAttemptAt = 0;
  let batchLimit: number = LIMITS.maxEventsPerReport;
  let timer: NodeJS.Timeout | undefined;
  let spoolDirty = false;
  const refusals = createRefusalLog(options.onError);

  for (const event of options.spool?.load() ?? []) enqueue(event, false);

  function enqueue(event: Event, validate: boolean): void {
    if (known.has(event.id)) return;
    if (validate && !eventSchema.safeParse(event).success) {
      bump(counters.dropped, 'invalid');
      return;
    }
    if (queue.length >= options.maxBuffered) {
      // The oldest event not being sent right now makes room.
      const [old] = queue.splice(inflight, 1);
      if (old) known.delete(old.id);
      bump(counters.dropped, 'buffer_full');
    }
    queue.push(event);
    known.add(event.id);
    counters.eventsQueued += 1;
  }

  function take(count: number): void {
    for (const event of queue.splice(0, count)) known.delete(event.id);
  }

  function failed(retryAfter?: number): void {
    counters.sendFailures += 1;
    backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, backoffMs * 2));
    nextAttemptAt = Date.now() + Math.max(backoffMs, retryAfter ?? 0);
    spoolDirty = true;
  }

  async function sendOnce(): Promise<boolean> {
    // Without a key nothing can be accepted; the agent said so once at start.
    if (!options.collectorUrl || !options.agentKey || queue.length === 0) return false;
    const batch = queue.slice(0, batchLimit);
    inflight = batch.length;
    const body = JSON.stringify({
      agent: 'backend',
      protocolVersion: PROTOCOL_VERSION,
      service: options.service,
      hostname: options.hostname,
      events: batch,
    });
    try {
      const answer = await send(`${options.collectorUrl}/api/report`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.agentKey ?? ''}`,
          'content-type': 'application/json',
        },
        body,
        timeoutMs: options.timeoutMs ?? 10_000,
      });
      if (answer.status >= 200 && answer.status < 300) {
        const ack = safeJson(answer.body) as { accepted?: number; duplicates?: number };
        counters.eventsSent += ack.accepted ?? batch.length;
        counters.eventsDuplicate += ack.duplicates ?? 0;
        take(batch.length);
        backoffMs = 0;
        nextAttemptAt = 0;
        batchLimit = LIMITS.maxEventsPerReport;
        refusals.clear();
        return true;
      }
      if (answer.status === 413 && batch.length > 1) {
        batchLimit = Math.max(1, Math.floor(batch.length / 2));
        return true;
      }
      if (isRetryableStatus(answer.status)) {
        failed(retryAfterMs(answer.headers['retry-after']));
        return false;
      }
      // The collector refused the batch itself (bad key, bad shape): resending cannot help.
      take(batch.length);
      bump(counters.dropped, 'rejected', batch.length);
      refusals.refused(
        'report',
        `collector answered ${answer.status}: ${answer.body.slice(0, 300)}`,
      );
      return true;
    } catch (error) {
      failed();
      refusals.refused(
        'report',
        `cannot reach the collector at ${options.collectorUrl} (${reason(error)}); events are kept and sent when it answers`,
      );
      return false;
    } finally {
      inflight = 0;
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 && Date.now() >= nextAttemptAt) {
      if (!(await sendOnce())) break;
    }
    if (!options.spool) return;
    if (queue.length === 0 && spoolDirty) {
      spoolDirty = false;
      await options.spool.clear();
    } else if (queue.length > 0 && spoolDirty) {
      await options.spool.save(queue);
    }
  }

  function flush(): Promise<void> {
    if (!sending) {
      sending = drain()
        .catch((error) => options.onError('report', error))
        .finally(() => {
          sending = null;
        });
    }
    return sending;
  }

  return {
    push(event) {
      enqueue(event, true);
      if (queue.length >= batchLimit && Date.now() >= nextAttemptAt) void flush();
    },
    flush,
    pending: () => queue.length,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (queue.length > 0 && Date.now() >= nextAttemptAt) void flush();
      }, options.batchMs);
      timer.unref();
      if (queue.length > 0) {
        spoolDirty = true;
        void flush();
      }
    },
    async stop(timeoutMs = 5_000) {
      clearInterval(timer);
      timer = undefined;
      nextAttemptAt = 0;
      await Promise.race([flush(), delay(timeoutMs)]);
      if (queue.length > 0 && options.spool) {
        try {
          await options.spool.save(queue);
        } catch (error) {
          options.onError('spool', error);
        }
      }
    },
    saveNow() {
      try {
        options.spool?.saveNow(queue);
      } catch (error) {
        options.onError('spool', error);
      }
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) ?? {};
  } catch {
    return {};
  }
}

/** Why a request failed, in a few words: the socket's code, else the error's message. */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}
