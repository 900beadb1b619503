import type { Check } from './check.js';
import type { FixHook } from './fix.js';

/** The part of an ioredis client the helper uses (ioredis's `Redis` fits as it is). */
export interface RedisClientLike {
  readonly status: string;
  ping(): Promise<unknown>;
  connect(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
}

/** A Redis client the agent can check and reconnect. */
export interface RedisHelper {
  /** PING (`cache_down`). */
  check: Check;
  /** reconnect_cache: drops the connection and opens a new one, then PINGs. */
  reconnect: FixHook;
}

/**
 * Check and reconnect for the service's own ioredis client. A client built with
 * `retryStrategy: () => null` stays closed after its connection dies; this reconnects it.
 */
export function redisHelper(
  client: RedisClientLike,
  options: { name?: string; timeoutMs?: number } = {},
): RedisHelper {
  return {
    check: {
      name: options.name ?? 'cache',
      kind: 'cache_down',
      timeoutMs: options.timeoutMs ?? 2_000,
      async run() {
        if (client.status !== 'ready') {
          return { status: 'fail', message: `the Redis connection is ${client.status}` };
        }
        const started = performance.now();
        await client.ping();
        return { status: 'pass', value: Math.round(performance.now() - started) };
      },
    },
    async reconnect() {
      const before = client.status;
      if (before !== 'end' && before !== 'wait') client.disconnect(false);
      await waitFor(() => client.status === 'end' || client.status === 'wait', 2_000);
      await client.connect();
      await client.ping();
      return `reconnected (was ${before})`;
    },
  };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
