import type { ReportAck } from '@selfheal/shared/protocol';
import { overloaded } from '../errors.js';
import type { IngestReport } from './normalize.js';

/** Writes a batch of reports in one transaction, answering one acknowledgement per report. */
export type BatchWriter = (batch: IngestReport[]) => Promise<ReportAck[]>;

/** How many events a group commit takes at once and holds while waiting. */
export interface GroupCommitOptions {
  /** Most events written in one transaction. */
  maxBatchEvents: number;
  /** Most events waiting for a transaction; past it, new reports are refused with 503. */
  maxQueuedEvents: number;
  /** Transactions in flight at once. */
  concurrency: number;
}

interface Pending {
  report: IngestReport;
  resolve: (ack: ReportAck) => void;
  reject: (error: unknown) => void;
}

/** Queues reports and writes those that arrive together in one transaction (group commit). */
export interface GroupCommit {
  /** Resolves once the report's events are committed; rejects with 503 when the queue is full. */
  submit(report: IngestReport): Promise<ReportAck>;
  /** Events waiting for or inside a transaction. */
  readonly queuedEvents: number;
  /** Resolves once every submitted report is written or failed. */
  drain(): Promise<void>;
}

/** Creates a group commit over `write`; a failed batch is retried report by report. */
export function createGroupCommit(write: BatchWriter, options: GroupCommitOptions): GroupCommit {
  const queue: Pending[] = [];
  let queuedEvents = 0;
  let running = 0;
  let idle: Array<() => void> = [];

  const settle = (items: Pending[], acks: ReportAck[]) => {
    for (const [i, item] of items.entries()) item.resolve(acks[i] as ReportAck);
  };

  async function writeBatch(items: Pending[]): Promise<void> {
    try {
      settle(items, await write(items.map((item) => item.report)));
    } catch (error) {
      if (items.length === 1) {
        items[0]?.reject(error);
        return;
      }
      // One bad report must not fail the others that happened to share its transaction.
      for (const item of items) await writeBatch([item]);
    }
  }

  function take(): Pending[] {
    const items: Pending[] = [];
    let events = 0;
    while (queue.length > 0) {
      const next = queue[0] as Pending;
      if (items.length > 0 && events + next.report.events.length > options.maxBatchEvents) break;
      queue.shift();
      items.push(next);
      events += next.report.events.length;
    }
    return items;
  }

  let scheduled = false;
  // Wait one turn of the event loop so reports arriving together share a transaction; an
  // embedded database runs on this thread and would otherwise commit them one by one.
  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  }

  function pump(): void {
    while (running < options.concurrency && queue.length > 0) {
      const items = take();
      running += 1;
      void writeBatch(items).finally(() => {
        running -= 1;
        for (const item of items) queuedEvents -= item.report.events.length;
        schedule();
        if (running === 0 && queue.length === 0) {
          const waiting = idle;
          idle = [];
          for (const done of waiting) done();
        }
      });
    }
  }

  return {
    submit(report) {
      const size = report.events.length;
      if (queuedEvents > 0 && queuedEvents + size > options.maxQueuedEvents) {
        return Promise.reject(
          overloaded('the collector is writing as fast as it can; retry shortly'),
        );
      }
      queuedEvents += size;
      return new Promise<ReportAck>((resolve, reject) => {
        queue.push({ report, resolve, reject });
        schedule();
      });
    },
    get queuedEvents() {
      return queuedEvents;
    },
    drain() {
      if (running === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
