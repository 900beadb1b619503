import type { RedisHelper } from '@selfheal/backend-agent/redis';
import { redisHelper } from '@selfheal/backend-agent/redis';
import { Redis } from 'ioredis';

/** The shop's Redis cache, with the agent's check and reconnect and a real way to lose it. */
export interface ShopCache extends RedisHelper {
  readonly url: string;
  /** ioredis's connection status: `ready` when commands can be sent. */
  readonly status: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Has the server kill the shop's connection (`CLIENT KILL`), as a Redis restart or failover does. */
  drop(): Promise<string>;
  close(): void;
}

/** Connects to Redis at `url`, or answers null when nothing answers there within half a second. */
export async function openCache(url: string): Promise<ShopCache | null> {
  // No automatic reconnect: a lost connection stays lost until reconnect_cache, as in services
  // that must not queue commands against a cache that went away.
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  client.on('error', () => {
    // The check reports a lost connection; an unhandled 'error' would only add noise.
  });
  try {
    await client.connect();
  } catch {
    client.disconnect(false);
    return null;
  }
  const helper = redisHelper(client);
  return {
    ...helper,
    url,
    get status() {
      return client.status;
    },
    get: (key) => client.get(key),
    async set(key, value, ttlSeconds) {
      await client.set(key, value, 'EX', ttlSeconds);
    },
    async drop() {
      const id = await client.client('ID');
      const admin = new Redis(url, {
        lazyConnect: true,
        connectTimeout: 500,
        retryStrategy: () => null,
      });
      try {
        await admin.connect();
        await admin.client('KILL', 'ID', String(id));
      } finally {
        admin.disconnect(false);
      }
      return `the server closed the shop's connection (client id ${id})`;
    },
    close: () => client.disconnect(false),
  };
}
