import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './decide-helpers.js';
import { ADMIN, KEY, STORES, type StoreTarget } from './harness.js';
import { type CollectorProcess, spawnCollector } from './process.js';

const post = (base: string, path: string, key: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe.each(STORES)('a fix outcome across a crash, on $name', ({ create }) => {
  let target: StoreTarget;
  beforeAll(async () => {
    target = await create();
  });
  afterAll(async () => target?.dispose());

  const start = () => {
    const config = target.config();
    return spawnCollector({
      ADMIN_TOKEN: ADMIN,
      PROJECT_KEY: KEY,
      VERIFY_WINDOW: '1',
      ...(config.databaseUrl
        ? { DATABASE_URL: config.databaseUrl }
        : { DATA_DIR: config.dataDir as string }),
    });
  };

  it('is verified and learned after a SIGKILL right after its 202', async () => {
    const first = await start();
    let second: CollectorProcess | undefined;
    try {
      const made = await post(first.base, '/api/services/orders/keys', ADMIN);
      const { key } = (await made.json()) as { key: string };
      const fingerprint = `pool-${randomUUID()}`;
      const fault = {
        id: randomUUID(),
        type: 'error',
        message: 'pool lost its connections',
        severity: 'low',
        fingerprint,
        timestamp: Date.now(),
      };
      expect(
        (await post(first.base, '/api/report', key, { agent: 'backend', events: [fault] })).status,
      ).toBe(202);
      const outcome = {
        id: randomUUID(),
        type: 'fix_outcome',
        data: { strategy: 'reconnect_database', fingerprint, success: true, local: true },
        timestamp: Date.now(),
      };
      const answer = await post(first.base, '/api/report', key, {
        agent: 'backend',
        events: [outcome],
      });
      first.proc.kill('SIGKILL');
      expect(answer.status).toBe(202);
      await first.exited;

      second = await start();
      const base = second.base;
      const learned = await eventually(async () => {
        const res = await fetch(`${base}/api/knowledge?pattern=${fingerprint}`, {
          headers: { authorization: `Bearer ${ADMIN}` },
        });
        const { knowledge } = (await res.json()) as {
          knowledge: Array<{ strategy: string; attempts: number; successes: number }>;
        };
        return knowledge.find((k) => k.strategy === 'reconnect_database' && k.attempts > 0);
      }, 30_000);
      expect(learned).toMatchObject({ attempts: 1, successes: 1 });
    } finally {
      first.proc.kill('SIGKILL');
      second?.proc.kill('SIGTERM');
      await second?.exited;
    }
    // Two collector starts and a verification window, on a machine shared with other tests.
  }, 120_000);
});
