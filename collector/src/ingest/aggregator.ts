import type { Issue } from '@selfheal/shared/protocol';
import type { Logger } from 'pino';
import type { Database, Execute } from '../db/database.js';
import { isStoreUnreachable } from '../errors.js';
import { aggregate } from '../store/aggregate.js';

/** Folds pending issue and agent figures into their rows, in the background and on demand. */
export interface Aggregator {
  /** Asks for a pass soon; calls within the delay share one pass. */
  poke(): void;
  /** Resolves once every figure stored before the call is folded (reads call this first). */
  foldPending(): Promise<void>;
  /** Waits for a running pass and stops scheduling new ones. */
  close(): Promise<void>;
}

/** What the aggregator needs and whom it tells. */
export interface AggregatorOptions {
  /** How long figures may wait before a background pass folds them. */
  delayMs: number;
  logger: Logger;
  /** New issues a project may open a minute; past it they count under one overflow issue. */
  maxNewIssuesPerMinute?: number;
  /** Told how many new fingerprints a pass counted under the overflow issue. */
  onOverflow?(fingerprints: number): void;
  /** Called inside each pass's transaction with the issues it changed (for live updates). */
  onIssues(
    issues: Array<{ project: string; issue: Issue; isNew: boolean }>,
    execute: Execute,
  ): Promise<void>;
}

/** Creates the aggregator over `database`; one pass runs at a time in this process. */
export function createAggregator(database: Database, options: AggregatorOptions): Aggregator {
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const pass = async () => {
    for (;;) {
      const done = await database.transaction(async (execute) => {
        const result = await aggregate(execute, options.maxNewIssuesPerMinute);
        if (result.issues.length > 0) await options.onIssues(result.issues, execute);
        if (result.overflowed > 0) options.onOverflow?.(result.overflowed);
        return result.done;
      });
      if (done) return;
    }
  };
  const run = (): Promise<void> => {
    const next = chain.then(pass);
    chain = next.catch(() => {});
    return next;
  };
  const poke = () => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      run().catch((error: unknown) => {
        // Figures stay pending in the store; the next pass folds them.
        if (!isStoreUnreachable(error)) options.logger.error({ err: error }, 'aggregating failed');
        poke();
      });
    }, options.delayMs);
  };
  return {
    poke,
    foldPending: run,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await chain;
    },
  };
}
