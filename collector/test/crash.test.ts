import type { Status } from '@selfheal/shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, event, KEY, STORES, type StoreTarget } from './harness.js';
import { spawnCollector } from './process.js';

const WRITERS = 6;

describe.each(STORES)('SIGKILL while writers send, on $name', ({ create }) => {
  let target: StoreTarget;
  beforeAll(async () => {
    target = await create();
  });
  afterAll(async () => target?.dispose());

  const envFor = () => {
    const config = target.config();
    return {
      ADMIN_TOKEN: ADMIN,
      PROJECT_KEY: KEY,
      ...(config.databaseUrl
        ? { DATABASE_URL: config.databaseUrl }
        : { DATA_DIR: config.dataDir as string }),
    };
  };

  it('loses nothing it acknowledged', async () => {
    const first = await spawnCollector(envFor());
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (n: number) => {
      for (let i = 0; !stop && i < 10_000; i++) {
        const body = JSON.stringify({
          agent: 'frontend',
          service: `writer-${n}`,
          events: Array.from({ length: 10 }, () => event()),
        });
        try {
          const res = await fetch(`${first.base}/api/report`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            body,
          });
          if (res.status === 202) acknowledged.push(body);
        } catch {
          return; // the collector is gone
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, n) => writer(n));
    while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 20));
    first.proc.kill('SIGKILL');
    await first.exited;
    await expect(fetch(`${first.base}/api/health`)).rejects.toThrow();
    stop = true;
    await Promise.all(writers);

    const second = await spawnCollector(envFor());
    try {
      for (const body of acknowledged) {
        const res = await fetch(`${second.base}/api/report`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body,
        });
        expect(res.status).toBe(202);
        expect(await res.json()).toEqual({ accepted: 0, duplicates: 10 });
      }
      const status = await fetch(`${second.base}/api/status`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(((await status.json()) as Status).totalErrors).toBeGreaterThanOrEqual(
        acknowledged.length * 10,
      );
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
    }
  });
});
