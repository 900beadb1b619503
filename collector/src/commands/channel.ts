import { sql } from 'drizzle-orm';
import type { Database, Db } from '../db/database.js';

/** The channel collectors NOTIFY when a command is stored for a service. */
export const COMMAND_CHANNEL = 'selfheal_commands';

/** Wakes long polls when a command is stored for their service, on this or any collector. */
export interface CommandChannel {
  /** NOTIFYs every collector; call inside the transaction that stores the command. */
  announce(tx: Db, project: string, service: string): Promise<void>;
  /** Wakes this process's polls for `service` at once (after the commit). */
  wake(project: string, service: string): void;
  /** Resolves when a command may be waiting for `service`, after `ms`, or when `signal` aborts. */
  wait(project: string, service: string, ms: number, signal?: AbortSignal): Promise<void>;
  /** Polls waiting right now. */
  readonly waiting: number;
  /** True once the collector is shutting down: polls answer at once. */
  readonly closed: boolean;
  close(): Promise<void>;
}

const keyOf = (project: string, service: string) => JSON.stringify([project, service]);

/** Listens on the store's command channel and creates the waiters. */
export async function createCommandChannel(database: Database): Promise<CommandChannel> {
  const waiters = new Map<string, Set<() => void>>();
  let waiting = 0;
  const wakeKey = (key: string) => {
    const set = waiters.get(key);
    if (!set) return;
    waiters.delete(key);
    for (const resolve of set) resolve();
  };
  const unlisten = await database.listen(COMMAND_CHANNEL, wakeKey);
  let closed = false;
  return {
    async announce(tx, project, service) {
      await tx.execute(sql`select pg_notify(${COMMAND_CHANNEL}, ${keyOf(project, service)})`);
    },
    wake(project, service) {
      wakeKey(keyOf(project, service));
    },
    wait(project, service, ms, signal) {
      if (closed || signal?.aborted) return Promise.resolve();
      const key = keyOf(project, service);
      return new Promise<void>((resolve) => {
        const set = waiters.get(key) ?? new Set();
        waiters.set(key, set);
        waiting += 1;
        let settled = false;
        const done = () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          if (set.delete(done) && set.size === 0 && waiters.get(key) === set) waiters.delete(key);
          waiting -= 1;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
        set.add(done);
      });
    },
    get waiting() {
      return waiting;
    },
    get closed() {
      return closed;
    },
    async close() {
      closed = true;
      for (const key of [...waiters.keys()]) wakeKey(key);
      await unlisten().catch(() => {});
    },
  };
}
