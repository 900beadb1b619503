import type { Problem } from '@selfheal/shared/protocol';
import { problemSchema, reportAckSchema } from '@selfheal/shared/protocol';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ADMIN, collectorPerSuite, event, report, STORES } from './harness.js';

async function metric(base: string, series: string): Promise<number> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const text = await res.text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return Number(line?.split(' ')[1] ?? 0);
}

describe.each(STORES)('honest ingest errors on $name', ({ create }) => {
  const suite = collectorPerSuite(create);

  it('answers a report the store always refuses with 500, never a retryable 503, and stores the rest', async () => {
    // A report no retry can store: the database refuses its message outright.
    await suite.collector.database.execute(
      sql`alter table events add constraint poison check (message is distinct from 'poison pill')`,
    );
    const poison = { agent: 'frontend', events: [event({ message: 'poison pill' })] };
    const good = { agent: 'frontend', events: [event()] };
    const [refused, stored] = await Promise.all([
      report(suite.base, poison),
      report(suite.base, good),
    ]);
    expect(stored.status).toBe(202);
    expect(reportAckSchema.parse(await stored.json())).toEqual({ accepted: 1, duplicates: 0 });
    expect(refused.status).toBe(500);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const problem: Problem = problemSchema.parse(await refused.json());
    expect(problem.detail).toContain('bug');

    // Sent again it fails again at once: nothing is queued or retried behind the agent's back.
    const again = await report(suite.base, poison);
    expect(again.status).toBe(500);
    expect(await metric(suite.base, 'selfheal_internal_errors_total{path="/api/report"}')).toBe(2);
    expect(await metric(suite.base, 'selfheal_reports_refused_total{reason="failed"}')).toBe(2);
    expect(await metric(suite.base, 'selfheal_ingest_queued_events')).toBe(0);
    expect((await report(suite.base, { agent: 'frontend', events: [event()] })).status).toBe(202);
  });
});

describe.each(STORES)('per-project rate limit on $name', ({ create }) => {
  const suite = collectorPerSuite(create, { rateLimitPerSecond: 5, rateLimitBurst: 20 });

  it('answers 429 with Retry-After once a project sends past its rate, and stores nothing refused', async () => {
    const batch = () => ({
      agent: 'frontend',
      events: Array.from({ length: 15 }, () => event()),
    });
    expect((await report(suite.base, batch())).status).toBe(202);
    const refused = await report(suite.base, batch());
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(3);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await metric(suite.base, 'selfheal_events_refused_total{reason="rate_limited"}')).toBe(
      15,
    );
    expect(await metric(suite.base, 'selfheal_events_ingested_total{agent="frontend"}')).toBe(15);
  });
});
