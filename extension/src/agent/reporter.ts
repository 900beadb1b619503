import { PROTOCOL_VERSION } from '@selfheal/shared';
import { createRunCounter } from './budget.js';
import type { StatusBook } from './status.js';
import type { AgentConfig, AgentEvent, AgentReport, Transport } from './types.js';

/** Batches events and sends them through the transport. */
export interface Reporter {
  /** Queues an event; a fault whose fingerprint already waits is merged, a flood is rate-limited. */
  enqueue(event: AgentEvent): void;
  /** Sends what waits now; `final` while the page is being hidden. */
  flush(final?: boolean): Promise<void>;
  stop(): void;
}

/** What the reporter needs from the agent. */
export interface ReporterDeps {
  transport: Transport;
  config(): AgentConfig;
  book: StatusBook;
  now(): number;
  sessionId: string;
  pageUrl(): string;
  onCommands(commands: unknown[]): void;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

const MAX_BACKOFF_MS = 60_000;
// Events are trimmed to about 20 KB each (events.ts), so a report stays under the 1 MiB body limit.
const PER_REPORT = 40;

/** A reporter that flushes on size and on time, and holds a bounded buffer while sends fail. */
export function createReporter(deps: ReporterDeps): Reporter {
  const { book } = deps;
  let queue: AgentEvent[] = [];
  const sentPerFingerprint = createRunCounter(deps.now);
  let timer: unknown;
  let inflight: Promise<void> | undefined;
  let failures = 0;
  let stopped = false;

  const schedule = (ms: number) => {
    if (timer !== undefined || stopped) return;
    timer = deps.setTimer(() => {
      timer = undefined;
      void reporter.flush();
    }, ms);
  };

  const trim = () => {
    const max = deps.config().maxBufferedEvents;
    if (queue.length > max) {
      book.metrics.eventsDropped += queue.length - max;
      queue = queue.slice(queue.length - max);
    }
    book.metrics.eventsQueued = queue.length;
  };

  const send = async (final: boolean): Promise<void> => {
    while (queue.length > 0 && !stopped) {
      const config = deps.config();
      if (!config.reportingEnabled) return;
      const events = queue.splice(0, PER_REPORT);
      book.metrics.eventsQueued = queue.length;
      const report: AgentReport = {
        agent: 'frontend',
        protocolVersion: PROTOCOL_VERSION,
        sessionId: deps.sessionId,
        url: deps.pageUrl(),
        events,
      };
      if (config.service) report.service = config.service;
      try {
        const answer = await deps.transport.send(report, { final });
        failures = 0;
        if (answer?.refused) book.metrics.eventsDropped += events.length;
        else book.metrics.eventsSent += events.length;
        if (answer?.commands && Array.isArray(answer.commands)) deps.onCommands(answer.commands);
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
      if (event.fingerprint && event.type !== 'fix_attempt' && event.type !== 'fix_outcome') {
        const same = queue.find(
          (e) => e.fingerprint === event.fingerprint && e.type === event.type,
        );
        if (same) {
          same.data = { ...same.data, repeats: Number(same.data?.repeats ?? 0) + 1 };
          return;
        }
        const { rateLimitPerFingerprint, rateLimitWindowMs } = deps.config();
        if (!sentPerFingerprint(event.fingerprint, rateLimitPerFingerprint, rateLimitWindowMs)) {
          book.metrics.eventsRateLimited += 1;
          return;
        }
      }
      queue.push(event);
      trim();
      const config = deps.config();
      if (queue.length >= config.batchSize && failures === 0) {
        if (timer !== undefined) deps.clearTimer(timer);
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
      if (timer !== undefined) deps.clearTimer(timer);
      timer = undefined;
    },
  };
  return reporter;
}
