import { PROTOCOL_VERSION } from '@selfheal/shared';
import type { Event as AgentEvent, Report } from '@selfheal/shared/protocol';
import { capSize } from './bounded.js';
import { createRunCounter } from './budget.js';
import type { AgentContext } from './context.js';
import type { Transport } from './types.js';

/** Batches events and sends them through the transport. */
export interface Reporter {
  /** Queues an event; a fault whose fingerprint already waits is merged, a flood is rate-limited. */
  enqueue(event: AgentEvent): void;
  /** Sends what waits now; `final` while the page is being hidden. */
  flush(final?: boolean): Promise<void>;
  stop(): void;
}

const MAX_BACKOFF_MS = 60_000;
// Events are trimmed to about 20 KB each (events.ts), so a report stays under the 1 MiB body limit.
const PER_REPORT = 40;
/** Most fingerprints whose held-back occurrences are remembered. */
const HELD_FINGERPRINTS = 200;

/** A reporter that flushes on size and on time, and holds a bounded buffer while sends fail. */
export function createReporter(
  ctx: Pick<AgentContext, 'win' | 'config' | 'book' | 'now' | 'setTimer' | 'clearTimer'>,
  transport: Transport,
  sessionId: string,
  onCommands: (commands: unknown[]) => void,
): Reporter {
  const { book } = ctx;
  let queue: AgentEvent[] = [];
  const sentPerFingerprint = createRunCounter(ctx.now);
  /** Occurrences the rate limit held back, per fingerprint, not sent yet. */
  const held = new Map<string, number>();
  let timer: unknown;
  let inflight: Promise<void> | undefined;
  let failures = 0;
  let stopped = false;

  const schedule = (ms: number) => {
    if (timer !== undefined || stopped) return;
    timer = ctx.setTimer(() => {
      timer = undefined;
      void reporter.flush();
    }, ms);
  };

  const trim = () => {
    const max = ctx.config().maxBufferedEvents;
    if (queue.length > max) {
      book.metrics.eventsDropped += queue.length - max;
      queue = queue.slice(queue.length - max);
    }
    book.metrics.eventsQueued = queue.length;
  };

  const send = async (final: boolean): Promise<void> => {
    while (queue.length > 0 && !stopped) {
      const config = ctx.config();
      if (!config.reportingEnabled) return;
      const events = queue.splice(0, PER_REPORT);
      book.metrics.eventsQueued = queue.length;
      const report: Report = {
        agent: 'frontend',
        protocolVersion: PROTOCOL_VERSION,
        sessionId,
        url: String(ctx.win.location?.href ?? '').slice(0, 4_096),
        events,
      };
      if (config.service) report.service = config.service;
      try {
        const answer = await transport.send(report, { final });
        failures = 0;
        if (answer?.refused) book.metrics.eventsDropped += events.length;
        else book.metrics.eventsSent += events.length;
        if (answer?.commands && Array.isArray(answer.commands)) onCommands(answer.commands);
      } catch {
        failures += 1;
        book.metrics.reportsFailed += 1;
        queue = events.concat(queue);
        trim();
        if (!final) {
          const wait = Math.min(MAX_BACKOFF_MS, config.flushIntervalMs * 2 ** failures);
          schedule(wait);
        }
        return;
      }
    }
  };

  const reporter: Reporter = {
    enqueue(event) {
      if (stopped) return;
      if (event.fingerprint && !event.type.startsWith('fix_')) {
        const same = queue.find(
          (e) => e.fingerprint === event.fingerprint && e.type === event.type,
        );
        if (same) {
          same.count = (same.count ?? 1) + 1;
          return;
        }
        const { rateLimitPerFingerprint, rateLimitWindowMs } = ctx.config();
        const fingerprint = event.fingerprint;
        // An occurrence held back by the rate limit still counts: it rides on the next one sent.
        if (!sentPerFingerprint(fingerprint, rateLimitPerFingerprint, rateLimitWindowMs)) {
          book.metrics.eventsRateLimited += 1;
          capSize(held.set(fingerprint, (held.get(fingerprint) ?? 0) + 1), HELD_FINGERPRINTS);
          return;
        }
        const waiting = held.get(fingerprint);
        if (waiting) event.count = 1 + waiting;
        held.delete(fingerprint);
      }
      queue.push(event);
      trim();
      const config = ctx.config();
      if (queue.length >= config.batchSize && failures === 0) {
        if (timer !== undefined) ctx.clearTimer(timer);
        timer = undefined;
        void reporter.flush();
      } else {
        schedule(config.flushIntervalMs);
      }
    },
    flush(final = false) {
      if (inflight && !final) return inflight;
      const run = send(final).finally(() => {
        if (inflight === run) inflight = undefined;
      });
      inflight = run;
      return run;
    },
    stop() {
      stopped = true;
      if (timer !== undefined) ctx.clearTimer(timer);
      timer = undefined;
    },
  };
  return reporter;
}
