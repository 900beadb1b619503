import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminGet,
  event,
  postgresTarget,
  report,
  type StoreTarget,
  startCollector,
  TEST_DATABASE_URL,
} from './harness.js';

const REPORTS = 40;
const MESSAGES = ['alpha failed', 'beta failed', 'gamma failed'];

describe.skipIf(!TEST_DATABASE_URL)('two collectors on one Postgres', () => {
  let target: StoreTarget;
  beforeAll(async () => {
    target = await postgresTarget(TEST_DATABASE_URL as string);
  });
  afterAll(async () => target?.dispose());

  it('count every event of the same fingerprints exactly once', async () => {
    const a = await startCollector(target);
    const b = await startCollector(target);
    try {
      const bodies = Array.from({ length: REPORTS }, (_, n) => ({
        agent: 'backend',
        service: 'orders',
        hostname: `host-${n % 2}`,
        events: MESSAGES.flatMap((message) => [
          event({ message, stack: undefined }),
          event({ message, stack: undefined }),
        ]),
      }));
      // Every report goes to both collectors at once: one stores it, the other finds duplicates.
      const answers = await Promise.all(
        bodies.flatMap((body) => [report(a.base, body), report(b.base, body)]),
      );
      const acks = await Promise.all(
        answers.map(async (res) => {
          expect(res.status).toBe(202);
          return (await res.json()) as { accepted: number; duplicates: number };
        }),
      );
      const accepted = acks.reduce((sum, ack) => sum + ack.accepted, 0);
      expect(accepted).toBe(REPORTS * MESSAGES.length * 2);

      for (const base of [a.base, b.base]) {
        const { issues } = await adminGet(base, '/api/issues?limit=1000');
        for (const message of MESSAGES) {
          const issue = issues.find((i: { title: string }) => i.title === message);
          expect(issue?.count).toBe(REPORTS * 2);
        }
        const { agents } = await adminGet(base, '/api/agents');
        const reports = agents.reduce((sum: number, x: { reports: number }) => sum + x.reports, 0);
        expect(reports).toBe(REPORTS * 2);
      }
    } finally {
      await a.collector.close();
      await b.collector.close();
    }
  });
});
