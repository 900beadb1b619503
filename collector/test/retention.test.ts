import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { applyRetention } from '../src/store/retention.js';
import { adminGet, collectorPerSuite, event, report, STORES } from './harness.js';

const DAY = 86_400_000;

describe.each(STORES)('retention on $name', ({ create }) => {
  const suite = collectorPerSuite(create, { retentionDays: 2 });

  const partitions = async () =>
    (
      await suite.collector.database.execute<{ name: string }>(sql`
        select c.relname as name from pg_inherits i
        join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
        where p.relname = 'events' order by 1`)
    ).map((row) => row.name);
  const partitionOf = (ms: number) =>
    `events_p${new Date(ms).toISOString().slice(0, 10).replaceAll('-', '')}`;

  it('drops old days whole, keeps issue counts, and moves early arrivals into their day', async () => {
    const now = Date.now();
    expect(await partitions()).toEqual(
      expect.arrayContaining([
        partitionOf(now - 2 * DAY),
        partitionOf(now),
        partitionOf(now + 2 * DAY),
      ]),
    );
    const message = 'retention probe failed';
    const sent = {
      today: event({ message, timestamp: now }),
      yesterday: event({ message, timestamp: now - DAY }),
      early: event({ message, timestamp: now + 5 * DAY }),
    };
    const res = await report(suite.base, { agent: 'frontend', events: Object.values(sent) });
    expect(await res.json()).toEqual({ accepted: 3, duplicates: 0 });
    const { issues } = await adminGet(suite.base, '/api/issues?limit=1000');
    const issue = issues.find((i: { title: string }) => i.title === message);
    expect(issue.count).toBe(3);

    // Three days later, keeping two days: yesterday's partition goes.
    const later = now + 3 * DAY;
    const result = await applyRetention(suite.collector.database, 2, later);
    expect(result.dropped).toEqual(expect.arrayContaining([partitionOf(now - DAY)]));
    expect(result.dropped).not.toContain(partitionOf(now + DAY));
    expect(result.created).toEqual(expect.arrayContaining([partitionOf(now + 5 * DAY)]));
    expect(await partitions()).not.toContain(partitionOf(now - DAY));

    const detail = await adminGet(suite.base, `/api/issues/${issue.fingerprint}`);
    const kept = detail.events.map((e: { id: string }) => e.id).sort();
    expect(kept).toEqual([sent.early.id].sort());
    expect(detail.issue.count).toBe(3);
    // The early event now lives in its own day and is still found on a resend.
    const again = await report(suite.base, { agent: 'frontend', events: [sent.early] });
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('refuses an event older than it keeps, naming it, so a resend is never counted twice', async () => {
    const now = Date.now();
    const message = 'ancient probe failed';
    const batch = {
      agent: 'frontend',
      events: [event({ message, timestamp: now }), event({ message, timestamp: now - 30 * DAY })],
    };
    for (let i = 0; i < 2; i++) {
      const res = await report(suite.base, batch);
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { detail: string };
      expect(problem.detail).toContain('events.1.timestamp');
      expect(problem.detail).toContain('older than the 2 days this collector keeps');
    }
    const { issues } = await adminGet(suite.base, '/api/issues?limit=1000');
    expect(issues.find((i: { title: string }) => i.title === message)).toBeUndefined();
  });
});
