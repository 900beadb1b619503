import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/db/postgres.js';
import {
  adminGet,
  event,
  postgresTarget,
  report,
  type StoreTarget,
  startCollector,
  TEST_DATABASE_URL,
} from './harness.js';

const WRITERS = 6;

describe.skipIf(!TEST_DATABASE_URL)('Postgres restarting under load', () => {
  let target: StoreTarget;
  beforeAll(async () => {
    target = await postgresTarget(TEST_DATABASE_URL as string);
  });
  afterAll(async () => target?.dispose());

  it('replaces the pooled sessions Postgres terminated: no write or transaction fails or hangs', async () => {
    const url = target.config().databaseUrl as string;
    const database = new URL(url).pathname.slice(1);
    const admin = postgres(TEST_DATABASE_URL as string, { max: 1, onnotice: () => {} });
    const POOL = 3;
    const store = await openPostgres(url, { max: POOL });
    const backends = sql`select pg_backend_pid() as pid, pg_sleep(0.02)`;
    try {
      for (let round = 0; round < 10; round += 1) {
        // Every pooled session in use at once, so each is a live backend before it is ended.
        const pids = await Promise.all(
          Array.from({ length: POOL }, () => store.executeIdempotent<{ pid: number }>(backends)),
        );
        expect(new Set(pids.map(([row]) => row?.pid)).size).toBe(POOL);
        await admin`
          select pg_terminate_backend(pid) from pg_stat_activity
          where datname = ${database} and application_name = 'selfheal-collector'`;
        // Sent at once: most go out on sessions whose end the pool has not heard of yet.
        const answers = await Promise.all([
          ...Array.from({ length: POOL }, () =>
            store.executeIdempotent<{ one: number }>(sql`select 1 as one`),
          ),
          store.transaction(async (execute) => execute<{ one: number }>(sql`select 1 as one`)),
        ]);
        expect(answers.map(([row]) => row?.one)).toEqual(Array(POOL + 1).fill(1));
      }
    } finally {
      await admin.end();
      await store.close();
    }
  });

  it('answers 503 in the gap, never 500 or a 202 for what it did not store, and recovers by itself', async () => {
    const { collector, base } = await startCollector(target);
    const url = target.config().databaseUrl as string;
    const database = new URL(url).pathname.slice(1);
    const admin = postgres(TEST_DATABASE_URL as string, { max: 1, onnotice: () => {} });
    const statuses = new Map<number, number>();
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async () => {
      while (!stop) {
        const body = { agent: 'backend', service: 'orders', events: [event(), event()] };
        const res = await report(base, body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 202) acknowledged.push(JSON.stringify(body));
        else expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        await res.arrayBuffer();
      }
    };
    try {
      const writers = Array.from({ length: WRITERS }, writer);
      while (acknowledged.length < 30) await new Promise((r) => setTimeout(r, 10));
      // What a Postgres restart does to every session, the collector's LISTEN included.
      const killed = await admin<{ pid: number }[]>`
        select pg_terminate_backend(pid) as pid from pg_stat_activity
        where datname = ${database} and pid <> pg_backend_pid()`;
      expect(killed.length).toBeGreaterThan(0);
      const at = acknowledged.length;
      while (acknowledged.length < at + 30) await new Promise((r) => setTimeout(r, 10));
      stop = true;
      await Promise.all(writers);

      expect([...statuses.keys()].every((status) => status === 202 || status === 503)).toBe(true);
      // Every acknowledged event is stored: sending it again finds only duplicates.
      for (const body of acknowledged) {
        const res = await report(base, body);
        expect(res.status).toBe(202);
        expect(await res.json()).toEqual({ accepted: 0, duplicates: 2 });
      }
      const { issues } = await adminGet(base, '/api/issues');
      const total = issues.reduce((sum: number, i: { count: number }) => sum + i.count, 0);
      expect(total).toBeGreaterThanOrEqual(acknowledged.length * 2);
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
    } finally {
      stop = true;
      await admin.end();
      await collector.close();
    }
  });
});
