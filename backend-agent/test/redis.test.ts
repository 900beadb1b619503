import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { settle, testClock } from '../../collector/test/decide-helpers.js';
import { adminGet, collectorPerSuite, STORES, serviceKey } from '../../collector/test/harness.js';
import { BackendAgent } from '../src/index.js';
import { redisHelper } from '../src/redis.js';
import { issueDetail, storedOutcome, waitFor } from './support.js';

const REDIS_URL = process.env.TEST_REDIS_URL;

describe.skipIf(!REDIS_URL).each(STORES)('Redis connection killed, collector on $name', (store) => {
  const clock = testClock();
  const suite = collectorPerSuite(store.create, {}, () => ({ clock }));

  it('detects cache_down, reconnects, verifies with PING and the collector stores the outcome', async () => {
    const name = `selfheal-svc-${store.name}-${Date.now()}`;
    // A client that does not reconnect by itself: a killed connection stays down until fixed.
    const client = new Redis(REDIS_URL as string, {
      connectionName: name,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    const admin = new Redis(REDIS_URL as string);
    const cache = redisHelper(client);
    const agent = new BackendAgent({
      serviceName: `cart-${store.name}`,
      collectorUrl: suite.base,
      agentKey: await serviceKey(suite.base, `cart-${store.name}`),
      checkInterval: 0.2,
      builtins: false,
      checks: [cache.check],
      fixes: { reconnect_cache: cache.reconnect },
      batchMs: 100,
      commands: false,
      env: {},
    }).start();
    try {
      await waitFor('the first check round', () => agent.status().checks[0]?.status === 'pass');
      const fingerprint = agent.status().checks[0]?.fingerprint as string;
      await client.set(`${name}:k`, 'v');

      const list = (await admin.call('CLIENT', 'LIST')) as string;
      const id = list
        .split('\n')
        .find((line) => line.includes(`name=${name}`))
        ?.match(/id=(\d+)/)?.[1];
      expect(id).toBeDefined();
      expect(await admin.call('CLIENT', 'KILL', 'ID', id as string)).toBe(1);
      await waitFor('the client to notice', () => client.status === 'end');
      await expect(client.get(`${name}:k`)).rejects.toThrow();

      const outcome = await storedOutcome(suite.base, fingerprint, (d) => d.success === true);
      expect(outcome.data).toMatchObject({
        strategy: 'reconnect_cache',
        kind: 'cache_down',
        success: true,
        verifiedBy: 'cache',
        local: true,
      });
      // No cache_down within the verification window: the collector learns the fix worked.
      await settle(suite.collector);
      clock.advance(61_000);
      await settle(suite.collector);
      const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fingerprint}`);
      expect(knowledge).toContainEqual(
        expect.objectContaining({ strategy: 'reconnect_cache', successes: 1 }),
      );
      const detail = await issueDetail(suite.base, fingerprint);
      expect(detail?.issue.kind).toBe('cache_down');
      expect(
        detail?.events.some((e) => e.type === 'health_check' && e.data?.status === 'fail'),
      ).toBe(true);
      // The service's own client works again.
      expect(await client.get(`${name}:k`)).toBe('v');
      await client.del(`${name}:k`);
    } finally {
      await agent.stop();
      client.disconnect();
      admin.disconnect();
    }
  });
});
