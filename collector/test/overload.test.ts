import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, event, KEY, STORES, type StoreTarget } from './harness.js';
import { type CollectorProcess, spawnCollector } from './process.js';

const MAX_QUEUED_EVENTS = 20;

describe.each(STORES)('overload on $name', ({ create }) => {
  let target: StoreTarget;
  let collector: CollectorProcess;

  beforeAll(async () => {
    target = await create();
    const config = target.config();
    collector = await spawnCollector({
      ADMIN_TOKEN: ADMIN,
      PROJECT_KEY: KEY,
      INGEST_MAX_QUEUED_EVENTS: String(MAX_QUEUED_EVENTS),
      ...(config.databaseUrl
        ? { DATABASE_URL: config.databaseUrl }
        : { DATA_DIR: config.dataDir as string }),
    });
  });
  afterAll(async () => {
    collector?.proc.kill('SIGTERM');
    await collector?.exited;
    await target?.dispose();
  });

  const send = (body: unknown) =>
    fetch(`${collector.base}/api/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('sheds load with 503 and Retry-After, stays within its queue bound, and stores everything it acknowledged', async () => {
    const bodies = Array.from({ length: 200 }, () => ({
      agent: 'frontend',
      events: Array.from({ length: 10 }, () => event({ data: { pad: 'p'.repeat(200) } })),
    }));
    const answers = await Promise.all(bodies.map(send));

    const shed = answers.filter((res) => res.status === 503 || res.status === 429);
    const stored = answers.filter((res) => res.status === 202);
    expect(shed.length).toBeGreaterThan(0);
    expect(stored.length).toBeGreaterThan(0);
    expect(shed.length + stored.length).toBe(bodies.length);
    for (const res of shed) {
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }

    const metrics = await (
      await fetch(`${collector.base}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).text();
    const refused = Number(
      metrics.match(/selfheal_reports_refused_total\{reason="overloaded"\} (\d+)/)?.[1],
    );
    expect(refused).toBe(shed.length);

    // Every acknowledged event is in the store: resending it finds only duplicates.
    for (const [i, res] of answers.entries()) {
      if (res.status !== 202) continue;
      expect(await (await send(bodies[i])).json()).toEqual({ accepted: 0, duplicates: 10 });
    }
  });
});
