import type { DashboardUpdate } from '@selfheal/shared/protocol';
import type { Database } from '../db/database.js';
import { fromPayload, LIVE_CHANNEL } from './updates.js';

/** A dashboard connection as the hub sees it. */
export interface LiveClient {
  /** The project whose updates it receives. */
  readonly project: string;
  send(text: string): void;
  /** Bytes queued and not yet sent; a client that falls too far behind is dropped. */
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
}

/** Fans updates from every collector on the store out to this process's dashboards. */
export interface LiveHub {
  add(client: LiveClient): () => void;
  readonly size: number;
  close(): Promise<void>;
}

const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Listens on the store's live channel and creates the hub. */
export async function createLiveHub(database: Database): Promise<LiveHub> {
  const clients = new Set<LiveClient>();
  const broadcast = (update: DashboardUpdate) => {
    const text = JSON.stringify(update);
    for (const client of clients) {
      if ('project' in update && update.project !== client.project) continue;
      if (client.bufferedAmount > MAX_BUFFERED_BYTES) {
        clients.delete(client);
        client.close(1013, 'too slow to keep up with live updates');
        continue;
      }
      try {
        client.send(text);
      } catch {
        clients.delete(client);
      }
    }
  };
  const unlisten = await database.listen(LIVE_CHANNEL, (payload) => {
    // Most collectors under load have no dashboard open: nothing to read the payload for.
    if (clients.size === 0) return;
    for (const update of fromPayload(payload)) broadcast(update);
  });
  return {
    add(client) {
      clients.add(client);
      return () => clients.delete(client);
    },
    get size() {
      return clients.size;
    },
    async close() {
      for (const client of clients) client.close(1001, 'collector shutting down');
      clients.clear();
      await unlisten().catch(() => {});
    },
  };
}
